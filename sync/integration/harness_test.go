package integration

// The stress tests' shared harness: platform files made outside any test
// server, desks with chosen client options, random edits, a ledger that
// accounts for every journal entry, and checks of the platform's
// consistency and of desks against it.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// seedAuthor writes the platform's features made outside any push.
const seedAuthor = "seed"

// testSeed returns the seed of a randomized test, from TERRIMAP_TEST_SEED
// when set, and logs it for replay.
func testSeed(t testing.TB) uint64 {
	seed := rand.Uint64()
	if s := os.Getenv("TERRIMAP_TEST_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TERRIMAP_TEST_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with TERRIMAP_TEST_SEED=%d)", seed, seed)
	return seed
}

// cheapHash is the fixture password hashed at bcrypt's lowest cost, as
// newPlatform does: logins stay real and bearable under -race.
var cheapHash = sync.OnceValue(func() string {
	h, err := server.HashPasswordCost(password, 4)
	if err != nil {
		panic(err)
	}
	return h
})

// seedPlatform gives a platform the fixture's layers, communes and users,
// with cheap password hashes.
func seedPlatform(ctx context.Context, st server.Storage) error {
	layers := []server.LayerRecord{
		{Schema: peiSchema(), Style: json.RawMessage(`{"color":"#c00"}`)},
		{Schema: schema.Layer{Name: "canalaep", Title: "Canalisations AEP", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Integer}}}},
	}
	for _, l := range layers {
		if err := st.PutLayer(ctx, l); err != nil {
			return err
		}
	}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus", Territory: tournus}, {ID: "71550", Name: "Uchizy", Territory: uchizy}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			return err
		}
	}
	for name, ms := range map[string][]protocol.Membership{
		"admin":   {{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}},
		"agent":   {{Org: protocol.OrgCCMT, Role: protocol.RoleEditor}},
		"tournus": {{Org: "71543", Role: protocol.RoleEditor}},
		"elu":     {{Org: "71543", Role: protocol.RoleViewer}},
	} {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: cheapHash(), Memberships: ms}); err != nil {
			return err
		}
	}
	return nil
}

// newDatabase returns a new, empty platform database of the given kind for
// t: a file in t's folder, or a PostgreSQL database dropped when t ends.
func newDatabase(t testing.TB, kind storageKind) string {
	t.Helper()
	if kind == postgresKind {
		return newPostgresDatabase(t)
	}
	return filepath.Join(t.TempDir(), "platform.gpkg")
}

// newPlatformDB makes a seeded platform database of the given kind for t,
// closed, and returns its database string (a file path or a URL).
func newPlatformDB(t testing.TB, kind storageKind) string {
	t.Helper()
	db := newDatabase(t, kind)
	if err := makePlatformDB(db, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// makePlatformDB seeds the platform database db, lets more (when set) add
// to it, and closes it.
func makePlatformDB(db string, more func(testStorage) error) error {
	st, err := openStorage(db)
	if err != nil {
		return err
	}
	err = seedPlatform(context.Background(), st)
	if err == nil && more != nil {
		err = more(st)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// openPlatformStorage opens a platform database for the rest of t.
func openPlatformStorage(t testing.TB, db string) testStorage {
	t.Helper()
	st, err := openStorage(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newWatchedPlatform is newPlatform with wrap, when set, in front of the
// server's handler (to watch or disturb requests).
func newWatchedPlatform(t testing.TB, kind storageKind, wrap func(http.Handler) http.Handler) *platform {
	t.Helper()
	db := newPlatformDB(t, kind)
	st := openPlatformStorage(t, db)
	p := &platform{t: t, kind: kind, db: db, st: st, srv: server.New(st, server.Options{})}
	var h http.Handler = p.srv
	if wrap != nil {
		h = wrap(h)
	}
	p.http = httptest.NewServer(h)
	t.Cleanup(p.http.Close)
	return p
}

// openDesk opens (or creates) a workspace at path, logs user in at url with
// the given client options and syncs once.
func openDesk(t testing.TB, user, path, url string, opts client.Options) *desk {
	t.Helper()
	ws, err := store.OpenOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c, err := client.New(ws, url, opts)
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

// featureKey names a feature across workspaces.
type featureKey struct{ layer, id string }

func (k featureKey) String() string { return k.layer + "/" + k.id }

// featuresOf reads every feature of the workspace's platform layers.
func featuresOf(ctx context.Context, ws *store.Workspace) (map[featureKey]store.Feature, error) {
	out := map[featureKey]store.Feature{}
	for _, l := range ws.Layers() {
		if l.Foreign {
			continue
		}
		fs, err := ws.Query(ctx, store.Query{Layer: l.Name()})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			out[featureKey{l.Name(), f.UUID}] = f
		}
	}
	return out, nil
}

// diffFeatures describes how got differs from want, feature by feature
// (version, every property, geometry); empty when they are the same.
func diffFeatures(want, got map[featureKey]store.Feature) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s v%d missing", k, w.Version))
		case g.Version != w.Version:
			out = append(out, fmt.Sprintf("%s at v%d, want v%d", k, g.Version, w.Version))
		case !reflect.DeepEqual(normalProps(g.Properties), normalProps(w.Properties)):
			out = append(out, fmt.Sprintf("%s v%d properties %v, want %v", k, g.Version, g.Properties, w.Properties))
		case !schema.GeometryEqual(g.Geometry, w.Geometry):
			out = append(out, fmt.Sprintf("%s v%d geometry %v, want %v", k, g.Version, g.Geometry, w.Geometry))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s v%d should not exist", k, g.Version))
		}
	}
	sort.Strings(out)
	return out
}

// normalProps drops null properties: absent and null are alike.
func normalProps(p map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// requireSameFeatures fails the test when got differs from want.
func requireSameFeatures(t testing.TB, what string, want, got map[featureKey]store.Feature) {
	t.Helper()
	if d := diffFeatures(want, got); len(d) > 0 {
		if len(d) > 12 {
			d = append(d[:12], fmt.Sprintf("… and %d more", len(d)-12))
		}
		t.Fatalf("%s differs from the platform (%d features there):\n  %s", what, len(want), strings.Join(d, "\n  "))
	}
}

// ledger accounts for every journal entry made on the desks of a test:
// an entry leaves a journal only acknowledged by the platform (its
// srv_pushes answer is applied or merged) or by the user's choice, which
// the test records as its fate (resolved, dropped, renewed).
type ledger struct {
	mu   sync.Mutex
	made map[string]string // change id → what made it
	fate map[string]string // change id → why it left the journal unacknowledged
}

func newLedger() *ledger { return &ledger{made: map[string]string{}, fate: map[string]string{}} }

// edit runs fn, one edit, in one transaction of d's workspace and records
// the journal entry it made, read back inside the same transaction (an
// edit that changed nothing reads back an entry recorded already).
func (lg *ledger) edit(d *desk, fn func(tx *store.Tx) error) error {
	var id string
	err := d.ws.Edit(context.Background(), func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		err := tx.SQL().QueryRowContext(tx.Context(), `SELECT change_id FROM tm_journal ORDER BY seq DESC LIMIT 1`).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err == nil && id != "" {
		lg.mu.Lock()
		if _, ok := lg.made[id]; !ok {
			lg.made[id] = "edit"
		}
		lg.mu.Unlock()
	}
	return err
}

// around runs fn, one of the user's choices on d (resolve, drop, retry),
// with nothing else touching d's journal meanwhile: the entries it removed
// get fate, the ones it made are recorded.
func (lg *ledger) around(d *desk, fate string, fn func() error) error {
	before, err := journalIDs(d.ws)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	after, err := journalIDs(d.ws)
	if err != nil {
		return err
	}
	lg.mu.Lock()
	defer lg.mu.Unlock()
	for id := range before {
		if !after[id] {
			lg.fate[id] = fate
		}
	}
	for id := range after {
		if !before[id] {
			lg.made[id] = fate
		}
	}
	return nil
}

func journalIDs(ws *store.Workspace) (map[string]bool, error) {
	rows, err := ws.DB().QueryContext(context.Background(), `SELECT change_id FROM tm_journal`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// check verifies, once every journal is empty, that each entry the ledger
// saw was acknowledged by the platform or settled by the user; it returns
// the counts by outcome.
func (lg *ledger) check(t testing.TB, st inspector, desks ...*desk) map[string]int {
	t.Helper()
	ctx := context.Background()
	for i, d := range desks {
		if n, err := d.ws.Journal(ctx, 0); err != nil || len(n) > 0 {
			t.Fatalf("desk %d still has %d journal entries (%v): %+v", i, len(n), err, n)
		}
	}
	answers, err := st.pushAnswers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lg.mu.Lock()
	defer lg.mu.Unlock()
	counts := map[string]int{}
	var lost []string
	for id, how := range lg.made {
		if f := lg.fate[id]; f != "" {
			counts[f]++
			continue
		}
		r, ok := answers[id]
		if !ok || !r.Status.Acknowledged() {
			lost = append(lost, fmt.Sprintf("%s (made by %s, platform's answer %q)", id, how, r.Status))
			continue
		}
		counts[string(r.Status)]++
	}
	if len(lost) > 0 {
		t.Fatalf("%d journal entries left without acknowledgement nor the user's choice: %v", len(lost), lost)
	}
	return counts
}

// checkPlatform verifies the platform's own consistency: a sound storage;
// each feature's versions numbered 1..n in feed order, created at most
// once; every written version traced to exactly one pushed change (none
// applied twice); and the change feed read from the start equal to the
// current features.
func checkPlatform(t testing.TB, st testStorage) {
	t.Helper()
	ctx := context.Background()
	if err := st.sound(ctx); err != nil {
		t.Fatalf("platform: %v", err)
	}
	versions, err := st.versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	history := map[featureKey][]versionRow{}
	bySeq := map[int64]featureKey{}
	var written []int64
	for _, r := range versions {
		k := featureKey{r.layer, r.id}
		history[k] = append(history[k], r)
		bySeq[r.seq] = k
		if r.author != seedAuthor {
			written = append(written, r.seq)
		}
	}
	for k, rs := range history {
		for i, r := range rs {
			if r.version != int64(i+1) {
				t.Fatalf("%s: versions %v are not 1..n in feed order", k, rs)
			}
			if (r.op == string(protocol.OpCreate)) != (i == 0) {
				t.Fatalf("%s: version %d is a %s: %v", k, r.version, r.op, rs)
			}
		}
	}
	// Every version written by a push traces back to exactly one change id.
	answers, err := st.pushAnswers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claimed := map[int64]string{}
	for id, r := range answers {
		if r.Seq == 0 || !r.Status.Acknowledged() {
			continue
		}
		if other, dup := claimed[r.Seq]; dup {
			t.Fatalf("changes %s and %s both claim version seq %d", id, other, r.Seq)
		}
		claimed[r.Seq] = id
		k, ok := bySeq[r.Seq]
		if !ok {
			t.Fatalf("change %s was answered with seq %d, which the history lacks", id, r.Seq)
		}
		if v := history[k]; !slices.ContainsFunc(v, func(x versionRow) bool { return x.seq == r.Seq && x.version == r.Version }) {
			t.Fatalf("change %s: answered v%d at seq %d, the history says %v", id, r.Version, r.Seq, v)
		}
	}
	for _, seq := range written {
		if _, ok := claimed[seq]; !ok {
			t.Fatalf("version at seq %d (%s) was written by no acknowledged change", seq, bySeq[seq])
		}
	}
	// The feed from the start is the current state.
	layers, err := layerNames(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	feed := map[featureKey]store.Feature{}
	for since, pages := int64(0), 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("the feed does not end")
		}
		changes, next, more, err := st.Changes(ctx, since, protocol.MaxChangesLimit, layers)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			k := featureKey{c.Layer, c.ID}
			if c.Deleted {
				delete(feed, k)
				continue
			}
			feed[k] = store.Feature{UUID: c.ID, Version: c.Version, Geometry: c.Geometry, Properties: c.Properties}
		}
		since = next
		if !more {
			break
		}
	}
	current, err := platformFeatures(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	requireSameFeatures(t, "the change feed read from the start", current, feed)
	for k, rs := range history {
		_, exists := current[k]
		if last := rs[len(rs)-1]; exists == (last.op == string(protocol.OpDelete)) {
			t.Fatalf("%s: last version is a %s, feature exists: %v", k, last.op, exists)
		}
		if f, ok := current[k]; ok && f.Version != int64(len(rs)) {
			t.Fatalf("%s: current version %d, history has %d", k, f.Version, len(rs))
		}
	}
}

// layerNames lists the platform's layers.
func layerNames(ctx context.Context, st server.Storage) ([]string, error) {
	records, err := st.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range records {
		out = append(out, l.Schema.Name)
	}
	return out, nil
}

// itemsPage is how many features platformFeatures reads at a time.
const itemsPage = 5000

// platformFeatures reads every current feature of the platform's layers
// through the storage's OGC API reads (server.Storage.QueryItems).
func platformFeatures(ctx context.Context, st server.Storage) (map[featureKey]store.Feature, error) {
	layers, err := layerNames(ctx, st)
	if err != nil {
		return nil, err
	}
	out := map[featureKey]store.Feature{}
	for _, l := range layers {
		for offset := 0; ; offset += itemsPage {
			items, matched, err := st.QueryItems(ctx, l, server.ItemsQuery{Limit: itemsPage, Offset: offset})
			if err != nil {
				return nil, err
			}
			for _, c := range items {
				out[featureKey{l, c.ID}] = store.Feature{UUID: c.ID, Version: c.Version, Geometry: c.Geometry, Properties: c.Properties}
			}
			if len(items) == 0 || offset+len(items) >= matched {
				break
			}
		}
	}
	return out, nil
}

// Random edits, inside the fixture's territories: Tournus west of 4.95°,
// Uchizy east of it.

// randomPoint is a point where user works: mostly in their own commune
// for the Tournus editor (sometimes outside, which the platform refuses).
func randomPoint(rng *rand.Rand, user string) orb.Point {
	lon := 4.851 + rng.Float64()*0.198
	if user == "tournus" && rng.IntN(6) != 0 {
		lon = 4.851 + rng.Float64()*0.098
	}
	return orb.Point{round6(lon), round6(46.501 + rng.Float64()*0.098)}
}

// insideTournus is a random point inside Tournus.
func insideTournus(rng *rand.Rand) orb.Point {
	return orb.Point{round6(4.851 + rng.Float64()*0.098), round6(46.501 + rng.Float64()*0.098)}
}

func round6(x float64) float64 { return float64(int64(x*1e6)) / 1e6 }

// randomGeometry is a geometry for layer near p.
func randomGeometry(rng *rand.Rand, layer string, p orb.Point) orb.Geometry {
	if layer == "pei" {
		return p
	}
	ls := orb.LineString{p}
	for i := 0; i < 1+rng.IntN(3); i++ {
		last := ls[len(ls)-1]
		ls = append(ls, orb.Point{round6(last[0] + (rng.Float64()-0.5)*0.002), round6(last[1] + (rng.Float64()-0.5)*0.002)})
	}
	return ls
}

// randomProps sets one to three fields of layer, from small sets of values
// so that desks often write the same value (a merge, not a conflict).
func randomProps(rng *rand.Rand, layer string) map[string]any {
	choices := map[string][]any{
		"numero":     {"A-1", "A-2", "B-1", "B-2", nil},
		"type_pei":   {"PI", "BI"},
		"debit":      {30.0, 60.0, 90.0, 120.5, nil},
		"disponible": {true, false, nil},
		"date_ct":    {"2024-03-01", "2025-06-15", nil},
	}
	if layer == "canalaep" {
		choices = map[string][]any{
			"materiau": {"PVC", "fonte", "PEHD", nil},
			"diametre": {int64(63), int64(110), int64(160), nil},
		}
	}
	names := make([]string, 0, len(choices))
	for k := range choices {
		names = append(names, k)
	}
	sort.Strings(names)
	out := map[string]any{}
	for i := 0; i < 1+rng.IntN(3); i++ {
		name := names[rng.IntN(len(names))]
		vs := choices[name]
		out[name] = vs[rng.IntN(len(vs))]
	}
	return out
}

// bothLayers weighs hydrants over pipes.
var bothLayers = []string{"pei", "pei", "pei", "canalaep"}

// randomEdit makes one random edit on d as user, in one of layers: a
// creation, an update of fields, a move or a deletion of a feature d has.
// It reports what it did; a feature that vanished meanwhile (a concurrent
// pull) is no error.
func randomEdit(lg *ledger, d *desk, user string, rng *rand.Rand, layers []string) (string, error) {
	layer := layers[rng.IntN(len(layers))]
	ids, err := featureIDs(d.ws, layer)
	if err != nil {
		return "", err
	}
	roll := rng.IntN(100)
	if len(ids) == 0 || roll < 15 {
		p := randomPoint(rng, user)
		props := randomProps(rng, layer)
		return "create", lg.edit(d, func(tx *store.Tx) error {
			_, err := tx.Create(layer, store.Feature{Geometry: randomGeometry(rng, layer, p), Properties: props})
			return err
		})
	}
	f := store.Feature{UUID: ids[rng.IntN(len(ids))]}
	var what string
	err = lg.edit(d, func(tx *store.Tx) error {
		var err error
		switch {
		case roll < 60:
			what = "update"
			_, err = tx.Update(layer, f.UUID, store.Change{Properties: randomProps(rng, layer)})
		case roll < 70:
			what = "update+move"
			_, err = tx.Update(layer, f.UUID, store.Change{Properties: randomProps(rng, layer),
				Geometry: randomGeometry(rng, layer, randomPoint(rng, user)), SetGeometry: true})
		case roll < 88:
			what = "move"
			_, err = tx.Update(layer, f.UUID, store.Change{Geometry: randomGeometry(rng, layer, randomPoint(rng, user)), SetGeometry: true})
		default:
			what = "delete"
			err = tx.Delete(layer, f.UUID)
		}
		return err
	})
	if errors.Is(err, store.ErrFeatureNotFound) {
		return "vanished", nil
	}
	return what, err
}

// featureIDs lists the ids of a layer's features in row order (reading
// whole features for a random pick would cost the tests dearly).
func featureIDs(ws *store.Workspace, layer string) ([]string, error) {
	rows, err := ws.DB().QueryContext(context.Background(), `SELECT uuid FROM "`+layer+`" ORDER BY fid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// adminWithSharedFeatures returns the admin's desk once it has made n
// random edits and pushed them: features for other desks to fight over.
func (p *platform) adminWithSharedFeatures(lg *ledger, rng *rand.Rand, n int) *desk {
	p.t.Helper()
	admin := p.newDesk("admin")
	for i := 0; i < n; i++ {
		if _, err := randomEdit(lg, admin, "admin", rng, bothLayers); err != nil {
			p.t.Fatal(err)
		}
	}
	if _, err := lg.sync(admin, p.st); err != nil {
		p.t.Fatal(err)
	}
	return admin
}

// randomResolution picks the user's choice for a conflict: a side for the
// whole feature and, sometimes, per field; from round forceAt on, always
// the platform's version (a user who gives up), so that settling ends.
func randomResolution(rng *rand.Rand, cf store.Conflict, round, forceAt int) client.Resolution {
	if round >= forceAt {
		return client.Resolution{Default: client.Theirs}
	}
	res := client.Resolution{Default: client.Side(rng.IntN(2))}
	if len(cf.Fields) > 0 && rng.IntN(2) == 0 {
		res.Fields = map[string]client.Side{}
		for _, f := range cf.Fields {
			if rng.IntN(2) == 0 {
				res.Fields[f] = client.Side(rng.IntN(2))
			}
		}
	}
	return res
}

// settle does what a user does with d's waiting conflicts and rejections:
// resolves each conflict at random; fixes a refused creation (moved into
// Tournus) and sends it again once; drops the other refused changes.
func settle(lg *ledger, d *desk, rng *rand.Rand, round, forceAt int, retried map[string]bool) (resolved, retriedN, dropped int, err error) {
	ctx := context.Background()
	conflicts, err := d.ws.Conflicts(ctx)
	if err != nil {
		return
	}
	for _, cf := range conflicts {
		res := randomResolution(rng, cf, round, forceAt)
		if err = lg.around(d, "resolved", func() error { return d.c.Resolve(ctx, cf.ChangeID, res) }); err != nil {
			return
		}
		resolved++
	}
	rejected, err := d.ws.Journal(ctx, 0, store.StateRejected)
	if err != nil {
		return
	}
	for _, e := range rejected {
		if e.Op == store.OpCreate && !retried[e.UUID] && round < forceAt {
			retried[e.UUID] = true
			err = lg.edit(d, func(tx *store.Tx) error {
				_, err := tx.Update(e.Layer, e.UUID, store.Change{Geometry: randomGeometry(rng, e.Layer, insideTournus(rng)), SetGeometry: true})
				return err
			})
			if err == nil {
				err = lg.around(d, "renewed", func() error { return d.c.Retry(ctx, e.ChangeID) })
			}
			if err == nil {
				retriedN++
				continue
			}
			if !errors.Is(err, store.ErrFeatureNotFound) && !strings.Contains(err.Error(), "deleted since") {
				return
			}
		}
		if err = lg.around(d, "dropped", func() error { return d.c.Drop(ctx, e.ChangeID) }); err != nil {
			return
		}
		dropped++
	}
	return resolved, retriedN, dropped, nil
}

// sync syncs d and checks that every journal entry the sync removed was
// acknowledged by the platform (when st, the platform's storage, is at
// hand), and that it made none.
func (lg *ledger) sync(d *desk, st inspector) (client.Summary, error) {
	before, err := journalIDs(d.ws)
	if err != nil {
		return client.Summary{}, err
	}
	sum, err := d.c.Sync(context.Background())
	if err != nil {
		return sum, err
	}
	after, err := journalIDs(d.ws)
	if err != nil {
		return sum, err
	}
	for id := range before {
		if after[id] || st == nil {
			continue
		}
		r, err := st.pushAnswer(context.Background(), id)
		if err != nil {
			return sum, err
		}
		if !r.Status.Acknowledged() {
			return sum, fmt.Errorf("the sync removed journal entry %s, which the platform answered %q", id, r.Status)
		}
	}
	for id := range after {
		if !before[id] {
			return sum, fmt.Errorf("the sync made journal entry %s", id)
		}
	}
	return sum, nil
}

// settleAll syncs and settles every desk in turn until no journal holds
// anything, then syncs each once more so that all have pulled everything.
func settleAll(t testing.TB, lg *ledger, st inspector, desks []*desk, users []string, rng *rand.Rand) (rounds, resolved, retried, dropped int) {
	t.Helper()
	const forceAt, maxRounds = 5, 12
	retriedFeatures := map[string]bool{}
	for rounds = 0; rounds < maxRounds; rounds++ {
		busy := false
		for i, d := range desks {
			if _, err := lg.syncPatiently(d, st); err != nil {
				t.Fatalf("round %d, desk %d (%s): %v", rounds, i, users[i], err)
			}
			r, rt, dr, err := settle(lg, d, rng, rounds, forceAt, retriedFeatures)
			if err != nil {
				t.Fatalf("round %d, desk %d (%s): settle: %v", rounds, i, users[i], err)
			}
			resolved, retried, dropped = resolved+r, retried+rt, dropped+dr
			if n, _ := journalIDs(d.ws); len(n) > 0 {
				busy = true
			}
		}
		if !busy {
			break
		}
	}
	if rounds == maxRounds {
		t.Fatalf("still not settled after %d rounds", maxRounds)
	}
	for i, d := range desks {
		sum, err := lg.syncPatiently(d, st)
		if err != nil {
			t.Fatalf("last sync of desk %d: %v", i, err)
		}
		if sum.Push.Sent != 0 || sum.Conflicts != 0 || sum.Rejected != 0 {
			t.Fatalf("last sync of desk %d still had work: %+v", i, sum)
		}
	}
	return rounds, resolved, retried, dropped
}

// syncPatiently is sync tried again, a few times, while the platform is
// unreachable (a flaky network outlasting the client's retries).
func (lg *ledger) syncPatiently(d *desk, st inspector) (client.Summary, error) {
	for try := 0; ; try++ {
		sum, err := lg.sync(d, st)
		if !gaveUp(err) || try == 4 {
			return sum, err
		}
	}
}

// gaveUp reports whether a sync stopped after the client's retries: the
// platform unreachable, or answering only with server errors (a platform
// restarting, its database busy); the changes wait for the next sync.
func gaveUp(err error) bool {
	return errors.Is(err, client.ErrUnreachable) || errors.Is(err, client.ErrPlatformFailing)
}
