package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// The test platform: a hydrant layer (coded values, every field type), a
// pipe layer, a reference layer only admins edit; Tournus (71543) with a
// square territory; users of each role; hydrants inside and outside the
// territory.
const (
	ogcPassword = "mot-de-passe-de-test"
	ogcTournus  = "71543"
)

// ogcTerritory is a square around Tournus.
var ogcTerritory = orb.Polygon{{{4.88, 46.53}, {4.95, 46.53}, {4.95, 46.59}, {4.88, 46.59}, {4.88, 46.53}}}

// ogcPasswordHash is computed once: bcrypt is slow on purpose.
var ogcPasswordHash = sync.OnceValues(func() (string, error) { return HashPassword(ogcPassword) })

var ogcPEI = schema.Layer{
	Name: "pei", Title: "Point d'eau incendie", Description: "Poteaux et bouches d'incendie (format PEI de l'AFIGEO).",
	GeometryType: schema.Point,
	Fields: []schema.Field{
		{Name: "type_pei", Title: "Type de PEI", Type: schema.Text, Required: true, Domain: []schema.CodedValue{
			{Code: "PI", Label: "Poteau d'incendie"}, {Code: "BI", Label: "Bouche d'incendie"}, {Code: "PA", Label: "Point d'aspiration"}}},
		{Name: "debit", Title: "Débit (m³/h)", Type: schema.Integer},
		{Name: "press_dyn", Title: "Pression dynamique (bar)", Type: schema.Real},
		{Name: "disponible", Title: "Disponible", Type: schema.Boolean},
		{Name: "date_ct", Title: "Date du contrôle", Type: schema.Date},
		{Name: "ref_sdis", Title: "Numéro SDIS", Type: schema.Text, ReadOnly: true},
	},
}

var ogcCanal = schema.Layer{
	Name: "canalaep", Title: "Canalisation d'eau potable", GeometryType: schema.LineString,
	Fields: []schema.Field{
		{Name: "materiau", Title: "Matériau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "11", Label: "Fonte ductile"}, {Code: "27", Label: "PVC U lisse"}}},
		{Name: "diametre", Title: "Diamètre (mm)", Type: schema.Integer},
	},
}

var ogcCommunes = schema.Layer{
	Name: "communes", Title: "Communes", GeometryType: schema.Polygon,
	Fields: []schema.Field{{Name: "insee", Title: "Code INSEE", Type: schema.Text}, {Name: "nom", Title: "Nom", Type: schema.Text}},
}

// ogcEnv is a platform on a real SQLite file served over real HTTP, seen
// from one test (or subtest): t is the test failed by its helpers.
type ogcEnv struct {
	t *testing.T
	*ogcPlatform
}

// ogcPlatform is what the tests of one platform share.
type ogcPlatform struct {
	st     *SQLiteStorage
	srv    *httptest.Server
	mu     sync.Mutex
	tokens map[string]string // by user, filled by token
}

// with returns the same platform seen from test t (a subtest).
func (e *ogcEnv) with(t *testing.T) *ogcEnv { return &ogcEnv{t: t, ogcPlatform: e.ogcPlatform} }

// ogcPEIID returns the id of the i-th seeded hydrant; 0–14 are in Tournus,
// 15–24 west of it.
func ogcPEIID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func newOGCEnv(t *testing.T) *ogcEnv {
	t.Helper()
	ctx := context.Background()
	st, err := OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, l := range []LayerRecord{{Schema: ogcPEI}, {Schema: ogcCanal}, {Schema: ogcCommunes, EditBy: EditByAdmins}} {
		if err := st.PutLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	ogcMust(t, st.PutOrganisation(ctx, Organisation{ID: protocol.OrgCCMT, Name: "Communauté de communes"}))
	ogcMust(t, st.PutOrganisation(ctx, Organisation{ID: ogcTournus, Name: "Tournus", Territory: ogcTerritory}))
	hash, err := ogcPasswordHash()
	ogcMust(t, err)
	users := map[string][]protocol.Membership{
		"admin":  {{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}},
		"agent":  {{Org: ogcTournus, Role: protocol.RoleEditor}},
		"elu":    {{Org: ogcTournus, Role: protocol.RoleViewer}},
		"orphan": nil,
	}
	for name, ms := range users {
		ogcMust(t, st.PutUser(ctx, User{Name: name, PasswordHash: hash, Memberships: ms}))
	}
	ogcSeed(t, st)
	srv := httptest.NewServer(New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	return &ogcEnv{t: t, ogcPlatform: &ogcPlatform{st: st, srv: srv, tokens: map[string]string{}}}
}

func ogcSeed(t *testing.T, st *SQLiteStorage) {
	ctx := context.Background()
	var peis []store.RemoteFeature
	for i := range 25 {
		lon := 4.89 + float64(i)*0.003 // 0–14 within 4.89–4.932
		if i >= 15 {
			lon = 4.80 + float64(i-15)*0.004 // west of the territory
		}
		typ := "PI"
		if i%3 == 1 {
			typ = "BI"
		}
		peis = append(peis, store.RemoteFeature{UUID: ogcPEIID(i), Geometry: orb.Point{lon, 46.56},
			Properties: map[string]any{"type_pei": typ, "debit": int64(60 + i), "press_dyn": 1.5, "disponible": i%2 == 0,
				"date_ct": "2024-05-01", "ref_sdis": fmt.Sprintf("SDIS-%03d", i)}})
	}
	ogcMust(t, st.SeedFeatures(ctx, ogcPEI.Name, "import", peis))
	ogcMust(t, st.SeedFeatures(ctx, ogcCanal.Name, "import", []store.RemoteFeature{
		{UUID: "00000000-0000-4000-9000-000000000001", Geometry: orb.LineString{{4.90, 46.55}, {4.92, 46.56}},
			Properties: map[string]any{"materiau": "11", "diametre": int64(150)}},
		{UUID: "00000000-0000-4000-9000-000000000002", Geometry: orb.LineString{{4.92, 46.56}, {4.93, 46.58}},
			Properties: map[string]any{"materiau": "27", "diametre": int64(110)}},
	}))
	ogcMust(t, st.SeedFeatures(ctx, ogcCommunes.Name, "import", []store.RemoteFeature{
		{UUID: "00000000-0000-4000-a000-000000071543", Geometry: ogcTerritory,
			Properties: map[string]any{"insee": ogcTournus, "nom": "Tournus"}},
	}))
}

func ogcMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// token returns user's token, logging in through POST /api/v1/token the
// first time.
func (e *ogcEnv) token(user string) string {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	tok := e.login(user)
	e.tokens[user] = tok
	return tok
}

// login gets a token through POST /api/v1/token.
func (e *ogcEnv) login(user string) string {
	e.t.Helper()
	body, _ := json.Marshal(protocol.TokenRequest{Username: user, Password: ogcPassword})
	resp, err := http.Post(e.srv.URL+protocol.PathToken, protocol.ContentTypeJSON, bytes.NewReader(body))
	ogcMust(e.t, err)
	defer resp.Body.Close()
	var tr protocol.TokenResponse
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&tr) != nil || tr.Token == "" {
		e.t.Fatalf("login %s: status %d", user, resp.StatusCode)
	}
	return tr.Token
}

// ogcReply is an HTTP answer, read whole.
type ogcReply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test if it cannot.
func (r ogcReply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
}

// do sends a request as user (no token when user is ""), with a body
// (string, or a value sent as JSON) and header pairs.
func (e *ogcEnv) do(method, path, user string, body any, header ...string) ogcReply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		ogcMust(e.t, err)
		rd = bytes.NewReader(js)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.srv.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	ogcMust(e.t, err)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(user))
	}
	if body != nil {
		req.Header.Set("Content-Type", mediaGeoJSON)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	ogcMust(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ogcMust(e.t, err)
	return ogcReply{status: resp.StatusCode, header: resp.Header, body: b}
}

// expect fails the test unless the ogcReply has the status.
func (r ogcReply) expect(t *testing.T, status int) ogcReply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// ogcGotFeature is a GeoJSON Feature as read back by the tests.
type ogcGotFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// ogcGotPage is a FeatureCollection page as read back by the tests.
type ogcGotPage struct {
	Type           string          `json:"type"`
	Features       []ogcGotFeature `json:"features"`
	NumberMatched  int             `json:"numberMatched"`
	NumberReturned int             `json:"numberReturned"`
	TimeStamp      string          `json:"timeStamp"`
	Links          []ogcLink       `json:"links"`
}

// link returns the href of the link with rel, or "".
func ogcLinkHref(links []ogcLink, rel string) string {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}
