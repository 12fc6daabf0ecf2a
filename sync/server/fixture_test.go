package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server/basemap"
)

// platformFixture is a running platform over a real SQLite file: two
// communes side by side (Tournus west of 4.95°, Uchizy east), a hydrant
// layer, a pipe layer, a reference layer only admins edit, and users.
type platformFixture struct {
	t      testing.TB
	path   string // of the platform's file
	st     *SQLiteStorage
	srv    *Server
	http   *httptest.Server
	tokens map[string]string
	now    time.Time
}

var (
	tournusTerritory = orb.Polygon{{{4.85, 46.50}, {4.95, 46.50}, {4.95, 46.60}, {4.85, 46.60}, {4.85, 46.50}}}
	uchizyTerritory  = orb.Polygon{{{4.95, 46.50}, {5.05, 46.50}, {5.05, 46.60}, {4.95, 46.60}, {4.95, 46.50}}}
)

func fixtureLayers() []LayerRecord {
	return []LayerRecord{
		{Schema: schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "numero", Type: schema.Text},
			{Name: "type_pei", Type: schema.Text, Required: true, Default: "PI", Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau"}, {Code: "BI", Label: "Bouche"}}},
			{Name: "debit", Type: schema.Real},
			{Name: "disponible", Type: schema.Boolean},
			{Name: "date_ct", Type: schema.Date},
		}}, Style: json.RawMessage(`{"color":"#d00"}`)},
		{Schema: schema.Layer{Name: "canalaep", Title: "Canalisations AEP", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Integer},
		}}},
		{Schema: schema.Layer{Name: "zones", Title: "Zones inondables", GeometryType: schema.Polygon, Fields: []schema.Field{
			{Name: "alea", Type: schema.Text},
		}}, EditBy: EditByAdmins},
	}
}

func newPlatformFixture(t testing.TB) *platformFixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "platform.gpkg")
	st, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, l := range fixtureLayers() {
		if err := st.PutLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []Organisation{
		{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"},
		{ID: "71543", Name: "Tournus", Territory: tournusTerritory},
		{ID: "71550", Name: "Uchizy", Territory: uchizyTerritory},
	} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	users := map[string][]protocol.Membership{
		"admin":   {{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}},
		"tournus": {{Org: "71543", Role: protocol.RoleEditor}},
		"uchizy":  {{Org: "71550", Role: protocol.RoleEditor}},
		"elu":     {{Org: "71543", Role: protocol.RoleViewer}},
		"agent":   {{Org: protocol.OrgCCMT, Role: protocol.RoleEditor}},
	}
	hash, err := HashPasswordCost("mot de passe sûr", 4)
	if err != nil {
		t.Fatal(err)
	}
	for name, ms := range users {
		if err := st.PutUser(ctx, User{Name: name, PasswordHash: hash, Memberships: ms}); err != nil {
			t.Fatal(err)
		}
	}
	f := &platformFixture{t: t, path: path, st: st, tokens: map[string]string{}, now: time.Now()}
	f.srv = New(st, Options{Now: func() time.Time { return f.now }, Basemap: basemap.New(st)})
	f.http = httptest.NewServer(f.srv)
	t.Cleanup(f.http.Close)
	for name := range users {
		var resp protocol.TokenResponse
		if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: name, Password: "mot de passe sûr"}, &resp); code != 200 {
			t.Fatalf("token for %s: %d", name, code)
		}
		f.tokens[name] = resp.Token
	}
	return f
}

// do sends a JSON request as user (none when empty) and decodes a JSON answer into out.
func (f *platformFixture) do(user, method, path string, body, out any) int {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.http.URL+path, rd)
	if user != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			f.t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// push sends changes as user and returns the results.
func (f *platformFixture) push(user string, changes ...protocol.PushChange) []protocol.PushResult {
	f.t.Helper()
	var resp protocol.PushResponse
	if code := f.do(user, http.MethodPost, protocol.PathPush, protocol.PushRequest{ClientID: "test-client", Changes: changes}, &resp); code != 200 {
		f.t.Fatalf("push: HTTP %d", code)
	}
	if len(resp.Results) != len(changes) {
		f.t.Fatalf("push: %d results for %d changes", len(resp.Results), len(changes))
	}
	return resp.Results
}

func newID() string { return store.NewID() }

func createHydrant(id string, p orb.Point, props map[string]any) protocol.PushChange {
	if props == nil {
		props = map[string]any{}
	}
	return protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: id, Op: protocol.OpCreate, Properties: props, GeometryChanged: true, Geometry: p}
}
