package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// tournus is a point of the demo territory.
var tournus = orb.Point{4.909, 46.563}

// pipeAt is a canalaep line of about 150 m inside the i-th block east of
// the block of Tournus, inside one of its pieces, away from their edges.
func pipeAt(i int) orb.LineString {
	min, max := rectOf(orb.Bound{Min: tournus, Max: tournus})
	x0, y0, _, _ := blockRange(overviewPieceZoom, min, max)
	c := blockLonLat(overviewPieceZoom, x0+4*i+1, y0+1).Center()
	return orb.LineString{{c[0] - 0.001, c[1]}, {c[0], c[1] + 0.001}, {c[0] + 0.001, c[1]}}
}

// overviewKeys returns, for each key (its first value written with %v) of
// the layer's overview at a level around a bound, the number of lines and
// dots it holds.
func overviewKeys(t *testing.T, ws *Workspace, layer string, level int, b orb.Bound) map[string]int {
	t.Helper()
	r, err := ws.ReadOverview(context.Background(), OverviewQuery{Layer: layer, Level: level, Bound: b})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Registered || r.Dirty {
		t.Fatalf("overview of %s: registered %v, dirty %v", layer, r.Registered, r.Dirty)
	}
	out := map[string]int{}
	for _, blk := range r.Blocks {
		groups, err := DecodeOverview(blk.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			s, err := g.Shapes()
			if err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprint(g.Key[0])] += len(s.Lines) + len(s.Dots)
		}
	}
	return out
}

func TestOverviewFollowsEdits(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	var ids []string
	if err := ws.Edit(ctx, func(tx *Tx) error {
		for i, mat := range []string{"01", "01", "05"} {
			f, err := tx.Create("canalaep", Feature{Geometry: pipeAt(i), Properties: map[string]any{"materiau": mat, "diametre": int64(100)}})
			if err != nil {
				return err
			}
			ids = append(ids, f.UUID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := ws.SetOverviewFields(ctx, "canalaep", []string{"materiau", "nosuchfield"}); err != nil {
		t.Fatal(err)
	}
	if n, err := ws.OverviewDirty(ctx); err != nil || n == 0 {
		t.Fatalf("after SetOverviewFields, %d dirty blocks (%v), want some", n, err)
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		t.Fatal(err)
	}
	if fields, ok, err := ws.OverviewFields(ctx, "canalaep"); err != nil || !ok || len(fields) != 1 || fields[0] != "materiau" {
		t.Fatalf("fields %v %v %v, want [materiau]", fields, ok, err)
	}
	area := orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5.0, 46.6}}
	check := func(when string, want map[string]int) {
		t.Helper()
		for lv := OverviewMinLevel; lv <= OverviewMaxLevel; lv++ {
			got := overviewKeys(t, ws, "canalaep", lv, area)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, level %d: shapes by material %v, want %v", when, lv, got, want)
			}
		}
	}
	check("built", map[string]int{"01": 2, "05": 1})

	edit := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := ws.Edit(ctx, fn); err != nil {
			t.Fatal(err)
		}
		if n, _ := ws.OverviewDirty(ctx); n != 0 {
			t.Fatalf("an edit left %d dirty blocks", n)
		}
	}
	edit(func(tx *Tx) error {
		_, err := tx.Update("canalaep", ids[0], Change{Properties: map[string]any{"materiau": "05"}})
		return err
	})
	check("material changed", map[string]int{"01": 1, "05": 2})

	edit(func(tx *Tx) error {
		_, err := tx.Update("canalaep", ids[1], Change{Geometry: pipeAt(40), SetGeometry: true})
		return err
	})
	check("moved out", map[string]int{"05": 2})

	edit(func(tx *Tx) error { return tx.Delete("canalaep", ids[2]) })
	check("deleted", map[string]int{"05": 1})
}

func TestOverviewAfterLargeBatch(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	if err := ws.SetOverviewFields(ctx, "canalaep", []string{"materiau"}); err != nil {
		t.Fatal(err)
	}
	// Pipes spread over more blocks than a transaction rebuilds itself.
	var batch []RemoteFeature
	for i := range 3 * overviewInline {
		batch = append(batch, RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Version: 1,
			Geometry: pipeAt(i), Properties: map[string]any{"materiau": "01"}})
	}
	if err := ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.ApplyRemoteBatch("canalaep", batch)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	area := orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{8, 46.6}}
	r, err := ws.ReadOverview(ctx, OverviewQuery{Layer: "canalaep", Level: 12, Bound: area})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Dirty {
		t.Fatal("a large batch left the overview clean without rebuilding it: the map would draw it stale")
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		t.Fatal(err)
	}
	for lv := OverviewMinLevel; lv <= OverviewMaxLevel; lv++ {
		got := overviewKeys(t, ws, "canalaep", lv, area)
		if got["01"] < len(batch) {
			t.Errorf("level %d: %d shapes of material 01, want at least %d (one per pipe; a pipe across blocks counts in each)", lv, got["01"], len(batch))
		}
	}
}

func TestDecodeOverviewRejectsDamage(t *testing.T) {
	good := encodeOverviewBlock([][]byte{appendOverviewKey(nil, []any{"01", int64(3), 2.5, true, nil})},
		[]*OverviewShapes{{Lines: [][]OverviewPoint{{{1, 2}, {3, 4}}}, Points: []OverviewPoint{{5, 6}}, Dots: []OverviewPoint{{7, 8}}}})
	groups, err := DecodeOverview(good)
	if err != nil || len(groups) != 1 || fmt.Sprint(groups[0].Key) != "[01 3 2.5 true <nil>]" {
		t.Fatalf("good block: %v %v", groups, err)
	}
	if s, err := groups[0].Shapes(); err != nil || fmt.Sprint(s) != "{[[{1 2} {3 4}]] [] [{5 6}] [{7 8}]}" {
		t.Fatalf("good block's shapes: %v %v", s, err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"other version", append([]byte{9}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing", append(append([]byte{}, good...), 0)},
		{"huge count", []byte{overviewVersion, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups, err := DecodeOverview(tc.data)
			if err == nil {
				for _, g := range groups {
					if _, err = g.Shapes(); err != nil {
						break
					}
				}
			}
			if !errors.Is(err, ErrBadOverview) {
				t.Fatalf("err %v, want ErrBadOverview", err)
			}
		})
	}
}

func FuzzDecodeOverview(f *testing.F) {
	f.Add(encodeOverviewBlock([][]byte{appendOverviewKey(nil, []any{"01", int64(-3), 2.5, false})},
		[]*OverviewShapes{{Lines: [][]OverviewPoint{{{1, 2}, {3, 4}}}, Polygons: [][][]OverviewPoint{{{{0, 0}, {4, 0}, {4, 4}, {0, 0}}}}, Points: []OverviewPoint{{5, 6}}}}))
	f.Add([]byte{overviewVersion, 1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := DecodeOverview(data)
		if err != nil {
			if !errors.Is(err, ErrBadOverview) {
				t.Fatalf("error %v is not ErrBadOverview", err)
			}
			return
		}
		for _, g := range groups {
			if _, err := g.Shapes(); err != nil && !errors.Is(err, ErrBadOverview) {
				t.Fatalf("error %v is not ErrBadOverview", err)
			}
		}
	})
}

func TestOverviewDamagedPiece(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	// Two pipes in two pieces of one block.
	min, max := rectOf(orb.Bound{Min: tournus, Max: tournus})
	bx, by, _, _ := blockRange(overviewBlockZoom, min, max)
	pipe := func(px, py int) orb.LineString {
		c := blockLonLat(overviewPieceZoom, px, py).Center()
		return orb.LineString{{c[0] - 0.001, c[1]}, {c[0] + 0.001, c[1]}}
	}
	var id string
	if err := ws.Edit(ctx, func(tx *Tx) error {
		f, err := tx.Create("canalaep", Feature{Geometry: pipe(4*bx+1, 4*by+1), Properties: map[string]any{"materiau": "01"}})
		id = f.UUID
		if err == nil {
			_, err = tx.Create("canalaep", Feature{Geometry: pipe(4*bx+2, 4*by+2), Properties: map[string]any{"materiau": "01"}})
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := ws.SetOverviewFields(ctx, "canalaep", []string{"materiau"}); err != nil {
		t.Fatal(err)
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.db.Exec(`UPDATE tm_overview_piece SET data = x'01ff7f'`); err != nil {
		t.Fatal(err)
	}
	// An edit whose block holds damaged pieces is saved all the same; the
	// damaged pieces wait for their rebuild, the map drawing the features.
	if err := ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("canalaep", id, Change{Properties: map[string]any{"materiau": "05"}})
		return err
	}); err != nil {
		t.Fatalf("an edit over a damaged overview: %v", err)
	}
	area := orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5.0, 46.6}}
	if r, err := ws.ReadOverview(ctx, OverviewQuery{Layer: "canalaep", Level: 12, Bound: area}); err != nil || !r.Dirty {
		t.Fatalf("damaged pieces not marked dirty: %+v %v", r, err)
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		t.Fatal(err)
	}
	if got := overviewKeys(t, ws, "canalaep", 12, area); fmt.Sprint(got) != "map[01:1 05:1]" {
		t.Errorf("after the rebuild: %v, want map[01:1 05:1]", got)
	}
}
