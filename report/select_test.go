package report

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/resample"

	"terrimap/store"
	"terrimap/store/srs"
)

// TestNetworkLayers pins the rule of what a report searches in the demo
// territory: every point and line layer but the interventions log.
func TestNetworkLayers(t *testing.T) {
	ws := demoWorkspace(t)
	var names []string
	for _, l := range NetworkLayers(ws) {
		names = append(names, l.Name())
	}
	// Street lights are equipment above ground, not an underground network.
	want := []string{"canalaep", "apparaep", "ouvraep", "canalass", "apparass", "ouvrass", "pei"}
	if !slices.Equal(names, want) {
		t.Errorf("NetworkLayers = %v, want %v", names, want)
	}
}

// TestSelectMatchesBruteForce checks selections in the demo streets of
// Tournus against an independent computation: every feature of every
// network layer read without the R-tree, projected to Lambert-93, its
// distance to the zone measured with orb's planar functions on both
// geometries densified every 8 cm.
func TestSelectMatchesBruteForce(t *testing.T) {
	ws := demoWorkspace(t)
	ctx := context.Background()
	all := allFeatures(t, ws)
	const tolerance = step // metres: the brute force's sampling
	for _, c := range []struct {
		name   string
		zone   Zone
		buffer float64
		atLeast,
		layers int // at least this many items in that many layers
	}{
		{"across the street, 5 m", acrossStreet(), 5, 4, 3},
		{"across the street, no margin", acrossStreet(), 0, 3, 2},
		{"across the street, 15 m", acrossStreet(), 15, 10, 4},
		{"trench along the street, 5 m", alongStreet(), 5, 30, 5},
		{"trench along the street, 1 m", alongStreet(), 1, 15, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			sel, err := Select(ctx, ws, c.zone, Options{Buffer: c.buffer})
			if err != nil {
				t.Fatal(err)
			}
			reach := c.buffer + c.zone.Width/2
			zone, err := srs.Project(c.zone.Geometry, srs.WGS84, srs.Lambert93)
			if err != nil {
				t.Fatal(err)
			}
			zonePoints := densify(zone)
			got := map[string]Item{}
			layers := map[string]bool{}
			for _, it := range sel.Items {
				got[it.UUID] = it
				layers[it.Layer] = true
			}
			if len(got) < c.atLeast || len(layers) < c.layers {
				t.Errorf("%d items in %d layers, want at least %d in %d: the zone misses the street", len(got), len(layers), c.atLeast, c.layers)
			}
			if len(got) != len(sel.Items) {
				t.Errorf("%d items for %d features: one is listed twice", len(sel.Items), len(got))
			}
			seen := 0
			for _, f := range all {
				d := math.Inf(1)
				// The gap between the boxes bounds the distance from below:
				// only features near the zone need measuring.
				if boxGap(zone.Bound(), f.l93.Bound()) <= reach+1 {
					d = bruteDistance(zone, zonePoints, f.l93)
				}
				it, listed := got[f.uuid]
				switch {
				case d <= reach-tolerance && !listed:
					t.Errorf("%s %s at %.2f m of the zone is not listed", f.layer, f.uuid, d)
				case d > reach+tolerance && listed:
					t.Errorf("%s %s at %.2f m of the zone is listed", f.layer, f.uuid, d)
				case listed && math.Abs(it.Distance-math.Max(0, d-c.zone.Width/2)) > tolerance:
					t.Errorf("%s %s: distance %.3f m, brute force %.3f m", f.layer, f.uuid, it.Distance, d-c.zone.Width/2)
				}
				if listed {
					seen++
				}
			}
			if seen != len(got) {
				t.Errorf("%d items, %d found by the scan", len(got), seen)
			}
			sum := 0
			for _, lc := range sel.Layers {
				sum += lc.Found
			}
			if sum != len(sel.Items) {
				t.Errorf("the layer counts add up to %d, not %d", sum, len(sel.Items))
			}
		})
	}
}

// projected is a feature of the brute force, in Lambert-93.
type projected struct {
	layer, uuid string
	l93         orb.Geometry
}

// allFeatures reads every feature of the network layers, without the
// R-tree, and projects it to Lambert-93.
func allFeatures(t *testing.T, ws *store.Workspace) []projected {
	var out []projected
	for _, l := range NetworkLayers(ws) {
		err := ws.Each(context.Background(), store.Query{Layer: l.Name()}, func(f store.Feature) bool {
			g, err := srs.Project(f.Geometry, srs.WGS84, srs.Lambert93)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, projected{l.Name(), f.UUID, g})
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// boxGap returns the distance between two boxes.
func boxGap(a, b orb.Bound) float64 {
	dx := math.Max(0, math.Max(a.Min[0]-b.Max[0], b.Min[0]-a.Max[0]))
	dy := math.Max(0, math.Max(a.Min[1]-b.Max[1], b.Min[1]-a.Max[1]))
	return math.Hypot(dx, dy)
}

// step is the sampling of the brute force, in metres.
const step = 0.08

// bruteDistance measures between two Lambert-93 geometries the slow way:
// each densified every step (zonePoints are the zone's), the smallest
// distance from a point of one to the other (0 when a point lies in a
// polygon of the other).
func bruteDistance(zone orb.Geometry, zonePoints []orb.Point, g orb.Geometry) float64 {
	d := math.Inf(1)
	for _, p := range densify(g) {
		if inPolygon(zone, p) {
			return 0
		}
		d = math.Min(d, planar.DistanceFrom(zone, p))
	}
	for _, p := range zonePoints {
		if inPolygon(g, p) {
			return 0
		}
		d = math.Min(d, planar.DistanceFrom(g, p))
	}
	return d
}

func inPolygon(g orb.Geometry, p orb.Point) bool {
	switch x := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(x, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(x, p)
	}
	return false
}

func densify(g orb.Geometry) []orb.Point {
	var out []orb.Point
	eachPoint(g, func(p orb.Point) { out = append(out, p) })
	eachLine(g, func(ls orb.LineString) {
		if len(ls) < 2 {
			out = append(out, ls...)
			return
		}
		out = append(out, resample.ToInterval(ls.Clone(), planar.Distance, step)...)
		out = append(out, ls[len(ls)-1])
	})
	return out
}

// TestSelectAttributes checks the columns read from the RAEPA and PEI
// fields, and the flag.
func TestSelectAttributes(t *testing.T) {
	ws := demoWorkspace(t)
	sel, err := Select(context.Background(), ws, alongStreet(), Options{Buffer: DefaultBuffer})
	if err != nil {
		t.Fatal(err)
	}
	byLayer := map[string][]Item{}
	for _, it := range sel.Items {
		byLayer[it.Layer] = append(byLayer[it.Layer], it)
		if it.Investigate != (it.Class == ClassC || it.Class == ClassUnknown) {
			t.Errorf("%s %s: class %q, investigate %v", it.Layer, it.ID, it.Class, it.Investigate)
		}
		if it.LayerTitle == "" || it.ID == "" || it.Geometry == nil || it.Properties == nil {
			t.Errorf("%s: an item lacks its title, identifier, geometry or properties: %+v", it.Layer, it)
		}
	}
	for _, it := range byLayer["canalaep"] {
		if it.Material == "" || it.Diameter <= 0 || it.Depth <= 0 || it.Operator == "" || it.Class == ClassUnknown {
			t.Errorf("canalaep %s: material %q, diameter %g, depth %g, operator %q, class %q", it.ID, it.Material, it.Diameter, it.Depth, it.Operator, it.Class)
		}
		if code, _ := it.Properties["materiau"].(string); code == "11" && it.Material != "Fonte ductile" {
			t.Errorf("canalaep %s: material code 11 reads %q, not its label", it.ID, it.Material)
		}
	}
	if len(byLayer["canalaep"]) == 0 || len(byLayer["canalass"]) == 0 || sel.Investigate() == 0 {
		t.Errorf("the trench should meet water and sewer pipes and features to investigate: %v", byLayer)
	}
	// Street lights stand above ground and the streets are the plan: the
	// report lists neither.
	if len(byLayer["eclairage"]) > 0 || len(byLayer["voies"]) > 0 {
		t.Errorf("the report lists street lights or streets as networks: %d, %d", len(byLayer["eclairage"]), len(byLayer["voies"]))
	}
}

func TestSelectErrors(t *testing.T) {
	ws := demoWorkspace(t)
	ctx := context.Background()
	paris := Zone{Geometry: orb.MultiPolygon{{{{2.35, 48.85}, {2.36, 48.85}, {2.36, 48.86}, {2.35, 48.85}}}}}
	for _, c := range []struct {
		name string
		zone Zone
		opts Options
		want error
	}{
		{"negative buffer", acrossStreet(), Options{Buffer: -1}, ErrNegativeBuffer},
		{"buffer not a number", acrossStreet(), Options{Buffer: math.NaN()}, ErrNegativeBuffer},
		{"line without width", Zone{Geometry: alongStreet().Geometry}, Options{Buffer: 5}, ErrNoWidth},
		{"line of negative width", Zone{Geometry: alongStreet().Geometry, Width: -2}, Options{}, ErrNoWidth},
		{"outside the data", paris, Options{Buffer: 5}, ErrZoneOutside},
		{"a point", Zone{Geometry: orb.Point{4.907, 46.567}}, Options{}, ErrZoneShape},
		{"no geometry", Zone{}, Options{}, ErrZoneEmpty},
		{"unknown layer", acrossStreet(), Options{Layers: []string{"gaz"}}, store.ErrLayerNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Select(ctx, ws, c.zone, c.opts); !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
		})
	}
}

// TestOutlines checks the outlines drawn against their exact areas: a
// square of 20 m with a margin of 5 m, and a straight trench.
func TestOutlines(t *testing.T) {
	square := orb.MultiPolygon{{{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}}}
	trench := orb.MultiLineString{{{0, 0}, {100, 0}}}
	for _, c := range []struct {
		name  string
		core  orb.Geometry
		reach float64
		area  float64
	}{
		{"square with 5 m", square, 5, 400 + 4*20*5 + math.Pi*25},
		{"trench 2 m wide", trench, 1, 100*2 + math.Pi},
		{"trench with 5 m", trench, 6, 100*12 + math.Pi*36},
	} {
		t.Run(c.name, func(t *testing.T) {
			rings, _ := contour(newShape(c.core), c.core.Bound(), c.reach)
			mp := assemble(rings)
			if len(mp) != 1 || len(mp[0]) != 1 {
				t.Fatalf("%d polygons, want one without holes", len(mp))
			}
			if a := planar.Area(mp); math.Abs(a-c.area)/c.area > 0.01 {
				t.Errorf("area %.1f m², want %.1f", a, c.area)
			}
			s := newShape(c.core)
			for _, p := range mp[0][0] {
				if d := s.signedDistance(p); math.Abs(d-c.reach) > c.reach/20 {
					t.Errorf("outline point %v at %.3f m of the zone, want %g", p, d, c.reach)
				}
			}
		})
	}
}

// TestDistance checks exact distances between simple shapes.
func TestDistance(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}
	for _, c := range []struct {
		name string
		a, b orb.Geometry
		want float64
	}{
		{"point inside", square, orb.Point{5, 5}, 0},
		{"point outside", square, orb.Point{13, 14}, 5},
		{"line through, no vertex inside", square, orb.LineString{{-5, 5}, {15, 5}}, 0},
		{"line beside", square, orb.LineString{{-5, 12}, {15, 12}}, 2},
		{"line touching a corner", square, orb.LineString{{10, 10}, {20, 20}}, 0},
		{"polygon around the zone", orb.Polygon{{{-1, -1}, {11, -1}, {11, 11}, {-1, 11}, {-1, -1}}}, square, 0},
		{"crossing lines", orb.LineString{{0, 0}, {10, 10}}, orb.LineString{{0, 10}, {10, 0}}, 0},
		{"parallel lines", orb.LineString{{0, 0}, {10, 0}}, orb.LineString{{2, 3}, {8, 3}}, 3},
		{"collinear apart", orb.LineString{{0, 0}, {1, 0}}, orb.LineString{{4, 0}, {9, 0}}, 3},
		{"point on point", orb.Point{1, 1}, orb.MultiPoint{{4, 5}, {1, 1}}, 0},
		{"hole", orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {8, 2}, {8, 8}, {2, 8}, {2, 2}}}, orb.Point{5, 5}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := distance(newShape(c.a), newShape(c.b)); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("distance = %g, want %g", got, c.want)
			}
			if got := distance(newShape(c.b), newShape(c.a)); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("distance the other way = %g, want %g", got, c.want)
			}
		})
	}
	if d := distance(newShape(nil), newShape(square)); !math.IsInf(d, 1) {
		t.Errorf("distance to nothing = %g, want +Inf", d)
	}
}
