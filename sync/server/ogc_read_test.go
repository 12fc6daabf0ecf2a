package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestOGCRead runs the read-only checks on one platform: they change
// nothing, and logging in (bcrypt) is what costs.
func TestOGCRead(t *testing.T) {
	e := newOGCEnv(t)
	t.Run("NeedsToken", func(t *testing.T) { testOGCNeedsToken(t, e.with(t)) })
	t.Run("LandingAndConformance", func(t *testing.T) { testOGCLandingAndConformance(t, e.with(t)) })
	t.Run("Collections", func(t *testing.T) { testOGCCollections(t, e.with(t)) })
	t.Run("ItemsPagingKeepsQuery", func(t *testing.T) { testOGCItemsPagingKeepsQuery(t, e.with(t)) })
	t.Run("ItemsTypedProperties", func(t *testing.T) { testOGCItemsTypedProperties(t, e.with(t)) })
	t.Run("ItemsBBox", func(t *testing.T) { testOGCItemsBBox(t, e.with(t)) })
	t.Run("ItemETag", func(t *testing.T) { testOGCItemETag(t, e.with(t)) })
	t.Run("Schema", func(t *testing.T) { testOGCSchema(t, e.with(t)) })
}

func testOGCNeedsToken(t *testing.T, e *ogcEnv) {
	for _, path := range []string{"/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/pei",
		"/ogc/collections/pei/items", "/ogc/collections/pei/items/" + ogcPEIID(0), "/ogc/api"} {
		r := e.do(http.MethodGet, path, "", nil)
		if ch := r.header.Values("WWW-Authenticate"); r.status != http.StatusUnauthorized || len(ch) != 2 ||
			!strings.HasPrefix(ch[0], "Basic ") || !strings.HasPrefix(ch[1], "Bearer ") {
			t.Errorf("GET %s without token: %d %q", path, r.status, ch)
		}
	}
	r := e.do(http.MethodGet, "/ogc/collections", "", nil, "Authorization", "Bearer not-a-token")
	r.expect(t, http.StatusUnauthorized)
	e.do(http.MethodPost, "/ogc/collections/pei/items", "", `{"type":"Feature"}`).expect(t, http.StatusUnauthorized)
}

func testOGCLandingAndConformance(t *testing.T, e *ogcEnv) {
	var landing struct {
		Links []ogcLink `json:"links"`
	}
	e.do(http.MethodGet, "/ogc", "elu", nil).expect(t, http.StatusOK).json(t, &landing)
	for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
		if !strings.HasPrefix(ogcLinkHref(landing.Links, rel), e.srv.URL+"/ogc") {
			t.Errorf("landing link %s = %q", rel, ogcLinkHref(landing.Links, rel))
		}
	}
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	e.do(http.MethodGet, "/ogc/conformance", "elu", nil).expect(t, http.StatusOK).json(t, &conf)
	for _, c := range []string{"ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
		"ogcapi-features-4/1.0/conf/create-replace-delete", "ogcapi-features-4/1.0/conf/update"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/"+c) {
			t.Errorf("conformance lacks %s", c)
		}
	}
	for _, c := range conf.ConformsTo {
		if strings.Contains(c, "oas30") || strings.Contains(c, "features-2") {
			t.Errorf("declares %s, which is not implemented", c)
		}
	}
	r := e.do(http.MethodGet, "/ogc/api", "elu", nil).expect(t, http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/vnd.oai.openapi+json") {
		t.Errorf("API definition type %q", r.header.Get("Content-Type"))
	}
}

func testOGCCollections(t *testing.T, e *ogcEnv) {
	var cs struct {
		Collections []struct {
			ID, Title, Description string
			Extent                 struct {
				Spatial struct {
					BBox [][]float64 `json:"bbox"`
					CRS  string      `json:"crs"`
				} `json:"spatial"`
			} `json:"extent"`
			Links []ogcLink `json:"links"`
		} `json:"collections"`
	}
	e.do(http.MethodGet, "/ogc/collections", "elu", nil).expect(t, http.StatusOK).json(t, &cs)
	var ids []string
	for _, c := range cs.Collections {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"pei", "canalaep", "communes"}) && !slices.Equal(slices.Sorted(slices.Values(ids)), []string{"canalaep", "communes", "pei"}) {
		t.Fatalf("collections %v", ids)
	}
	for _, c := range cs.Collections {
		if c.ID != "pei" {
			continue
		}
		b := c.Extent.Spatial.BBox
		if c.Title != "Point d'eau incendie" || c.Description == "" || len(b) != 1 || len(b[0]) != 4 || c.Extent.Spatial.CRS != crs84 {
			t.Fatalf("pei collection %+v", c)
		}
		if b[0][0] > 4.80 || b[0][0] < 4.79 || b[0][2] < 4.93 || b[0][1] > 46.56 || b[0][3] < 46.56 {
			t.Errorf("pei extent %v", b[0])
		}
		if ogcLinkHref(c.Links, "items") != e.srv.URL+"/ogc/collections/pei/items" {
			t.Errorf("items link %q", ogcLinkHref(c.Links, "items"))
		}
	}
	// A user of no organisation reads nothing; unknown layers are 404.
	e.do(http.MethodGet, "/ogc/collections", "orphan", nil).expect(t, http.StatusOK).json(t, &cs)
	if len(cs.Collections) != 0 {
		t.Errorf("orphan sees %d collections", len(cs.Collections))
	}
	e.do(http.MethodGet, "/ogc/collections/pei", "orphan", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/ogc/collections/nope", "elu", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/ogc/collections/pei/items", "orphan", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/ogc/collections/pei", "elu", nil).expect(t, http.StatusOK)
}

func testOGCItemsPagingKeepsQuery(t *testing.T, e *ogcEnv) {
	// type_pei=PI: hydrants 0, 2, 3, 5, … (i%3 != 1): 17 of 25; within the
	// bbox of Tournus: 10 of the first 15.
	q := "/ogc/collections/pei/items?type_pei=PI&bbox=4.88,46.53,4.95,46.59&limit=4"
	var ids []string
	seen := 0
	next := q
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		var p ogcGotPage
		r := e.do(http.MethodGet, next, "elu", nil).expect(t, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != mediaGeoJSON {
			t.Fatalf("content type %q", ct)
		}
		r.json(t, &p)
		if p.Type != "FeatureCollection" || p.NumberMatched != 10 || p.NumberReturned != len(p.Features) || p.TimeStamp == "" {
			t.Fatalf("page %d: %+v", pages, p)
		}
		if pages > 0 && ogcLinkHref(p.Links, "prev") == "" {
			t.Errorf("page %d has no prev link", pages)
		}
		for _, f := range p.Features {
			if f.Properties["type_pei"] != "PI" {
				t.Errorf("feature %s type %v", f.ID, f.Properties["type_pei"])
			}
			ids = append(ids, f.ID)
		}
		seen += len(p.Features)
		next = ogcLinkHref(p.Links, "next")
		if next != "" {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			v := u.Query()
			if v.Get("type_pei") != "PI" || v.Get("bbox") != "4.88,46.53,4.95,46.59" || v.Get("limit") != "4" {
				t.Fatalf("next link lost the query: %s", next)
			}
		}
	}
	if seen != 10 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 10 {
		t.Errorf("paged through %d features (%d distinct), want 10", seen, len(ids))
	}
}

func testOGCItemsTypedProperties(t *testing.T, e *ogcEnv) {
	var p ogcGotPage
	e.do(http.MethodGet, "/ogc/collections/pei/items?limit=1", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 25 || len(p.Features) != 1 || ogcLinkHref(p.Links, "next") == "" || ogcLinkHref(p.Links, "prev") != "" {
		t.Fatalf("first page: %+v", p)
	}
	f := p.Features[0]
	want := map[string]any{"type_pei": "PI", "debit": 60.0, "press_dyn": 1.5, "disponible": true, "date_ct": "2024-05-01", "ref_sdis": "SDIS-000"}
	for k, v := range want {
		if f.Properties[k] != v {
			t.Errorf("%s = %#v, want %#v", k, f.Properties[k], v)
		}
	}
	if f.ID != ogcPEIID(0) || !strings.Contains(string(f.Geometry), `"Point"`) {
		t.Errorf("feature %s %s", f.ID, f.Geometry)
	}
	// Equality on typed fields.
	for query, n := range map[string]int{"disponible=true": 13, "debit=61": 1, "type_pei=PA": 0, "type_pei=ZZ": 0, "date_ct=2024-05-01": 25} {
		e.do(http.MethodGet, "/ogc/collections/pei/items?"+query, "elu", nil).expect(t, http.StatusOK).json(t, &p)
		if p.NumberMatched != n {
			t.Errorf("%s matched %d, want %d", query, p.NumberMatched, n)
		}
	}
}

func testOGCItemsBBox(t *testing.T, e *ogcEnv) {
	var p ogcGotPage
	// The first pipe runs from (4.90, 46.55) to (4.92, 46.56): this box
	// touches the pipe's bounding box but not the pipe.
	e.do(http.MethodGet, "/ogc/collections/canalaep/items?bbox=4.915,46.550,4.918,46.552", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 0 {
		t.Errorf("box beside the pipe matched %d", p.NumberMatched)
	}
	e.do(http.MethodGet, "/ogc/collections/canalaep/items?bbox=4.905,46.550,4.915,46.560", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 1 {
		t.Errorf("box across the pipe matched %d", p.NumberMatched)
	}
	// A box inside the commune polygon, away from its edges.
	e.do(http.MethodGet, "/ogc/collections/communes/items?bbox=4.90,46.55,4.91,46.56", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 1 {
		t.Errorf("box inside the commune matched %d", p.NumberMatched)
	}
	// West of Tournus: the 10 hydrants there; 3D boxes are read too.
	e.do(http.MethodGet, "/ogc/collections/pei/items?bbox=4.79,46.5,0,4.87,46.6,100", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 10 {
		t.Errorf("west box matched %d", p.NumberMatched)
	}
	for _, bad := range []string{"bbox=1,2,3", "bbox=a,b,c,d", "bbox=4.9,46.6,4.95,46.5", "bbox=5,46,4,47", "bbox=NaN,1,2,3",
		"limit=0", "limit=abc", "offset=-1", "datetime=2024-13-01", "datetime=hier", "datetime=2024-06-01/2024-01-01", "datetime=..",
		"colour=red", "debit=beaucoup", "f=xml",
		"bbox-crs=http://www.opengis.net/def/crs/EPSG/0/2154", "limit=1&limit=2"} {
		r := e.do(http.MethodGet, "/ogc/collections/pei/items?"+bad, "elu", nil).expect(t, http.StatusBadRequest)
		var ex ogcException
		r.json(t, &ex)
		if ex.Code == "" || ex.Description == "" || ex.Message == "" {
			t.Errorf("%s: exception %+v", bad, ex)
		}
	}
	// A huge limit is lowered, not refused.
	e.do(http.MethodGet, "/ogc/collections/pei/items?limit=99999999999999999999", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberReturned != 25 {
		t.Errorf("huge limit returned %d", p.NumberReturned)
	}
}

func testOGCItemETag(t *testing.T, e *ogcEnv) {
	path := "/ogc/collections/pei/items/" + ogcPEIID(3)
	r := e.do(http.MethodGet, path, "elu", nil).expect(t, http.StatusOK)
	if r.header.Get("ETag") != `"1"` || r.header.Get("Content-Type") != mediaGeoJSON {
		t.Errorf("ETag %q, type %q", r.header.Get("ETag"), r.header.Get("Content-Type"))
	}
	var f ogcGotFeature
	r.json(t, &f)
	if f.ID != ogcPEIID(3) || f.Properties["ref_sdis"] != "SDIS-003" {
		t.Errorf("feature %+v", f)
	}
	e.do(http.MethodGet, path, "elu", nil, "If-None-Match", `"1"`).expect(t, http.StatusNotModified)
	e.do(http.MethodGet, "/ogc/collections/pei/items/"+ogcPEIID(99), "elu", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/ogc/collections/canalaep/items/"+ogcPEIID(3), "elu", nil).expect(t, http.StatusNotFound)
}

func testOGCSchema(t *testing.T, e *ogcEnv) {
	var s struct {
		Properties struct {
			Properties struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"properties"`
		} `json:"properties"`
	}
	r := e.do(http.MethodGet, "/ogc/collections/pei/schema", "elu", nil).expect(t, http.StatusOK)
	r.json(t, &s)
	fields := s.Properties.Properties.Properties
	if fields["debit"]["type"] != "integer" || fields["date_ct"]["format"] != "date" || fields["ref_sdis"]["readOnly"] != true {
		t.Errorf("schema fields %v", fields)
	}
	// Fields keep the layer's order.
	if i, j := strings.Index(string(r.body), `"type_pei":{`), strings.Index(string(r.body), `"ref_sdis":{`); i < 0 || j < i {
		t.Errorf("field order in %s", r.body)
	}
	var oneOf []map[string]any
	b, _ := json.Marshal(fields["type_pei"]["oneOf"])
	json.Unmarshal(b, &oneOf)
	if len(oneOf) != 3 || oneOf[0]["const"] != "PI" || oneOf[0]["title"] != "Poteau d'incendie" {
		t.Errorf("coded values %v", oneOf)
	}
}
