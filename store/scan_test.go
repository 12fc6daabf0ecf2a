package store

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/paulmach/orb"
)

// TestScanAndCountBy writes a few hydrants and reads them back through
// Scan (all of them, within a bound, without geometry, a field the layer
// lacks) and CountBy.
func TestScanAndCountBy(t *testing.T) {
	ws := newWorkspace(t)
	ctx := context.Background()
	in := []struct {
		at   orb.Point
		typ  string
		nom  any
		nbCt int64
	}{{orb.Point{4.90, 46.56}, "PI", "Place", 2}, {orb.Point{4.91, 46.57}, "PI", nil, 0}, {orb.Point{5.20, 46.80}, "BI", "Loin", 1}}
	uuids := map[string]bool{}
	err := ws.Edit(ctx, func(tx *Tx) error {
		for _, h := range in {
			props := map[string]any{"type_pei": h.typ, "nb_ct": h.nbCt}
			if h.nom != nil {
				props["nom"] = h.nom
			}
			f, err := tx.Create("pei", Feature{Geometry: h.at, Properties: props})
			if err != nil {
				return err
			}
			uuids[f.UUID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	err = ws.Scan(ctx, ScanQuery{Layer: "pei", Fields: []string{"type_pei", "nb_ct", "absent"}}, func(r Row) bool {
		rows = append(rows, r)
		return true
	})
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if !uuids[r.UUID] || r.Geometry == nil || r.Values[2] != nil {
			t.Errorf("row %+v", r)
		}
		if _, ok := r.Values[1].(int64); !ok {
			t.Errorf("nb_ct is %T", r.Values[1])
		}
	}
	near := orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5.0, 46.6}}
	n := 0
	err = ws.Scan(ctx, ScanQuery{Layer: "pei", Fields: []string{"type_pei"}, Bound: &near, NoGeometry: true}, func(r Row) bool {
		n++
		if r.Geometry != nil || r.Values[0] != "PI" {
			t.Errorf("row within the bound: %+v", r)
		}
		return true
	})
	if err != nil || n != 2 {
		t.Errorf("%d rows within the bound, %v", n, err)
	}
	all, named, err := ws.CountBy(ctx, "pei", "type_pei", "nom")
	if err != nil || !maps.Equal(all, map[string]int{"PI": 2, "BI": 1}) || !maps.Equal(named, map[string]int{"PI": 1, "BI": 1}) {
		t.Errorf("CountBy: %v, %v, %v", all, named, err)
	}
	if all, _, err := ws.CountBy(ctx, "pei", "absent", ""); err != nil || !maps.Equal(all, map[string]int{"": 3}) {
		t.Errorf("CountBy of a field the layer lacks: %v, %v", all, err)
	}
	if err := ws.Scan(ctx, ScanQuery{Layer: "nothing"}, func(Row) bool { return true }); !errors.Is(err, ErrLayerNotFound) {
		t.Errorf("Scan of no layer: %v", err)
	}
}
