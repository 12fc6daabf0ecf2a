package icgp

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/srs"
	"terrimap/sync/server/demo"
)

// Lambert-93 corner of the test commune, near Tournus; it is 10 km square.
var corner = orb.Point{840000, 6600000}

// testNet builds a workspace holding one square commune "99001" and the
// networks a test asks for, in Lambert-93 metres turned to WGS84.
type testNet struct {
	t        *testing.T
	ws       *store.Workspace
	toLL     func(orb.Point) orb.Point
	row      float64 // next free line, metres north of the corner
	count    int
	features int
}

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	keep := []string{demo.LayerCommunes, demo.LayerCanalAEP, demo.LayerApparAEP, demo.LayerOuvrAEP, demo.LayerCanalAss,
		demo.LayerOuvrAss, demo.LayerInterventions, demo.LayerICGPDeclarations}
	for _, l := range demo.Layers() {
		if slices.Contains(keep, l.Name) {
			if _, err := ws.CreateLayer(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	tr, err := srs.Transformer(srs.Lambert93, srs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	n := &testNet{t: t, ws: ws, toLL: tr, row: 100}
	c := corner
	ring := orb.Ring{c, {c[0] + 10000, c[1]}, {c[0] + 10000, c[1] + 10000}, {c[0], c[1] + 10000}, c}
	n.add(demo.LayerCommunes, orb.Polygon{ring}, map[string]any{"insee": "99001", "nom_officiel": "Essai"})
	return n
}

// add writes a feature given in Lambert-93.
func (n *testNet) add(layer string, g orb.Geometry, props map[string]any) store.Feature {
	n.t.Helper()
	ll, err := srs.Project(g, srs.Lambert93, srs.WGS84)
	if err != nil {
		n.t.Fatal(err)
	}
	if layer == demo.LayerCommunes {
		ll = orb.MultiPolygon{ll.(orb.Polygon)}
	}
	n.features++
	rf := store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n.features), Version: 1, Geometry: ll, Properties: props}
	err = n.ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch(layer, []store.RemoteFeature{rf})
		return err
	})
	if err != nil {
		n.t.Fatalf("%s: %v", layer, err)
	}
	return store.Feature{UUID: rf.UUID}
}

// pipe adds a straight tronçon of the given length (metres, Lambert-93),
// with material and diameter, laying date and altimetry known or not.
func (n *testNet) pipe(layer string, length float64, matDiam, dated, alt bool) store.Feature {
	n.t.Helper()
	y := corner[1] + n.row
	x := corner[0] + 100
	n.row += 10
	if n.row > 9900 {
		n.t.Fatal("test commune full")
	}
	n.count++
	props := map[string]any{"idcana": fmt.Sprintf("T%04d", n.count), "branchemnt": "N", "materiau": "00"}
	if matDiam {
		props["materiau"], props["diametre"] = "11", int64(100)
	}
	if dated {
		props["andebpose"], props["anfinpose"] = int64(1990), int64(1990)
	}
	if alt {
		props["zamont"], props["zaval"] = 180.0, 179.0
	}
	return n.add(layer, orb.LineString{{x, y}, {x + length, y}}, props)
}

// plan adds what the plan's 10 computed points need: a structure.
func (n *testNet) plan(service string) {
	n.t.Helper()
	at := orb.Point{corner[0] + 9000, corner[1] + 9000}
	if service == Water {
		n.add(demo.LayerOuvrAEP, at, map[string]any{"idouvrage": "R1", "fnouvaep": "03"})
		return
	}
	n.add(demo.LayerOuvrAss, at, map[string]any{"idouvrage": "P1", "fnouvass": "01", "libelle": "Poste 1"})
}

// declare declares an item of the commune.
func (n *testNet) declare(service, item string, value bool) {
	n.t.Helper()
	if err := Declare(context.Background(), n.ws, Declaration{INSEE: "99001", Service: service, Item: item, Value: value, Year: 2026, By: "test"}); err != nil {
		n.t.Fatal(err)
	}
}

func (n *testNet) compute() *Report {
	n.t.Helper()
	rep, err := Compute(context.Background(), n.ws, Options{INSEE: "99001", Year: 2026})
	if err != nil {
		n.t.Fatal(err)
	}
	return rep
}

func item(t *testing.T, s *Score, code string) Item {
	t.Helper()
	for _, it := range s.Items {
		if it.Code == code {
			return it
		}
	}
	t.Fatalf("%s has no item %s", s.Indicator, code)
	return Item{}
}
