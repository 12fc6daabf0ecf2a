package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/territory"
	"terrimap/sync/protocol"
)

func TestBoundMeets(t *testing.T) {
	b := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	cases := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"nil", nil, false},
		{"point inside", orb.Point{5, 5}, true},
		{"point on the edge", orb.Point{10, 3}, true},
		{"point outside", orb.Point{11, 3}, false},
		{"line across, no vertex inside", orb.LineString{{-5, 5}, {15, 5}}, true},
		{"line beside, bounds overlap", orb.LineString{{9, 20}, {20, 9}}, false},
		{"line touching a corner", orb.LineString{{10, 12}, {12, 10}}, false},
		{"diagonal through a corner", orb.LineString{{9, 11}, {11, 9}}, true},
		{"multiline, one part in", orb.MultiLineString{{{20, 20}, {30, 30}}, {{1, 1}, {2, 2}}}, true},
		{"polygon holding the box", orb.Polygon{square(-5, -5, 15, 15)}, true},
		{"box in the polygon's hole", orb.Polygon{square(-5, -5, 15, 15), square(-1, -1, 11, 11)}, false},
		{"polygon overlapping", orb.Polygon{square(8, 8, 20, 20)}, true},
		{"multipolygon holding the box", orb.MultiPolygon{{square(50, 50, 60, 60)}, {square(-5, -5, 15, 15)}}, true},
		{"collection", orb.Collection{orb.Point{50, 50}, orb.Point{1, 1}}, true},
		{"degenerate line", orb.LineString{{5, 5}, {5, 5}}, true},
	}
	for _, c := range cases {
		if got := boundMeets(b, c.g); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// A box reduced to a point (bbox=x,y,x,y) still finds what is there.
	if !boundMeets(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{1, 1}}, orb.LineString{{0, 0}, {2, 2}}) {
		t.Error("point box on a line")
	}
}

// FuzzOGCFeatureBody feeds any body to the OGC API's GeoJSON reader and
// what it accepts to the push's validation: errors, never panics.
func FuzzOGCFeatureBody(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,46.5]},"properties":{"type_pei":"PI","debit":60}}`,
		`{"properties":{"debit":null},"geometry":null}`,
		`{"type":"Feature","id":12,"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2,3]}]}}`,
		`{"type":"FeatureCollection"}`, `[]`, `null`, `{"properties":null}`, `{"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}`,
		`{"properties":{"fid":1,"a b":2}}`, `{"geometry":{"type":"Point","coordinates":[1e400,0]}}`,
		`{"type":"Feature","properties":{"type_pei":"PI"}}`, `{"geometry":{"type":"GeometryCollection","geometries":[]}}`,
		`{"geometry":{"type":"Polygon","coordinates":[[[-179,-89],[179,-89],[179,89],[-179,89],[-179,-89]]]}}`,
		`{"geometry":{"type":"LineString","coordinates":[[4.9,46.55],[5.0,46.55]]}}`,
		`{"geometry":{"type":"Polygon","coordinates":[[[4.9,46.55],[4.93,46.56],[4.93,46.55],[4.9,46.56],[4.9,46.55]]]}}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	area, err := territory.New(ogcTerritory)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, patch bool) {
		r := httptest.NewRequest(http.MethodPatch, "/", bytes.NewReader(data))
		body, rerr := readFeatureBody(httptest.NewRecorder(), r, patch)
		if rerr != nil {
			if rerr.status < 400 || rerr.message == "" {
				t.Fatalf("bad refusal %+v", rerr)
			}
			return
		}
		c := protocol.PushChange{ChangeID: "0191d5c2-7a1b-7c3d-8e4f-0123456789ab", Layer: ogcPEI.Name, ID: "0191d5c2-7a1b-7c3d-8e4f-0123456789ac",
			Op: protocol.OpCreate, Properties: body.Properties, GeometryChanged: body.HasGeometry, Geometry: body.Geometry}
		c.ValidateAgainst(&ogcPEI)
		replacement(&ogcPEI, map[string]any{"ref_sdis": "X"}, body.Properties)
		if area.Contains(body.Geometry) && territory.Empty(body.Geometry) {
			t.Fatalf("a geometry without position lies in the territory: %v", body.Geometry)
		}
		if body.Geometry != nil {
			boundMeets(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{5, 47}}, body.Geometry)
			newOGCFeature(&ogcPEI, protocol.Change{ID: "x", Geometry: body.Geometry, Properties: body.Properties}).Properties.MarshalJSON()
		}
	})
}

// FuzzOGCItemsQuery feeds any query string to the /items parser.
func FuzzOGCItemsQuery(f *testing.F) {
	for _, s := range []string{"limit=10&offset=20", "bbox=4.8,46.5,4.9,46.6", "bbox=1,2,3,4,5,6", "type_pei=PI&debit=60",
		"disponible=oui&date_ct=2024-05-01", "limit=99999999999999999999", "bbox=,,,", "crs=x", "datetime=..", "f=json", "=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := parseItemsQuery(&ogcPEI, v)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if req.Limit < 1 || req.Limit > ogcMaxLimit || req.Offset < 0 {
			t.Fatalf("limit %d offset %d", req.Limit, req.Offset)
		}
		if b := req.Bound; b != nil && (b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1]) {
			t.Fatalf("bound %v", *b)
		}
		r := httptest.NewRequest(http.MethodGet, "/ogc/collections/pei/items?"+url.PathEscape(raw), nil)
		pageLinks(r, "http://h/ogc", "pei", v, req.ItemsQuery, 3, 100)
	})
}
