package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// psqlBin is the real psql the direct-edit tests run, as a GIS technician
// would.
const psqlBin = "/usr/lib/postgresql/15/bin/psql"

// Territories of the capture tests: Tournus west of 4.95°E, Uchizy east.
var (
	capTournus = orb.Polygon{{{4.85, 46.50}, {4.95, 46.50}, {4.95, 46.60}, {4.85, 46.60}, {4.85, 46.50}}}
	capUchizy  = orb.Polygon{{{4.95, 46.50}, {5.05, 46.50}, {5.05, 46.60}, {4.95, 46.60}, {4.95, 46.50}}}
)

const capPassword = "mot de passe sûr"

// capPEI is the hydrant layer of the capture tests.
func capPEI() schema.Layer {
	return schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "numero", Type: schema.Text},
		{Name: "type_pei", Type: schema.Text, Required: true, Default: "PI", Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau"}, {Code: "BI", Label: "Bouche"}}},
		{Name: "debit", Type: schema.Real},
		{Name: "date_ct", Type: schema.Date},
	}}
}

// capPlatform is a PostgreSQL platform served over HTTP, with a GIS
// technician's database role (sig) and the database's admin URL.
type capPlatform struct {
	t     testing.TB
	ctx   context.Context
	url   string // the platform's (superuser) URL of the database
	st    *Storage
	http  *httptest.Server
	sig   string // the technician's role, unique to the test
	suffx string
}

func newCapPlatform(t testing.TB) *capPlatform {
	t.Helper()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	st, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, l := range []server.LayerRecord{{Schema: capPEI()}, {Schema: schema.Layer{Name: "canalaep", GeometryType: schema.LineString,
		Fields: []schema.Field{{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Integer}}}}} {
		if err := st.PutLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus", Territory: capTournus}, {ID: "71550", Name: "Uchizy", Territory: capUchizy}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(capPassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	for name, ms := range map[string][]protocol.Membership{
		"admin":   {{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}},
		"tournus": {{Org: "71543", Role: protocol.RoleEditor}},
		"elu":     {{Org: "71543", Role: protocol.RoleViewer}},
	} {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: ms}); err != nil {
			t.Fatal(err)
		}
	}
	p := &capPlatform{t: t, ctx: ctx, url: dbURL, st: st, suffx: randomSuffix()}
	p.sig = p.role("sig")
	p.http = httptest.NewServer(server.New(st, server.Options{}))
	t.Cleanup(p.http.Close)
	return p
}

func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// role creates a login role named base_<suffix> that may edit the layer
// tables (as the GIS technician's is), dropped when the test ends.
func (p *capPlatform) role(base string) string {
	p.t.Helper()
	name := base + "_" + p.suffx
	p.exec(`CREATE ROLE ` + name + ` LOGIN`)
	p.exec(`GRANT USAGE ON SCHEMA reseaux TO ` + name)
	p.exec(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA reseaux TO ` + name)
	p.t.Cleanup(func() { p.dropRole(name) })
	return name
}

// dropRole drops a role of the test (its privileges in the database
// first).
func (p *capPlatform) dropRole(name string) {
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, p.url); err == nil {
		conn.Exec(ctx, `DROP OWNED BY `+name)
		conn.Close(ctx)
	}
	if conn, err := pgx.Connect(ctx, pgtest.Primary(p.t)); err == nil {
		conn.Exec(ctx, `DROP ROLE IF EXISTS `+name)
		conn.Close(ctx)
	}
}

// exec runs SQL as the platform's role.
func (p *capPlatform) exec(q string, args ...any) {
	p.t.Helper()
	if _, err := p.st.Pool().Exec(p.ctx, q, args...); err != nil {
		p.t.Fatalf("%s: %v", q, err)
	}
}

// urlAs is the database's URL for a role.
func (p *capPlatform) urlAs(role string) string {
	u, err := url.Parse(p.url)
	if err != nil {
		p.t.Fatal(err)
	}
	u.User = url.User(role)
	return u.String()
}

// libpqAs is the database as GDAL's PG: connection string, for a role.
func (p *capPlatform) libpqAs(role string) string {
	cfg, err := pgx.ParseConfig(p.url)
	if err != nil {
		p.t.Fatal(err)
	}
	return "PG:host=" + cfg.Host + " port=" + strconv.Itoa(int(cfg.Port)) + " dbname=" + cfg.Database + " user=" + role
}

// psql runs SQL in the real psql as role, stopping at the first error; it
// returns psql's output and error.
func (p *capPlatform) psql(role, sql string) (string, error) {
	cmd := exec.Command(psqlBin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", p.urlAs(role), "-c", sql)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustPsql is psql that fails the test on an error.
func (p *capPlatform) mustPsql(role, sql string) string {
	p.t.Helper()
	out, err := p.psql(role, sql)
	if err != nil {
		p.t.Fatalf("psql as %s: %s: %v\n%s", role, sql, err, out)
	}
	return out
}

// capture runs a capture pass (as the worker would on a notification).
func (p *capPlatform) capture() CaptureStats {
	p.t.Helper()
	st, err := p.st.CapturePass(p.ctx, discard())
	if err != nil {
		p.t.Fatalf("capture: %v", err)
	}
	return st
}

// reconcile runs a reconciliation.
func (p *capPlatform) reconcile() ReconcileReport {
	p.t.Helper()
	rep, err := p.st.Reconcile(p.ctx, discard())
	if err != nil {
		p.t.Fatalf("reconcile: %v", err)
	}
	return rep
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// seed creates a hydrant through the platform (a push-like write) and
// returns its id.
func (p *capPlatform) seed(num string, at orb.Point, debit float64) string {
	p.t.Helper()
	id := store.NewID()
	err := p.st.Write(p.ctx, func(tx server.WriteTx) error {
		_, err := tx.WriteVersion("pei", id, protocol.FeatureState{Exists: true, Version: 1, Geometry: at,
			Properties: map[string]any{"numero": num, "type_pei": "PI", "debit": debit}}, protocol.OpCreate, "admin", nil)
		return err
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return id
}

// history is the feature's versions, oldest first.
func (p *capPlatform) history(id string) []protocol.Version {
	p.t.Helper()
	h, err := p.st.History(p.ctx, id)
	if err != nil {
		p.t.Fatal(err)
	}
	return h
}

// feature is the platform's current feature.
func (p *capPlatform) feature(id string) protocol.FeatureState {
	p.t.Helper()
	f, err := p.st.Feature(p.ctx, "pei", id)
	if err != nil {
		p.t.Fatal(err)
	}
	return f
}

// dbRoleOf is the database role recorded with a version.
func (p *capPlatform) dbRoleOf(id string, version int64) string {
	p.t.Helper()
	var role *string
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT db_role FROM terrimap.versions WHERE uuid = $1 AND version = $2`, id, version).Scan(&role); err != nil {
		p.t.Fatal(err)
	}
	if role == nil {
		return ""
	}
	return *role
}

// count runs a count query.
func (p *capPlatform) count(q string, args ...any) int {
	p.t.Helper()
	var n int
	if err := p.st.Pool().QueryRow(p.ctx, q, args...).Scan(&n); err != nil {
		p.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// testDesk is a desktop synced with the platform over HTTP.
type testDesk struct {
	t  testing.TB
	ws *store.Workspace
	c  *client.Client
}

func (p *capPlatform) desk(user string) *testDesk {
	p.t.Helper()
	return newDesk(p.t, p.http.URL, user, capPassword)
}

// newDesk is a desktop with a workspace of its own, signed in to the
// platform at url as user and synced once.
func newDesk(t testing.TB, url, user, password string) *testDesk {
	t.Helper()
	ws, err := store.OpenOrCreate(filepath.Join(t.TempDir(), user+"-"+store.NewID()+".gpkg"))
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
	d := &testDesk{t: t, ws: ws, c: c}
	d.sync()
	return d
}

func (d *testDesk) sync() client.Summary {
	d.t.Helper()
	s, err := d.c.Sync(context.Background())
	if err != nil {
		d.t.Fatalf("sync: %v", err)
	}
	return s
}

func (d *testDesk) update(id string, props map[string]any) {
	d.t.Helper()
	err := d.ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Update("pei", id, store.Change{Properties: props})
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
}

func (d *testDesk) get(id string) store.Feature {
	d.t.Helper()
	f, err := d.ws.Get(context.Background(), "pei", id)
	if err != nil {
		d.t.Fatalf("desk: get %s: %v", id, err)
	}
	return f
}

// propsJSON shows properties in failures.
func propsJSON(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}
