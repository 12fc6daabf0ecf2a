package integration

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
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

// platform is a running terrimap-server over a real file.
type platform struct {
	t    testing.TB
	st   *server.SQLiteStorage
	srv  *server.Server
	http *httptest.Server
}

func newPlatform(t testing.TB) *platform {
	t.Helper()
	ctx := context.Background()
	st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	layers := []server.LayerRecord{
		{Schema: peiSchema(), Style: json.RawMessage(`{"color":"#c00"}`)},
		{Schema: schema.Layer{Name: "canalaep", Title: "Canalisations AEP", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Integer}}}},
	}
	for _, l := range layers {
		if err := st.PutLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus", Territory: tournus}, {ID: "71550", Name: "Uchizy", Territory: uchizy}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(password, 4)
	if err != nil {
		t.Fatal(err)
	}
	for name, ms := range map[string][]protocol.Membership{
		"admin":   {{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}},
		"agent":   {{Org: protocol.OrgCCMT, Role: protocol.RoleEditor}},
		"tournus": {{Org: "71543", Role: protocol.RoleEditor}},
		"elu":     {{Org: "71543", Role: protocol.RoleViewer}},
	} {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: ms}); err != nil {
			t.Fatal(err)
		}
	}
	p := &platform{t: t, st: st, srv: server.New(st, server.Options{})}
	p.http = httptest.NewServer(p.srv)
	t.Cleanup(p.http.Close)
	return p
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
