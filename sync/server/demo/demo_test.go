package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"terrimap/store/schema"
)

// generated is one run of Generate, in stream order.
type generated struct {
	layers   []string
	features []Feature
	hash     string
}

func generate(t testing.TB, opts GenerateOptions) generated {
	t.Helper()
	var g generated
	h := sha256.New()
	err := Generate(opts, func(layer string, f Feature) error {
		g.layers = append(g.layers, layer)
		g.features = append(g.features, f)
		geom, err := json.Marshal(geojson.NewGeometry(f.Geometry))
		if err != nil {
			return err
		}
		props, err := json.Marshal(f.Properties) // sorted keys
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\n", layer, f.ID, geom, props)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g.hash = hex.EncodeToString(h.Sum(nil))
	return g
}

var (
	scale1Once sync.Once
	scale1     generated
)

// atScale1 returns the default demo, generated once for all tests.
func atScale1(t testing.TB) generated {
	scale1Once.Do(func() { scale1 = generate(t, GenerateOptions{Scale: 1}) })
	return scale1
}

func layerByName(t testing.TB) map[string]*schema.Layer {
	out := map[string]*schema.Layer{}
	for _, l := range Layers() {
		out[l.Name] = &l
	}
	return out
}

func TestLayers(t *testing.T) {
	layers := Layers()
	seen := map[string]bool{}
	for _, l := range layers {
		if err := l.Validate(); err != nil {
			t.Errorf("%s: %v", l.Name, err)
		}
		if seen[l.Name] {
			t.Errorf("layer %s declared twice", l.Name)
		}
		seen[l.Name] = true
		if l.Title == "" {
			t.Errorf("%s has no title", l.Name)
		}
		for _, f := range l.Fields {
			if f.Title == "" {
				t.Errorf("%s.%s has no title", l.Name, f.Name)
			}
		}
		if got := l.ReadOnly; got != (l.Name == LayerCommunes) {
			t.Errorf("%s: ReadOnly = %v", l.Name, got)
		}
	}
	for _, name := range append(append([]string(nil), communeLayers...), LayerZoneInondable, LayerDTDictOuvrages, LayerDTDict) {
		if !seen[name] {
			t.Errorf("Generate streams layer %s that Layers does not declare", name)
		}
	}
	// A few values the national standards fix.
	l := layerByName(t)
	for _, c := range []struct{ layer, field, code, label string }{
		{LayerCanalAEP, "materiau", "11", "Fonte ductile"},
		{LayerCanalAEP, "materiau", "12", "Fonte grise"},
		{LayerCanalAEP, "materiau", "18", "PEHD lisse"},
		{LayerCanalAEP, "qualglocxy", "01", "Classe A (< 40 cm)"},
		{LayerCanalAss, "typreseau", "03", "Unitaire"},
		{LayerApparAEP, "fnappaep", "03", "Vanne"},
		{LayerOuvrAss, "fnouvass", "06", "Regard"},
		{LayerPEI, "type_pei", "PI", "Poteau d'incendie"},
		{LayerInterventions, "statut", "planifiee", "Planifiée"},
	} {
		f, ok := l[c.layer].Field(c.field)
		if !ok || f.Label(c.code) != c.label {
			t.Errorf("%s.%s: code %s is %q, want %q", c.layer, c.field, c.code, f.Label(c.code), c.label)
		}
	}
	mine := Layers()
	mine[0].Fields[0].Name = "changed"
	if Layers()[0].Fields[0].Name == "changed" {
		t.Error("Layers shares its values between calls")
	}
}

func TestCommunes(t *testing.T) {
	cs, err := Communes()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 24 {
		t.Fatalf("%d communes, want 24", len(cs))
	}
	byINSEE := map[string]Commune{}
	for i, c := range cs {
		if i > 0 && cs[i-1].INSEE >= c.INSEE {
			t.Errorf("communes not sorted: %s before %s", cs[i-1].INSEE, c.INSEE)
		}
		byINSEE[c.INSEE] = c
		if c.Population <= 0 || c.Name == "" || c.COGName == "" {
			t.Errorf("%s: incomplete %+v", c.INSEE, c)
		}
		if !newArea(c.Territory).contains(c.Centre) {
			t.Errorf("%s: centre %v outside the territory", c.Name, c.Centre)
		}
	}
	if c := byINSEE["71543"]; c.Name != "Tournus" || c.Population != 5702 {
		t.Errorf("Tournus: %+v", c)
	}
	if c := byINSEE["71549"]; c.Name != "La Truchère" || c.COGName != "Truchère" {
		t.Errorf("La Truchère: %q / %q", c.Name, c.COGName)
	}
}

func TestDeterminism(t *testing.T) {
	a := atScale1(t)
	b := generate(t, GenerateOptions{Scale: 1, Today: DefaultToday.Add(13 * time.Hour)})
	if a.hash != b.hash {
		t.Fatalf("two runs differ: %s vs %s", a.hash, b.hash)
	}
	// Another day moves dates only, another scale changes everything.
	c := generate(t, GenerateOptions{Scale: 1, Today: DefaultToday.AddDate(0, 0, 3)})
	if c.hash == a.hash || len(c.features) != len(a.features) || c.features[100].ID != a.features[100].ID {
		t.Error("Today should change dates, not ids or counts")
	}
}

func TestCountsScale1(t *testing.T) {
	g := atScale1(t)
	counts := map[string]int{}
	for _, l := range g.layers {
		counts[l]++
	}
	t.Logf("total %d: %v", len(g.features), counts)
	if n := len(g.features); n < 20000 || n > 40000 {
		t.Errorf("%d features at scale 1, want 20,000 to 40,000", n)
	}
	for layer, r := range map[string][2]int{
		LayerCommunes: {24, 24}, LayerCanalAEP: {6000, 20000}, LayerApparAEP: {4000, 15000},
		LayerOuvrAEP: {20, 100}, LayerCanalAss: {1500, 8000}, LayerApparAss: {5, 200},
		LayerOuvrAss: {1500, 9000}, LayerPEI: {300, 2000}, LayerEclairage: {1500, 8000},
		LayerBatiment: {48, 144},
		// A handful per commune, and the log of the pipes renewed or
		// rehabilitated in the last five years (some 280).
		LayerInterventions: {200, 600}, LayerZoneInondable: {3, 3}, LayerVoies: {300, 3000},
		// EAUPOT for the 24 communes, ASS for the 19 that have sewers; the
		// register of declarations is empty.
		LayerDTDictOuvrages: {43, 43}, LayerDTDict: {0, 0},
		// A few items of the ICGP's checklist per commune.
		LayerICGPDeclarations: {24, 150},
	} {
		if n := counts[layer]; n < r[0] || n > r[1] {
			t.Errorf("%s: %d features, want %d to %d", layer, n, r[0], r[1])
		}
	}
}

func TestScaleGrowsCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo at scale 2")
	}
	one := len(atScale1(t).features)
	two := len(generate(t, GenerateOptions{Scale: 2}).features)
	if r := float64(two) / float64(one); r < 1.6 || r > 2.4 {
		t.Errorf("scale 2 gives %d features, %.2f× scale 1", two, r)
	}
}

func TestFeaturesFitTheirSchema(t *testing.T) {
	g := atScale1(t)
	layers := layerByName(t)
	ids := map[string]bool{}
	for i, f := range g.features {
		l := layers[g.layers[i]]
		if !isUUIDv4(f.ID) {
			t.Fatalf("%s: id %q is not a v4 UUID", l.Name, f.ID)
		}
		if ids[f.ID] {
			t.Fatalf("%s: id %s used twice", l.Name, f.ID)
		}
		ids[f.ID] = true
		got, errs := l.CoerceProperties(f.Properties, true)
		for _, e := range errs {
			t.Errorf("%s %s: %s: %v", l.Name, f.ID, e.Field, e.Reason)
		}
		for k, v := range f.Properties {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s.%s: %#v is stored as %#v", l.Name, k, v, got[k])
			}
		}
		if len(errs) > 0 {
			t.FailNow()
		}
		geom, err := l.CheckGeometry(f.Geometry)
		// The DT-DICT settings are rows without geometry; every other
		// feature has one.
		if err != nil || (geom == nil) != (l.Name == LayerDTDictOuvrages) {
			t.Fatalf("%s %s: geometry %v, %v", l.Name, f.ID, geom, err)
		}
	}
}

func isUUIDv4(s string) bool {
	if len(s) != 36 || s[14] != '4' || !strings.ContainsRune("89ab", rune(s[19])) {
		return false
	}
	for i, c := range s {
		if (i == 8 || i == 13 || i == 18 || i == 23) != (c == '-') {
			return false
		}
		if c != '-' && !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// byCommune splits the stream into communes: each communes feature opens
// the features of its commune.
func byCommune(g generated) (starts []int) {
	for i, l := range g.layers {
		if l == LayerCommunes {
			starts = append(starts, i)
		}
	}
	return starts
}

func points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch x := g.(type) {
	case orb.Point:
		out = append(out, x)
	case orb.LineString:
		out = append(out, x...)
	case orb.Polygon:
		for _, r := range x {
			out = append(out, r...)
		}
	}
	return out
}

func TestNetworksStayInTheirCommune(t *testing.T) {
	g := atScale1(t)
	w, err := newWorld()
	if err != nil {
		t.Fatal(err)
	}
	starts := append(byCommune(g), len(g.features))
	for ci := 0; ci+1 < len(starts); ci++ {
		c := w.communes[ci]
		if id := g.features[starts[ci]].Properties["insee"]; id != c.INSEE {
			t.Fatalf("commune %d is %v, want %s", ci, id, c.INSEE)
		}
		terr := newArea(w.fr.localMulti(c.Territory))
		for i := starts[ci] + 1; i < starts[ci+1]; i++ {
			if g.layers[i] == LayerInterventions || g.layers[i] == LayerZoneInondable || g.layers[i] == LayerDTDictOuvrages ||
				g.layers[i] == LayerICGPDeclarations {
				continue
			}
			pts := points(g.features[i].Geometry)
			for k, p := range pts {
				q := w.fr.local(p)
				if !terr.contains(q) && terr.borderDist(q) > 0.5 {
					t.Fatalf("%s %s: %v lies %.1f m outside %s", g.layers[i], g.features[i].ID, p, terr.borderDist(q), c.Name)
				}
				if k > 0 { // the segment does not leave and come back
					a := w.fr.local(pts[k-1])
					for _, e := range terr.edges {
						if segmentsCross(a, q, e[0], e[1]) && terr.borderDist(a) > 0.5 && terr.borderDist(q) > 0.5 {
							t.Fatalf("%s %s crosses the border of %s", g.layers[i], g.features[i].ID, c.Name)
						}
					}
				}
			}
		}
	}
}

func TestHydrantsStandOnMains(t *testing.T) {
	g := atScale1(t)
	w, err := newWorld()
	if err != nil {
		t.Fatal(err)
	}
	starts := append(byCommune(g), len(g.features))
	checked, unavailable, overdue := 0, 0, 0
	limit := DefaultToday.AddDate(-2, 0, 0).Format(dateLayout)
	for ci := 0; ci+1 < len(starts); ci++ {
		var mains [][2]orb.Point
		for i := starts[ci]; i < starts[ci+1]; i++ {
			f := g.features[i]
			if g.layers[i] == LayerCanalAEP && f.Properties["branchemnt"] == "N" {
				ls := f.Geometry.(orb.LineString)
				mains = append(mains, [2]orb.Point{w.fr.local(ls[0]), w.fr.local(ls[1])})
			}
		}
		for i := starts[ci]; i < starts[ci+1]; i++ {
			f := g.features[i]
			if g.layers[i] != LayerPEI {
				continue
			}
			if f.Properties["disponible"] == false {
				unavailable++
			}
			if f.Properties["date_ct"].(string) < limit {
				overdue++
			}
			if f.Properties["source_pei"] != "reseau_aep" {
				continue
			}
			p := w.fr.local(f.Geometry.(orb.Point))
			best := math.Inf(1)
			for _, m := range mains {
				if d, _ := segDist(m[0], m[1], p); d < best {
					best = d
				}
			}
			if best > 1 {
				t.Errorf("hydrant %s is %.2f m from the nearest main", f.Properties["id_sdis"], best)
			}
			checked++
		}
	}
	if checked < 300 || unavailable == 0 || overdue == 0 {
		t.Errorf("%d hydrants on mains, %d unavailable, %d overdue", checked, unavailable, overdue)
	}
}

func TestInterventionsReferToEquipment(t *testing.T) {
	g := atScale1(t)
	where := map[string]string{}
	at := map[string]orb.Geometry{}
	for i, f := range g.features {
		where[f.ID] = g.layers[i]
		at[f.ID] = f.Geometry
	}
	today := DefaultToday.Format(dateLayout)
	sunday := DefaultToday.AddDate(0, 0, (7-int(DefaultToday.Weekday()))%7).Format(dateLayout)
	statuts := map[string]int{}
	thisWeek := 0
	for i, f := range g.features {
		if g.layers[i] != LayerInterventions {
			continue
		}
		id, layer := f.Properties["equipement_uuid"].(string), f.Properties["equipement_couche"].(string)
		if where[id] != layer {
			t.Fatalf("intervention %s refers to %s in %s, which is in %q", f.ID, id, layer, where[id])
		}
		if p, ok := at[id].(orb.Point); ok && p != f.Geometry.(orb.Point) {
			t.Errorf("intervention %s at %v, its equipment at %v", f.ID, f.Geometry, p)
		}
		s := f.Properties["statut"].(string)
		statuts[s]++
		d := f.Properties["date"].(string)
		switch {
		case s == "planifiee" && d < today, s == "terminee" && d >= today:
			t.Errorf("intervention %s %s on %s (today %s)", f.ID, s, d, today)
		case s == "planifiee" && d <= sunday:
			thisWeek++
		}
	}
	if statuts["planifiee"] == 0 || statuts["en_cours"] == 0 || statuts["terminee"] == 0 || thisWeek == 0 {
		t.Errorf("statuts %v, %d planned this week", statuts, thisWeek)
	}
}

func TestQualityMix(t *testing.T) {
	g := atScale1(t)
	count := map[any]int{}
	total := 0
	for i, f := range g.features {
		if g.layers[i] == LayerCanalAEP && f.Properties["branchemnt"] == "N" {
			count[f.Properties["qualglocxy"]]++
			total++
		}
	}
	for code, want := range map[string]float64{"01": 0.30, "02": 0.40, "03": 0.30} {
		if got := float64(count[code]) / float64(total); math.Abs(got-want) > 0.12 {
			t.Errorf("qualglocxy %s: %.0f %% of mains, want about %.0f %%", code, 100*got, 100*want)
		}
	}
}

func TestFloodZones(t *testing.T) {
	g := atScale1(t)
	per, err := perimeter()
	if err != nil {
		t.Fatal(err)
	}
	b := per.Bound().Pad(1e-4)
	var aleas []string
	for i, f := range g.features {
		if g.layers[i] != LayerZoneInondable {
			continue
		}
		aleas = append(aleas, f.Properties["alea"].(string))
		if !b.Contains(f.Geometry.Bound().Min) || !b.Contains(f.Geometry.Bound().Max) {
			t.Errorf("%s zone %v beyond the territory %v", aleas[len(aleas)-1], f.Geometry.Bound(), b)
		}
	}
	if strings.Join(aleas, ",") != "fort,moyen,faible" {
		t.Errorf("zones %v", aleas)
	}
}

func TestGenerateErrors(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Generate(GenerateOptions{Scale: 0.05}, func(string, Feature) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Generate returned %v after %d features, want stop after 10", err, n)
	}
	for _, s := range []float64{-1, math.NaN(), MaxScale + 1} {
		if err := Generate(GenerateOptions{Scale: s}, func(string, Feature) error { return nil }); !errors.Is(err, ErrScale) {
			t.Errorf("scale %v: %v, want ErrScale", s, err)
		}
	}
}

func BenchmarkGenerateScale1(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := Generate(GenerateOptions{Scale: 1}, func(string, Feature) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "features/op")
	}
}
