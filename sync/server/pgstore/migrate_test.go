package pgstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

const migratePassword = "mot de passe sûr"

// migrateLayers are the layers of the migrated platform: every field type.
func migrateLayers() []server.LayerRecord {
	return []server.LayerRecord{
		{Schema: schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "numero", Type: schema.Text},
			{Name: "type_pei", Type: schema.Text, Required: true, Default: "PI", Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau"}, {Code: "BI", Label: "Bouche"}}},
			{Name: "debit", Type: schema.Real},
			{Name: "annee", Type: schema.Integer},
			{Name: "disponible", Type: schema.Boolean},
			{Name: "date_ct", Type: schema.Date},
			{Name: "vu_le", Type: schema.DateTime},
		}}, Style: json.RawMessage(`{"color": "#c00"}`)},
		{Schema: schema.Layer{Name: "canalaep", Title: "Canalisations AEP", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Integer}}}, EditBy: server.EditByAdmins},
	}
}

// sqlitePlatform is a SQLite platform served over HTTP on addr.
type sqlitePlatform struct {
	path string
	st   *server.SQLiteStorage
	http *httptest.Server
}

func newSQLitePlatform(t *testing.T) *sqlitePlatform {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "platform.gpkg")
	st, err := server.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, l := range migrateLayers() {
		if err := st.PutLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	tournus := orb.Polygon{{{4.85, 46.50}, {4.95, 46.50}, {4.95, 46.60}, {4.85, 46.60}, {4.85, 46.50}}}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"}, {ID: "71543", Name: "Tournus", Territory: tournus}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(migratePassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]protocol.Membership{
		"admin":   {Org: protocol.OrgCCMT, Role: protocol.RoleAdmin},
		"tournus": {Org: "71543", Role: protocol.RoleEditor},
		"elu":     {Org: "71543", Role: protocol.RoleViewer},
	} {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: []protocol.Membership{m}}); err != nil {
			t.Fatal(err)
		}
	}
	p := &sqlitePlatform{path: path, st: st, http: httptest.NewServer(server.New(st, server.Options{}))}
	t.Cleanup(p.http.Close)
	return p
}

func (d *testDesk) edit(fn func(tx *store.Tx) error) {
	d.t.Helper()
	if err := d.ws.Edit(context.Background(), fn); err != nil {
		d.t.Fatal(err)
	}
}

func (d *testDesk) cursor() string {
	d.t.Helper()
	c, err := d.ws.Meta(context.Background(), "platform.cursor")
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// A platform that desks have synced with is migrated while it serves;
// a PostgreSQL server then answers on the same address, and the desks
// sync on with their cursor and their token: they pull only what changed
// since, nothing is lost, the history is the same.
func TestMigrateDesksSyncOnWithoutFirstSync(t *testing.T) {
	ctx := context.Background()
	src := newSQLitePlatform(t)
	admin := newDesk(t, src.http.URL, "admin", migratePassword)
	agent := newDesk(t, src.http.URL, "tournus", migratePassword)
	var ids []string
	admin.edit(func(tx *store.Tx) error {
		for i, p := range []orb.Point{{4.90, 46.55}, {4.91, 46.56}, {4.92, 46.57}} {
			f, err := tx.Create("pei", store.Feature{Geometry: p, Properties: map[string]any{
				"numero": "PEI-" + string(rune('1'+i)), "type_pei": "PI", "debit": 60.5, "annee": int64(1990 + i),
				"disponible": true, "date_ct": "2024-05-0" + string(rune('1'+i)), "vu_le": "2024-06-01T08:30:00Z"}})
			if err != nil {
				return err
			}
			ids = append(ids, f.UUID)
		}
		_, err := tx.Create("canalaep", store.Feature{Geometry: orb.LineString{{4.90, 46.55}, {4.91, 46.56}}, Properties: map[string]any{"materiau": "fonte", "diametre": int64(150)}})
		return err
	})
	admin.sync()
	agent.sync()
	agent.edit(func(tx *store.Tx) error {
		_, err := tx.Update("pei", ids[0], store.Change{Properties: map[string]any{"debit": 72.0, "disponible": false}})
		return err
	})
	agent.sync()
	admin.edit(func(tx *store.Tx) error { return tx.Delete("pei", ids[2]) })
	admin.sync()
	agent.sync()
	admin.sync()
	photo := bytes.Repeat([]byte("photo de poteau "), 1000)
	sum := sha256.Sum256(photo)
	photoHash := hex.EncodeToString(sum[:])
	if _, err := src.st.Blobs().Append("tournus", photoHash, 0, int64(len(photo)), int64(len(photo)), bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	pushUser, pushID, pushAnswer := anyPushResult(t, src.st)
	historyBefore := map[string][]protocol.Version{}
	for _, id := range ids {
		h, err := src.st.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		historyBefore[id] = h
	}
	cursorBefore := agent.cursor()

	// Migrate while the SQLite platform still serves.
	dbURL := pgtest.NewDatabase(t)
	rep, err := Migrate(ctx, src.path, dbURL, MigrateOptions{})
	if err != nil {
		t.Fatalf("migrate: %v\n%+v", err, rep.Tables)
	}
	if !rep.OK() || rep.Already {
		t.Fatalf("report: %+v", rep)
	}
	addr := src.http.Listener.Addr().String()
	src.http.Close()

	pg, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	// The copy is the platform's own write: nothing was captured as a
	// direct edit, and the reconciliation that serve runs first finds
	// every row as its head says (row hashes came along).
	var captured int
	if err := pg.Pool().QueryRow(ctx, `SELECT count(*) FROM terrimap.captured`).Scan(&captured); err != nil || captured != 0 {
		t.Errorf("the migration left %d captured rows (%v)", captured, err)
	}
	if rr, err := pg.Reconcile(ctx, slog.New(slog.DiscardHandler)); err != nil || rr.Differences != 0 || rr.Versions != 0 {
		t.Errorf("reconciliation after the migration: %+v %v", rr, err)
	}
	serveOn(t, addr, server.New(pg, server.Options{}))

	// Nothing new: the desks pull nothing, with the tokens they hold.
	if s := agent.sync(); s.Pull.Received+s.Pull.Deleted != 0 {
		t.Errorf("first sync after the migration pulled %+v, want nothing", s.Pull)
	}
	if got := agent.cursor(); got != cursorBefore {
		t.Errorf("cursor moved from %s to %s without a change", cursorBefore, got)
	}
	// A change after the migration: the other desk pulls it alone.
	admin.edit(func(tx *store.Tx) error {
		_, err := tx.Update("pei", ids[1], store.Change{Properties: map[string]any{"numero": "PEI-2bis"}})
		return err
	})
	if s := admin.sync(); s.Push.Applied != 1 {
		t.Fatalf("push after the migration: %+v", s.Push)
	}
	s := agent.sync()
	if s.Pull.Received != 1 || s.Pull.Deleted != 0 {
		t.Errorf("after one change the desk pulled %+v, want exactly 1", s.Pull)
	}
	if f, err := agent.ws.Get(ctx, "pei", ids[1]); err != nil || f.Properties["numero"] != "PEI-2bis" {
		t.Errorf("the change did not reach the desk: %v %v", f.Properties, err)
	}
	if f, err := agent.ws.Get(ctx, "pei", ids[0]); err != nil || f.Properties["debit"] != 72.0 || f.Properties["disponible"] != false {
		t.Errorf("an edit from before the migration is lost: %v %v", f.Properties, err)
	}
	if _, err := agent.ws.Get(ctx, "pei", ids[2]); !errors.Is(err, store.ErrFeatureNotFound) {
		t.Errorf("the deleted hydrant is back: %v", err)
	}

	// History, answered pushes and attachments came along.
	for _, id := range ids {
		after, err := pg.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		before := historyBefore[id]
		if id == ids[1] {
			after = after[:len(after)-1] // the change made after the migration
		}
		if len(after) != len(before) {
			t.Errorf("history of %s: %d versions after, %d before", id, len(after), len(before))
			continue
		}
		for i := range before {
			b, a := before[i], after[i]
			if a.Seq != b.Seq || a.Version != b.Version || a.Op != b.Op || a.Author != b.Author || !a.At.Equal(b.At.Truncate(time.Microsecond)) ||
				!reflect.DeepEqual(a.Properties, b.Properties) || !reflect.DeepEqual(a.Geometry, b.Geometry) || !reflect.DeepEqual(a.Changed, b.Changed) {
				t.Errorf("%s version %d:\n after %+v\nbefore %+v", id, i, a, b)
			}
		}
	}
	err = pg.Write(ctx, func(tx server.WriteTx) error {
		got, ok, err := tx.PushResult(pushUser, pushID)
		if err != nil {
			return err
		}
		if !ok || !reflect.DeepEqual(got, pushAnswer) {
			t.Errorf("answered push %s/%s: %+v %v, want %+v", pushUser, pushID, got, ok, pushAnswer)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pg.Blobs().Open(photoHash)
	if err != nil {
		t.Fatalf("the attachment did not come along: %v", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, photo) {
		t.Errorf("attachment: %d bytes, %v", len(got), err)
	}
}

// anyPushResult returns a stored answer of a platform's pushes.
func anyPushResult(t *testing.T, st *server.SQLiteStorage) (user, changeID string, r protocol.PushResult) {
	t.Helper()
	var js string
	err := st.Workspace().DB().QueryRow(`SELECT user, change_id, result FROM srv_pushes ORDER BY change_id LIMIT 1`).Scan(&user, &changeID, &js)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	return user, changeID, r
}

// serveOn serves h on addr (the address a platform served on before).
func serveOn(t *testing.T, addr string, h http.Handler) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
}

// Migrating again verifies and writes nothing; once the PostgreSQL
// platform has changed, a new migration is refused and changes nothing;
// a database holding another platform is refused.
func TestMigrateAgain(t *testing.T) {
	ctx := context.Background()
	src := newSQLitePlatform(t)
	admin := newDesk(t, src.http.URL, "admin", migratePassword)
	admin.edit(func(tx *store.Tx) error {
		_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"type_pei": "BI"}})
		return err
	})
	admin.sync()
	src.http.Close()
	dbURL := pgtest.NewDatabase(t)
	if _, err := Migrate(ctx, src.path, dbURL, MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := Migrate(ctx, src.path, dbURL, MigrateOptions{})
	if err != nil || !rep.Already || !rep.OK() {
		t.Fatalf("second run: %v %+v", err, rep)
	}

	pg, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if err := pg.PutOrganisation(ctx, server.Organisation{ID: "71550", Name: "Uchizy"}); err != nil {
		t.Fatal(err)
	}
	rep, err = Migrate(ctx, src.path, dbURL, MigrateOptions{})
	if !errors.Is(err, ErrTargetDiverged) {
		t.Fatalf("migrate over a changed target: %v, want ErrTargetDiverged", err)
	}
	if got := rep.Mismatched(); !reflect.DeepEqual(got, []string{"orgs"}) {
		t.Errorf("mismatched tables %v, want [orgs]", got)
	}
	if _, err := pg.Organisation(ctx, "71550"); err != nil {
		t.Errorf("the refused migration changed the target: %v", err)
	}

	other := pgtest.NewDatabase(t)
	st, err := Open(ctx, other, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "Autre"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Migrate(ctx, src.path, other, MigrateOptions{}); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("migrate into another platform: %v, want ErrTargetNotEmpty", err)
	}
}

// A platform migrated while desks push to it is copied as one consistent
// snapshot (every check matches); once the file has moved on, migrating
// again into that database is refused.
func TestMigrateWhileServing(t *testing.T) {
	ctx := context.Background()
	src := newSQLitePlatform(t)
	admin := newDesk(t, src.http.URL, "admin", migratePassword)
	stop := make(chan struct{})
	pushed := make(chan int)
	go func() {
		n := 0
		defer func() { pushed <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := admin.ws.Edit(ctx, func(tx *store.Tx) error {
				_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"type_pei": "PI", "annee": int64(n)}})
				return err
			})
			if err == nil {
				_, err = admin.c.Sync(ctx)
			}
			if err != nil {
				t.Errorf("push while migrating: %v", err)
				return
			}
			n++
		}
	}()
	// Let a few pushes land first, so that the snapshot falls among them.
	for {
		var n int
		if err := src.st.Workspace().DB().QueryRow(`SELECT count(*) FROM srv_history`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 3 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	dbURL := pgtest.NewDatabase(t)
	rep, err := Migrate(ctx, src.path, dbURL, MigrateOptions{})
	close(stop)
	n := <-pushed
	if err != nil || !rep.OK() {
		t.Fatalf("migrate while serving: %v\n%+v", err, rep.Tables)
	}
	var copied int64
	for _, c := range rep.Tables {
		if c.Name == "layer pei" {
			copied = c.TargetRows
		}
	}
	if copied == 0 || copied > int64(n) || rep.FeedEnd != copied {
		t.Errorf("%d hydrants copied, feed at %d, %d pushed in all", copied, rep.FeedEnd, n)
	}
	t.Logf("%d hydrants pushed, %d in the snapshot", n, copied)
	admin.edit(func(tx *store.Tx) error {
		_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"type_pei": "BI"}})
		return err
	})
	admin.sync()
	if _, err := Migrate(ctx, src.path, dbURL, MigrateOptions{}); !errors.Is(err, ErrTargetDiverged) {
		t.Errorf("migrate again after the file moved on: %v, want ErrTargetDiverged", err)
	}
}

// A version PostgreSQL refuses (a feature id that is no UUID) fails the
// migration whole: the error says why, and the target is left empty.
func TestMigrateFailsWhole(t *testing.T) {
	ctx := context.Background()
	src := newSQLitePlatform(t)
	admin := newDesk(t, src.http.URL, "admin", migratePassword)
	admin.edit(func(tx *store.Tx) error {
		_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"type_pei": "BI"}})
		return err
	})
	admin.sync()
	src.http.Close()
	if _, err := src.st.Workspace().DB().Exec(`INSERT INTO srv_history (layer, uuid, version, op, author, at) VALUES ('pei', 'pas-un-uuid', 1, 'delete', 'x', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	dbURL := pgtest.NewDatabase(t)
	_, err := Migrate(ctx, src.path, dbURL, MigrateOptions{})
	if err == nil || !strings.Contains(err.Error(), `the feature id "pas-un-uuid" is not a UUID`) {
		t.Fatalf("migrate with a bad id: %v", err)
	}
	pg, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var layers, versions, users int
	if err := pg.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM terrimap.layers), (SELECT count(*) FROM terrimap.versions), (SELECT count(*) FROM terrimap.users)`).Scan(&layers, &versions, &users); err != nil {
		t.Fatal(err)
	}
	if layers+versions+users != 0 {
		t.Errorf("a failed migration left %d layers, %d versions, %d users", layers, versions, users)
	}
}
