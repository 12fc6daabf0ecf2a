package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// ogcMarkers is a layer whose features have nothing that names them: no
// text field at all.
var ogcMarkers = schema.Layer{
	Name: "reperes", Title: "Repères de crue", GeometryType: schema.Point,
	Fields: []schema.Field{{Name: "cote", Title: "Cote (m)", Type: schema.Real}},
}

// TestOGCHTMLRowNames: the table's links and a feature's page name a
// feature as the desk's search does (store.NameField: a name, a number,
// an identifier, else a text value) — «Tournus», not «Objet 1»; a feature
// with nothing to name it keeps «Objet N», numbered from the first match.
func TestOGCHTMLRowNames(t *testing.T) {
	e := newOGCHTMLEnv(t)
	ctx := context.Background()
	ogcMust(t, e.st.PutLayer(ctx, LayerRecord{Schema: ogcMarkers}))
	var fs []store.RemoteFeature
	for i := range 3 {
		fs = append(fs, store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-c000-%012d", i),
			Geometry: orb.Point{4.9, 46.55 + float64(i)*0.001}, Properties: map[string]any{"cote": 170.5 + float64(i)}})
	}
	ogcMust(t, e.st.SeedFeatures(ctx, ogcMarkers.Name, "import", fs))

	for _, c := range []struct {
		url, want string
	}{
		{"/ogc/collections/communes/items?f=html", "Tournus"},
		{"/ogc/collections/pei/items?f=html&limit=1&offset=1", "Bouche d'incendie"},
		{"/ogc/collections/interventions/items?f=html&limit=1", "Réparation"},
		{"/ogc/collections/reperes/items?f=html&limit=1&offset=1", "Objet 2"},
	} {
		p := e.readPage(c.url, "elu")
		if got := p.rowTexts(); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: row links %q, want [%q]", c.url, got, c.want)
		}
	}
	tournus := e.readPage("/ogc/collections/communes/items/00000000-0000-4000-a000-000000071543?f=html", "elu")
	if h := tournus.heading(); h != "Tournus (Communes)" {
		t.Errorf("a commune's page is titled %q", h)
	}
	marker := e.readPage("/ogc/collections/reperes/items/00000000-0000-4000-c000-000000000000?f=html", "elu")
	if h := marker.heading(); h != "Objet de la couche « Repères de crue »" {
		t.Errorf("a marker's page is titled %q", h)
	}
}

// TestOGCHTMLPageSizeBounded: a browser's table holds at most
// ogcMaxHTMLLimit rows whatever limit asks (10,000 rows are megabytes that
// a phone in the field cannot show), and its links keep that size; the
// JSON of GIS clients keeps ogcMaxLimit.
func TestOGCHTMLPageSizeBounded(t *testing.T) {
	e := newOGCHTMLEnv(t)
	ctx := context.Background()
	ogcMust(t, e.st.PutLayer(ctx, LayerRecord{Schema: ogcMarkers}))
	n := ogcMaxHTMLLimit + 50
	fs := make([]store.RemoteFeature, n)
	for i := range fs {
		fs[i] = store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-c000-%012d", i),
			Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"cote": float64(i)}}
	}
	ogcMust(t, e.st.SeedFeatures(ctx, ogcMarkers.Name, "import", fs))
	p := e.readPage("/ogc/collections/reperes/items?f=html&limit=1000000", "elu")
	if rows := len(p.rowLinks()); rows != ogcMaxHTMLLimit {
		t.Errorf("%d rows for limit=1000000, want %d", rows, ogcMaxHTMLLimit)
	}
	if next := p.rel("next"); !strings.Contains(next, fmt.Sprintf("limit=%d&", ogcMaxHTMLLimit)) {
		t.Errorf("next page: %q", next)
	}
	if txt := p.text(); !strings.Contains(txt, "Page 1 sur 2") {
		t.Errorf("page says: %.300s", txt)
	}
	var fc struct{ NumberReturned int }
	e.do("GET", "/ogc/collections/reperes/items?limit=1000000", "elu", nil).expect(t, 200).json(t, &fc)
	if fc.NumberReturned != n {
		t.Errorf("GeoJSON: %d returned, want %d", fc.NumberReturned, n)
	}
}

// rowTexts returns the texts of the links of the rows of the page's table.
func (p htmlPage) rowTexts() []string {
	var out []string
	for _, tb := range findAll(p.root, tagIs("tbody")) {
		for _, a := range findAll(tb, tagIs("a")) {
			out = append(out, strings.Join(strings.Fields(text(a)), " "))
		}
	}
	return out
}

// heading returns the text of the page's h1.
func (p htmlPage) heading() string {
	return strings.Join(strings.Fields(text(find(p.root, "h1"))), " ")
}
