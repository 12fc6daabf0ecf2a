package dtdict

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/internal/demows"
	"terrimap/report"
	"terrimap/store"
	"terrimap/store/srs"
	"terrimap/store/territory"
)

// The demo's communes the tests work in: Tournus and its neighbour across
// the Saône.
const (
	tournus = "71543"
	lacrost = "71248"
)

// fixtureZone is the zone of dt-tournus.xml: about 80 m by 40 m in the
// centre of Tournus.
var fixtureZone = orb.MultiPolygon{{{{4.901977, 46.565020}, {4.903023, 46.565020}, {4.903023, 46.565380}, {4.901977, 46.565380}, {4.901977, 46.565020}}}}

var networkLayers = []string{"canalaep", "apparaep", "ouvraep", "canalass", "apparass", "ouvrass"}

// demoWorkspace opens the whole demo territory, read-only.
func demoWorkspace(t testing.TB) *store.Workspace { return demows.Open(t, "whole", orb.Bound{}) }

// known is one network feature of the demo as the brute force sees it.
type known struct {
	layer, uuid string
	class       report.Class
	l93         orb.Geometry
	communes    map[string]bool // the INSEE codes of the communes it lies in
	updated     time.Time
}

var (
	knownOnce sync.Once
	knownAll  []known
	knownErr  error
)

// knownFeatures reads every feature of the network layers of the whole
// demo, projected to Lambert-93, with the communes they lie in.
func knownFeatures(t testing.TB, ws *store.Workspace) []known {
	t.Helper()
	knownOnce.Do(func() { knownAll, knownErr = readKnown(ws) })
	if knownErr != nil {
		t.Fatal(knownErr)
	}
	return knownAll
}

func readKnown(ws *store.Workspace) ([]known, error) {
	ctx := context.Background()
	communes, err := ws.Query(ctx, store.Query{Layer: "communes"})
	if err != nil {
		return nil, err
	}
	areas := map[string]*territory.Territory{}
	for _, c := range communes {
		if areas[c.Properties["insee"].(string)], err = territory.New(c.Geometry); err != nil {
			return nil, err
		}
	}
	var out []known
	for _, layer := range networkLayers {
		fs, err := ws.Query(ctx, store.Query{Layer: layer})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			g, err := srs.Project(f.Geometry, srs.WGS84, srs.Lambert93)
			if err != nil {
				return nil, err
			}
			k := known{layer: layer, uuid: f.UUID, l93: g, communes: map[string]bool{}}
			k.class = map[any]report.Class{"01": report.ClassA, "02": report.ClassB, "03": report.ClassC}[f.Properties["qualglocxy"]]
			k.updated, _ = time.Parse(time.DateOnly, f.Properties["datemaj"].(string))
			for insee, a := range areas {
				if a.Contains(f.Geometry) {
					k.communes[insee] = true
				}
			}
			out = append(out, k)
		}
	}
	return out, nil
}

// bruteDistance measures from a point or line to a zone, both in
// Lambert-93, the long way: 0 when a vertex lies inside the zone or a
// segment crosses its boundary, else the least distance between a vertex
// of one and a segment of the other.
func bruteDistance(g orb.Geometry, zone orb.MultiPolygon) float64 {
	var pts []orb.Point
	switch x := g.(type) {
	case orb.Point:
		pts = []orb.Point{x}
	case orb.LineString:
		pts = x
	default:
		panic("unexpected geometry")
	}
	if slices.ContainsFunc(pts, func(p orb.Point) bool { return planar.MultiPolygonContains(zone, p) }) {
		return 0
	}
	best := math.Inf(1)
	for _, poly := range zone {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				e0, e1 := ring[i-1], ring[i]
				for k, p := range pts {
					best = math.Min(best, planar.DistanceFromSegment(e0, e1, p))
					if k > 0 && crosses(pts[k-1], p, e0, e1) {
						return 0
					}
				}
				for k := range pts {
					if k > 0 {
						best = math.Min(best, planar.DistanceFromSegment(pts[k-1], pts[k], e0))
					}
				}
				if len(pts) == 1 {
					best = math.Min(best, planar.DistanceFromSegment(pts[0], pts[0], e0))
				}
			}
		}
	}
	return best
}

// crosses reports whether the segments ab and cd cross.
func crosses(a, b, c, d orb.Point) bool {
	side := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	return side(a, b, c)*side(a, b, d) < 0 && side(c, d, a)*side(c, d, b) < 0
}

// classMargin is the margin the rules give a class.
func classMargin(c report.Class, marginC float64) float64 {
	switch c {
	case report.ClassA:
		return 0.5
	case report.ClassB:
		return 1.5
	}
	return marginC
}

// expected computes by brute force what an analysis of zone (in
// longitude/latitude) for networks must find: each feature of their
// layers lying in their commune within its class's margin, with its
// distance; and the newest update date of their features within the
// largest margin, or when there are none of all their features.
func expected(t *testing.T, all []known, zone orb.MultiPolygon, nets []Ownership) (map[string]float64, time.Time) {
	t.Helper()
	g, err := srs.Project(zone, srs.WGS84, srs.Lambert93)
	if err != nil {
		t.Fatal(err)
	}
	z := g.(orb.MultiPolygon)
	widest := 1.5
	for _, o := range nets {
		widest = math.Max(widest, o.MarginC)
	}
	found := map[string]float64{}
	var newest, newestAll time.Time
	for _, k := range all {
		for _, o := range nets {
			if !slices.Contains(o.Layers, k.layer) || !k.communes[o.INSEE] {
				continue
			}
			if k.updated.After(newestAll) {
				newestAll = k.updated
			}
			d := bruteDistance(k.l93, z)
			if d <= widest && k.updated.After(newest) {
				newest = k.updated
			}
			if d <= classMargin(k.class, o.MarginC) {
				found[k.uuid] = d
			}
		}
	}
	if newest.IsZero() {
		newest = newestAll // none near: the newest of the networks in their communes
	}
	return found, newest
}

// checkAgainstBruteForce analyses a declaration of zone consulting codes
// (checkDeclaration).
func checkAgainstBruteForce(t *testing.T, ws *store.Workspace, zone orb.MultiPolygon, opts AnalysisOptions, codes ...string) *Analysis {
	t.Helper()
	return checkDeclaration(t, ws, consulting(zone, codes...), opts)
}

// checkDeclaration analyses d and compares the items with the brute
// force's.
func checkDeclaration(t *testing.T, ws *store.Workspace, d *Declaration, opts AnalysisOptions) *Analysis {
	t.Helper()
	a, err := Analyse(context.Background(), ws, d, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, newest := expected(t, knownFeatures(t, ws), d.Zone, a.Ours)
	got := map[string]float64{}
	for _, it := range a.Items {
		got[it.UUID] = it.Distance
		if w, ok := want[it.UUID]; !ok {
			t.Errorf("%s %s (%s, class %q) found at %.3f m: the brute force does not find it", it.Layer, it.ID, it.UUID, it.Class, it.Distance)
		} else if math.Abs(w-it.Distance) > 1e-6 {
			t.Errorf("%s %s at %.6f m, brute force %.6f m", it.Layer, it.ID, it.Distance, w)
		}
	}
	for id, d := range want {
		if _, ok := got[id]; !ok {
			t.Errorf("%s at %.3f m: the brute force finds it, the analysis does not", id, d)
		}
	}
	if a.Concerned != (len(want) > 0) || (a.Reason == "") == (len(want) == 0) {
		t.Errorf("concerned %v, reason %q, with %d features found by brute force", a.Concerned, a.Reason, len(want))
	}
	if a.Selection == nil {
		newest = time.Time{} // off the territory: nothing searched
	}
	if !a.DataDate.Equal(newest) {
		t.Errorf("date of the data %v, brute force %v", a.DataDate, newest)
	}
	if (a.Concerned && a.Selection == nil) || (a.Selection != nil && len(a.Selection.Items) != len(a.Items)) {
		t.Errorf("the selection does not hold the items")
	}
	return a
}

// consulting is a DICT of zone consulting the networks of codes.
func consulting(zone orb.MultiPolygon, codes ...string) *Declaration {
	d := &Declaration{Kind: KindDICT, Number: "2026061500001D01", Zone: zone, Place: Place{INSEE: tournus, Commune: "Tournus"}}
	for _, c := range codes {
		d.Networks = append(d.Networks, Network{Code: c, Category: "NS"})
	}
	return d
}

// rectangle returns, in longitude/latitude, the rectangle of Lambert-93
// corners a and b turned by angle radians about a.
func rectangle(t testing.TB, a orb.Point, w, h, angle float64) orb.MultiPolygon {
	t.Helper()
	c, s := math.Cos(angle), math.Sin(angle)
	at := func(x, y float64) orb.Point { return orb.Point{a[0] + x*c - y*s, a[1] + x*s + y*c} }
	ring := orb.Ring{at(0, 0), at(w, 0), at(w, h), at(0, h), at(0, 0)}
	g, err := srs.Project(orb.MultiPolygon{{ring}}, srs.Lambert93, srs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	return g.(orb.MultiPolygon)
}

func toL93(t testing.TB, p orb.Point) orb.Point {
	t.Helper()
	g, err := srs.Project(p, srs.WGS84, srs.Lambert93)
	if err != nil {
		t.Fatal(err)
	}
	return g.(orb.Point)
}

// The features found are those a brute force finds — every feature of the
// networks' layers measured against the zone — for the fixture's zone in
// the centre of Tournus, zones drawn at random over the town (one with a
// hole, one in two parts), with the water network alone and with both.
func TestAnalyseAgainstBruteForce(t *testing.T) {
	ws := demoWorkspace(t)
	a := checkAgainstBruteForce(t, ws, fixtureZone, AnalysisOptions{}, "ENEDIS-0000000000712BRG^1", "EAUPOT71543", "ASS71543", "GRDFCEST")
	if !a.Concerned || len(a.Ours) != 2 || a.Ours[0].Code != "EAUPOT71543" || a.Ours[1].Code != "ASS71543" {
		t.Fatalf("the fixture's zone: concerned %v, ours %v, %d items", a.Concerned, a.Ours, len(a.Items))
	}
	layers := map[string]bool{}
	for _, it := range a.Items {
		layers[it.Layer] = true
	}
	if !layers["canalaep"] || !layers["canalass"] {
		t.Errorf("the fixture's zone finds layers %v, want water and sewer pipes", layers)
	}
	t.Logf("fixture: %d items in %d layers", len(a.Items), len(layers))

	rng := rand.New(rand.NewPCG(14, 2026))
	centre := toL93(t, orb.Point{4.9010, 46.5640})
	for i := range 12 {
		corner := orb.Point{centre[0] + rng.Float64()*1200 - 600, centre[1] + rng.Float64()*1200 - 600}
		zone := rectangle(t, corner, 10+rng.Float64()*140, 5+rng.Float64()*60, rng.Float64()*math.Pi)
		switch i {
		case 3: // a hole in the middle
			hole := rectangle(t, orb.Point{corner[0] + 1, corner[1] + 1}, 3, 2, 0)[0][0]
			slices.Reverse(hole)
			zone[0] = append(zone[0], hole)
		case 4: // two parts
			zone = append(zone, rectangle(t, orb.Point{corner[0] + 200, corner[1] - 50}, 30, 30, 0.3)...)
		}
		codes := []string{"EAUPOT71543", "ASS71543"}
		if i%3 == 0 {
			codes = codes[:1]
		}
		a := checkAgainstBruteForce(t, ws, zone, AnalysisOptions{}, codes...)
		for _, it := range a.Items {
			if i%3 == 0 && strings.HasSuffix(it.Layer, "ass") {
				t.Errorf("zone %d: %s found for the water network alone", i, it.Layer)
			}
		}
		t.Logf("zone %d: %d items", i, len(a.Items))
	}
}

// A pipe of each class is found within its class's margin and not
// beyond: zones drawn 1 cm inside and outside 0.5 m (A), 1.5 m (B), 5 m
// (C) and, for class C with a margin set to 2 m, 2 m.
func TestAnalyseClassMargins(t *testing.T) {
	ws := demoWorkspace(t)
	all := knownFeatures(t, ws)
	for _, c := range []struct {
		class   report.Class
		marginC float64
		at      float64
	}{
		{report.ClassA, 0, 0.5},
		{report.ClassB, 0, 1.5},
		{report.ClassC, 0, 5},
		{report.ClassC, 2, 2},
	} {
		pipe, a, b := straightPipe(t, all, c.class)
		along := orb.Point{(b[0] - a[0]), (b[1] - a[1])}
		length := math.Hypot(along[0], along[1])
		angle := math.Atan2(along[1], along[0])
		mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
		normal := orb.Point{-along[1] / length, along[0] / length}
		for _, d := range []float64{c.at - 0.01, c.at + 0.01} {
			// A 2 m square beside the pipe's middle, its near side parallel
			// to the pipe at d.
			start := orb.Point{mid[0] + normal[0]*d - along[0]/length, mid[1] + normal[1]*d - along[1]/length}
			zone := rectangle(t, start, 2, 2, angle)
			want, _ := expected(t, []known{pipe}, zone, []Ownership{{Layers: []string{"canalaep"}, INSEE: tournus, MarginC: cmpOr(c.marginC, DefaultMarginC)}})
			if got, ok := want[pipe.uuid]; ok != (d < c.at) || (ok && math.Abs(got-d) > 1e-6) {
				t.Fatalf("class %s at %.2f m: the brute force finds %v at %.6f m: the zone is not where it should be", c.class, d, ok, got)
			}
			a := checkAgainstBruteForce(t, ws, zone, AnalysisOptions{MarginC: c.marginC}, "EAUPOT71543")
			found := slices.ContainsFunc(a.Items, func(it report.Item) bool { return it.UUID == pipe.uuid })
			if found != (d < c.at) {
				t.Errorf("class %s pipe at %.2f m of the zone: found %v, want %v (margin %g m)", c.class, d, found, d < c.at, c.at)
			}
			if a.Margins[c.class] != c.at {
				t.Errorf("class %s: margin %g m, want %g", c.class, a.Margins[c.class], c.at)
			}
		}
	}
}

func cmpOr(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// straightPipe returns a water main of Tournus of that class, with a
// straight stretch of at least 20 m from a to b (Lambert-93).
func straightPipe(t *testing.T, all []known, class report.Class) (known, orb.Point, orb.Point) {
	t.Helper()
	for _, k := range all {
		ls, ok := k.l93.(orb.LineString)
		if k.layer != "canalaep" || k.class != class || !k.communes[tournus] || !ok {
			continue
		}
		for i := 1; i < len(ls); i++ {
			if planar.Distance(ls[i-1], ls[i]) >= 20 {
				return k, ls[i-1], ls[i]
			}
		}
	}
	t.Fatalf("no straight water main of class %s in Tournus", class)
	return known{}, orb.Point{}, orb.Point{}
}

// A feature of the neighbour commune lying in the zone does not count for
// Tournus's network, though the zone touches Tournus; it counts for the
// neighbour's.
func TestAnalyseNeighbourExcluded(t *testing.T) {
	ws := demoWorkspace(t)
	all := knownFeatures(t, ws)
	var near known
	var at orb.Point
	ctx := context.Background()
	fs, err := ws.Query(ctx, store.Query{Layer: "communes", Equals: map[string]any{"insee": tournus}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("Tournus: %v", err)
	}
	tn, err := territory.New(fs[0].Geometry)
	if err != nil {
		t.Fatal(err)
	}
	// A pipe of Lacrost with a vertex within territory.Tolerance of Tournus.
	for _, k := range all {
		if !k.communes[lacrost] || k.layer != "canalaep" {
			continue
		}
		g, err := srs.Project(k.l93, srs.Lambert93, srs.WGS84)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range g.(orb.LineString) {
			if tn.Contains(p) {
				near, at = k, p
			}
		}
	}
	if near.uuid == "" {
		t.Fatal("the demo has no pipe of Lacrost near the border of Tournus")
	}
	p := toL93(t, at)
	zone := rectangle(t, orb.Point{p[0] - 2, p[1] - 2}, 4, 4, 0)
	a := checkAgainstBruteForce(t, ws, zone, AnalysisOptions{}, "EAUPOT71543")
	if a.Selection == nil {
		t.Fatalf("the zone at the border is off the territory: %s", a.Reason)
	}
	if slices.ContainsFunc(a.Items, func(it report.Item) bool { return it.UUID == near.uuid }) {
		t.Errorf("Lacrost's pipe %s counts for Tournus's water", near.uuid)
	}
	b := checkAgainstBruteForce(t, ws, zone, AnalysisOptions{}, "EAUPOT71543", "EAUPOT71248")
	if !slices.ContainsFunc(b.Items, func(it report.Item) bool { return it.UUID == near.uuid }) {
		t.Errorf("Lacrost's pipe %s does not count for Lacrost's water", near.uuid)
	}
}

// A zone near Lyon is off our territory; a declaration consulting other
// operators' networks only is not ours: both are not concerned at once,
// and say why.
func TestAnalyseNotConcerned(t *testing.T) {
	ws := demoWorkspace(t)
	ctx := context.Background()
	lyon := orb.MultiPolygon{{{{4.835185, 45.763820}, {4.836215, 45.763820}, {4.836215, 45.764180}, {4.835185, 45.764180}, {4.835185, 45.763820}}}}
	// Lacrost's water network, its zone in the centre of Tournus across the
	// Saône: off the territory of the network consulted.
	for _, c := range []struct {
		name   string
		zone   orb.MultiPolygon
		codes  []string
		reason []string
		ours   int
	}{
		{"Lyon", lyon, []string{"EAUPOT71543", "ASS71543", "ENEDIS-0000000000690LYO^1"},
			[]string{"hors de notre territoire", "(Tournus)"}, 2},
		{"other commune's network", fixtureZone, []string{"EAUPOT71248"},
			[]string{"hors de notre territoire", "(Lacrost)"}, 1},
		{"not ours", fixtureZone, []string{"ENEDIS-0000000000712BRG^1", "GRDFCEST"},
			[]string{"Aucun de nos réseaux n'est consulté", "ENEDIS-0000000000712BRG^1, GRDFCEST"}, 0},
		{"no network", fixtureZone, nil, []string{"ne nomme aucun code d'ouvrage"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := Analyse(ctx, ws, consulting(c.zone, c.codes...), AnalysisOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Concerned || len(a.Items) != 0 || a.Selection != nil || len(a.Ours) != c.ours {
				t.Errorf("concerned %v, %d items, selection %v, ours %v", a.Concerned, len(a.Items), a.Selection != nil, a.Ours)
			}
			for _, s := range c.reason {
				if !strings.Contains(a.Reason, s) {
					t.Errorf("reason %q does not say %q", a.Reason, s)
				}
			}
		})
	}
}

// In the middle of a field with no network: not concerned, and the reason
// names the margins.
func TestAnalyseNothingFound(t *testing.T) {
	ws := demoWorkspace(t)
	// Tournus's territory far from its networks: find an empty spot by
	// brute force among a few candidates.
	all := knownFeatures(t, ws)
	rng := rand.New(rand.NewPCG(14, 7))
	centre := toL93(t, orb.Point{4.8993, 46.5651})
	for range 200 {
		corner := orb.Point{centre[0] + rng.Float64()*4000 - 2000, centre[1] + rng.Float64()*4000 - 2000}
		zone := rectangle(t, corner, 20, 20, 0)
		nets := []Ownership{{Layers: networkLayers, INSEE: tournus, MarginC: DefaultMarginC}}
		if want, _ := expected(t, all, zone, nets); len(want) > 0 {
			continue
		}
		a := checkAgainstBruteForce(t, ws, zone, AnalysisOptions{}, "EAUPOT71543", "ASS71543")
		if a.Selection == nil {
			continue // off the territory
		}
		// a no-break space between each value and its unit: the récépissé
		// printed «1,5» at the end of a line and «m (classe B)» on the next
		want := "ni à moins de 0,5\u00a0m (classe A), 1,5\u00a0m (classe B) ou 5\u00a0m (classe C ou inconnue)"
		if a.Concerned || !strings.Contains(a.Reason, want) {
			t.Errorf("concerned %v, reason %q", a.Concerned, a.Reason)
		}
		return
	}
	t.Fatal("no empty spot in Tournus")
}

// Ownerships reads the settings as an admin may type them: layers with
// spaces and repeats, no margin (the default), a code in lower case that
// still matches the declaration's; a workspace without the settings says
// so with ErrNoOwnership, and the analysis with it.
func TestOwnerships(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := Ownerships(ctx, ws); !errors.Is(err, ErrNoOwnership) {
		t.Errorf("no settings layer: %v, want ErrNoOwnership", err)
	}
	if _, err := Analyse(ctx, ws, consulting(nil, "EAUPOT71543"), AnalysisOptions{}); !errors.Is(err, ErrNoOwnership) {
		t.Errorf("analyse without settings: %v, want ErrNoOwnership", err)
	}
	demo := demoWorkspace(t)
	l, err := demo.Layer(OwnershipLayer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.CreateLayer(ctx, l.Schema); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for _, p := range []map[string]any{
			{"code_ouvrage": "eaupot71543", "insee": tournus, "couches": " canalaep , apparaep,,canalaep", "marge_classe_c": nil, "exploitant": "Régie"},
			{"code_ouvrage": "ASS71543", "insee": tournus, "couches": "canalass", "marge_classe_c": 3.5},
		} {
			if _, err := tx.Create(OwnershipLayer, store.Feature{Properties: p}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Ownerships(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Code != "ASS71543" || got[0].MarginC != 3.5 ||
		got[1].Code != "eaupot71543" || !slices.Equal(got[1].Layers, []string{"canalaep", "apparaep"}) || got[1].MarginC != DefaultMarginC {
		t.Fatalf("ownerships %+v", got)
	}
	mine := ours(got, []Network{{Code: " EAUPOT71543"}, {Code: "GRDFCEST"}, {Code: "EAUPOT71543"}})
	if len(mine) != 1 || mine[0].Operator != "Régie" {
		t.Errorf("ours: %+v", mine)
	}
	if _, err := Analyse(ctx, ws, consulting(nil, "EAUPOT71543"), AnalysisOptions{MarginC: math.NaN()}); !errors.Is(err, ErrMargin) {
		t.Errorf("a margin that is not a number: %v", err)
	}
	if _, err := Analyse(ctx, ws, consulting(nil, "EAUPOT71543"), AnalysisOptions{}); !errors.Is(err, report.ErrZoneEmpty) {
		t.Errorf("a declaration without zone: %v", err)
	}
	// The networks' layers are not in this workspace: the analysis cannot
	// say no.
	if _, err := Analyse(ctx, ws, consulting(fixtureZone, "EAUPOT71543"), AnalysisOptions{}); !errors.Is(err, ErrNetworkLayer) {
		t.Errorf("networks' layers missing: %v, want ErrNetworkLayer", err)
	}
}

// The margins of each class: A and B fixed, C and unknown the network's.
func TestOwnershipMargin(t *testing.T) {
	o := Ownership{MarginC: 7}
	for c, want := range map[report.Class]float64{report.ClassA: 0.5, report.ClassB: 1.5, report.ClassC: 7, report.ClassUnknown: 7} {
		if got := o.margin(c); got != want {
			t.Errorf("class %q: %g m, want %g", c, got, want)
		}
	}
	m := margins([]Ownership{{MarginC: 3}, {MarginC: 8}})
	if m[report.ClassC] != 8 || m[report.ClassUnknown] != 8 || m[report.ClassA] != 0.5 {
		t.Errorf("margins %v", m)
	}
	if m := margins(nil); m[report.ClassC] != DefaultMarginC {
		t.Errorf("margins of no network %v", m)
	}
}

// The fixtures of the one-stop shop: those in Tournus find what the brute
// force finds (the DT's zone over water and sewer pipes; the ATU, which
// consults the sewers alone, has none within 5 m of its 20 m × 10 m
// zone), the DICT near Lyon is off our territory.
func TestAnalyseFixtures(t *testing.T) {
	ws := demoWorkspace(t)
	for _, c := range []struct {
		file      string
		concerned bool
		ours      int
		reason    string
	}{
		{"dt-tournus.xml", true, 2, ""},
		{"dict-tournus.xml", true, 2, ""},
		{"dtdict-conjointes-tournus.xml", true, 2, ""},
		{"atu-tournus.xml", false, 1, "Aucun de nos ouvrages ne se trouve dans la zone des travaux"},
		{"dict-offterritory.xml", false, 2, "hors de notre territoire"},
	} {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			a := checkDeclaration(t, ws, d, AnalysisOptions{})
			if a.Concerned != c.concerned || len(a.Ours) != c.ours || a.Declaration != d {
				t.Errorf("concerned %v (%s), %d networks of ours, want %v and %d", a.Concerned, a.Reason, len(a.Ours), c.concerned, c.ours)
			}
			if !strings.Contains(a.Reason, c.reason) {
				t.Errorf("reason %q, want it to say %q", a.Reason, c.reason)
			}
			t.Logf("%s: concerned %v, %d items, data of %s", d.Number, a.Concerned, len(a.Items), a.DataDate.Format(time.DateOnly))
		})
	}
}

// BenchmarkAnalyse analyses the DT fixture's zone in the centre of Tournus
// (water and sewers) on the whole demo territory.
func BenchmarkAnalyse(b *testing.B) {
	ws := demoWorkspace(b)
	zone := fixtureZone
	d := consulting(zone, "EAUPOT71543", "ASS71543", "GRDFCEST")
	b.ReportAllocs()
	for b.Loop() {
		a, err := Analyse(context.Background(), ws, d, AnalysisOptions{})
		if err != nil || !a.Concerned {
			b.Fatalf("%v, concerned %v", err, a != nil && a.Concerned)
		}
	}
}
