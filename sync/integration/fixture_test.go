package integration

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/server"
)

const password = "mot de passe sûr"

var (
	tournus = orb.Polygon{{{4.85, 46.50}, {4.95, 46.50}, {4.95, 46.60}, {4.85, 46.60}, {4.85, 46.50}}}
	uchizy  = orb.Polygon{{{4.95, 46.50}, {5.05, 46.50}, {5.05, 46.60}, {4.95, 46.60}, {4.95, 46.50}}}
)

func peiSchema() schema.Layer {
	return schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "numero", Type: schema.Text},
		{Name: "type_pei", Type: schema.Text, Required: true, Default: "PI", Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau"}, {Code: "BI", Label: "Bouche"}}},
		{Name: "debit", Type: schema.Real},
		{Name: "disponible", Type: schema.Boolean},
		{Name: "date_ct", Type: schema.Date},
	}}
}

// platform is a running terrimap-server over a real database of one kind:
// a file (SQLite) or a PostgreSQL database.
type platform struct {
	t    testing.TB
	kind storageKind
	db   string // the database: a file path or a PostgreSQL URL
	st   testStorage
	srv  *server.Server
	http *httptest.Server
}

// newPlatform serves a new platform of the fixture's layers, communes and
// users on a storage of the given kind.
func newPlatform(t testing.TB, kind storageKind) *platform {
	t.Helper()
	return newWatchedPlatform(t, kind, nil)
}

// desk is one desktop: a workspace file and its sync client.
type desk struct {
	t  testing.TB
	ws *store.Workspace
	c  *client.Client
}

func (p *platform) newDesk(user string) *desk {
	return p.newDeskAt(user, filepath.Join(p.t.TempDir(), user+"-"+store.NewID()+".gpkg"), p.http.URL)
}

func (p *platform) newDeskAt(user, path, url string) *desk {
	t := p.t
	t.Helper()
	ws, err := store.OpenOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c, err := client.New(ws, url, client.Options{Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, password); err != nil {
		t.Fatal(err)
	}
	d := &desk{t: t, ws: ws, c: c}
	d.sync()
	return d
}

func (d *desk) sync() client.Summary {
	d.t.Helper()
	s, err := d.c.Sync(context.Background())
	if err != nil {
		d.t.Fatalf("sync: %v", err)
	}
	return s
}

func (d *desk) edit(fn func(tx *store.Tx) error) {
	d.t.Helper()
	if err := d.ws.Edit(context.Background(), fn); err != nil {
		d.t.Fatal(err)
	}
}

func (d *desk) create(layer string, g orb.Geometry, props map[string]any) string {
	d.t.Helper()
	var id string
	d.edit(func(tx *store.Tx) error {
		f, err := tx.Create(layer, store.Feature{Geometry: g, Properties: props})
		id = f.UUID
		return err
	})
	return id
}

func (d *desk) update(layer, id string, props map[string]any, g orb.Geometry) {
	d.t.Helper()
	d.edit(func(tx *store.Tx) error {
		_, err := tx.Update(layer, id, store.Change{Properties: props, Geometry: g, SetGeometry: g != nil})
		return err
	})
}

func (d *desk) get(layer, id string) (store.Feature, bool) {
	d.t.Helper()
	f, err := d.ws.Get(context.Background(), layer, id)
	if err != nil {
		return f, false
	}
	return f, true
}

func (d *desk) pending() map[store.JournalState]int {
	d.t.Helper()
	c, err := d.ws.JournalCount(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}
