package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
)

// A bulk-loaded R*Tree is one SQLite's rtree module accepts as its own:
// rtreecheck passes, window queries agree with a brute-force scan, and
// later edits through the triggers keep it so.
func TestBulkLoadedRTreeIsSound(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	rng := rand.New(rand.NewPCG(11, 12))
	var batch []RemoteFeature
	want := map[int]orb.Bound{}
	for i := 0; i < 5000; i++ {
		p := orb.Point{4.74 + rng.Float64()*0.25, 46.4 + rng.Float64()*0.2}
		ls := orb.LineString{p, {p[0] + rng.Float64()*0.003, p[1] + rng.Float64()*0.003}}
		batch = append(batch, RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Version: 1, Geometry: ls})
		want[i] = ls.Bound()
	}
	for _, part := range [][]RemoteFeature{batch[:3000], batch[3000:]} { // the second leaves it behind
		if err := ws.Edit(ctx, func(tx *Tx) error {
			_, err := tx.ApplyRemoteBatch("canalaep", part)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.CatchUpRTrees(ctx); err != nil {
		t.Fatal(err)
	}
	checkRTree(t, ws, "canalaep", 5000)
	// Edits through the triggers on the packed tree.
	err := ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 500; i++ {
			id := batch[rng.IntN(len(batch))].UUID
			if err := tx.Delete("canalaep", id); err != nil && i == 0 {
				return err
			}
			if _, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{4.8, 46.5}, {4.81, 46.51 + float64(i)*1e-5}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	ws.DB().QueryRow(`SELECT count(*) FROM canalaep`).Scan(&n)
	checkRTree(t, ws, "canalaep", n)
}

// A download's later pages leave the R*Tree behind: the workspace's own
// queries stay right meanwhile, CatchUpRTrees brings the tree up to date,
// and a tree left behind by a crash is rebuilt when the file is opened.
func TestRTreeBehindCatchesUp(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	path := ws.Path()
	rng := rand.New(rand.NewPCG(21, 22))
	page := func(from, n int) {
		var batch []RemoteFeature
		for i := from; i < from+n; i++ {
			p := orb.Point{4.74 + rng.Float64()*0.25, 46.4 + rng.Float64()*0.2}
			batch = append(batch, RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Version: 1,
				Geometry: orb.LineString{p, {p[0] + 0.001, p[1] + 0.002}}})
		}
		if err := ws.Edit(ctx, func(tx *Tx) error {
			_, err := tx.ApplyRemoteBatch("canalaep", batch)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	marked := func(ws *Workspace) bool {
		v, err := ws.Meta(ctx, metaRTreeBehind+"canalaep")
		if err != nil {
			t.Fatal(err)
		}
		return v != ""
	}
	page(0, 3000) // an empty layer: packed at once
	if marked(ws) {
		t.Fatal("the first page left the tree behind")
	}
	page(3000, 2000)
	if !marked(ws) {
		t.Fatal("the second page kept the tree current: it should leave it behind")
	}
	checkWindows(t, ws, "canalaep") // right through the in-memory index
	if err := ws.CatchUpRTrees(ctx); err != nil {
		t.Fatal(err)
	}
	if marked(ws) {
		t.Fatal("caught up, the layer is still marked")
	}
	checkRTree(t, ws, "canalaep", 5000)

	// A crash after a page: the file is closed without catching up.
	page(5000, 1000)
	if err := ws.DB().Close(); err != nil {
		t.Fatal(err)
	}
	ws, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if marked(ws) {
		t.Fatal("opening did not catch the tree up")
	}
	if n := ws.Index().Len("canalaep"); n != 6000 {
		t.Fatalf("the in-memory index holds %d features after the crash, want 6000", n)
	}
	checkRTree(t, ws, "canalaep", 6000)
}

func checkRTree(t *testing.T, ws *Workspace, layer string, count int) {
	t.Helper()
	ctx := context.Background()
	var verdict string
	if err := ws.DB().QueryRowContext(ctx, fmt.Sprintf("SELECT rtreecheck('rtree_%s_geom')", layer)).Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("rtreecheck: %q %v", verdict, err)
	}
	var n int
	ws.DB().QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM rtree_%s_geom", layer)).Scan(&n)
	if n != count {
		t.Fatalf("rtree holds %d entries, want %d", n, count)
	}
	checkWindows(t, ws, layer)
}

// checkWindows checks that window queries find what a brute-force scan finds.
func checkWindows(t *testing.T, ws *Workspace, layer string) {
	t.Helper()
	ctx := context.Background()
	all, _ := ws.Query(ctx, Query{Layer: layer})
	rng := rand.New(rand.NewPCG(13, 14))
	for k := 0; k < 50; k++ {
		x, y := 4.74+rng.Float64()*0.23, 46.4+rng.Float64()*0.18
		w := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + 0.02, y + 0.02}}
		var brute []string
		for _, f := range all {
			if f.Geometry.Bound().Intersects(w) {
				brute = append(brute, f.UUID)
			}
		}
		got, err := ws.Query(ctx, Query{Layer: layer, Bound: &w})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range got {
			ids = append(ids, f.UUID)
		}
		sort.Strings(brute)
		sort.Strings(ids)
		// Boxes are float32 rounded outward: a feature a float32 step away
		// from the window may be found too, never one farther, and none missed.
		extra := 0
		for _, f := range got {
			if !f.Geometry.Bound().Intersects(w) {
				if !f.Geometry.Bound().Pad(1e-5).Intersects(w) {
					t.Fatalf("window %v: found %s at %v, outside", w, f.UUID, f.Geometry.Bound())
				}
				extra++
			}
		}
		if len(ids)-extra != len(brute) {
			t.Fatalf("window %v: rtree found %d (%d just outside), brute force %d", w, len(ids), extra, len(brute))
		}
		if c := countIndex(ws, layer, w); c < len(brute) {
			t.Fatalf("window %v: in-memory index found %d, brute force %d", w, c, len(brute))
		}
	}
}

// A large import packs the R*Tree once; a small one into a large layer
// (a surveyor's plan into a network) goes through its triggers. Either
// way the tree holds every feature.
func TestImportKeepsTheRTreeWhateverItsSize(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	dataset := func(n int, x float64) *formats.Dataset {
		ds := &formats.Dataset{Name: "canalaep", SRS: SRSWGS84}
		for i := range n {
			p := orb.Point{x + float64(i)*1e-5, 46.5}
			ds.Features = append(ds.Features, formats.Feature{Geometry: orb.LineString{p, {p[0] + 1e-4, p[1] + 1e-4}}})
		}
		return ds
	}
	for _, c := range []struct {
		n    int
		pack bool
	}{{3000, true}, {5, false}, {300, false}} {
		err := ws.Edit(ctx, func(tx *Tx) error {
			l, err := tx.layer("canalaep")
			if err != nil {
				return err
			}
			if got := tx.packsRTree(l, c.n); got != c.pack {
				t.Errorf("%d features into %d: packs %v, want %v", c.n, ws.Index().Len("canalaep"), got, c.pack)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ws.Import(ctx, dataset(c.n, 4.8), ImportOptions{Layer: "canalaep"}); err != nil {
			t.Fatal(err)
		}
	}
	checkRTree(t, ws, "canalaep", 3305)
}

// BenchmarkRebuildRTree100k packs a layer's R*Tree with 100,000 point
// boxes in fid order, as an import's end does (bulkLoad.finish), in a
// transaction rolled back after each pack.
func BenchmarkRebuildRTree100k(b *testing.B) {
	ws := newWorkspace(b)
	rng := rand.New(rand.NewPCG(18, 2))
	boxes := make([]rtreeRow, 100_000)
	for i := range boxes {
		p := orb.Point{benchBound.Min[0] + rng.Float64()*0.24, benchBound.Min[1] + rng.Float64()*0.19}
		min, max := rectOf(p.Bound())
		boxes[i] = rtreeRow{fid: int64(i + 1), min: min, max: max}
	}
	rows := make([]rtreeRow, len(boxes))
	errRollBack := fmt.Errorf("roll back")
	b.ReportAllocs()
	for b.Loop() {
		copy(rows, boxes)
		err := ws.Edit(context.Background(), func(tx *Tx) error {
			l, err := tx.layer("pei")
			if err != nil {
				return err
			}
			if err := tx.rebuildRTree(l, rows); err != nil {
				return err
			}
			return errRollBack
		})
		if err != errRollBack {
			b.Fatal(err)
		}
	}
}

// A packed R*Tree is sound and finds what a scan of its boxes finds
// whatever its ids: consecutive (an import's), sparse (a layer after many
// deletions: the links are sorted rather than tabled), one alone; an id
// twice is refused, as the rtree module refuses it.
func TestRebuildRTreeIDs(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		id      func(i int) int64
		refused bool
	}{
		{name: "consecutive", n: 3000, id: func(i int) int64 { return int64(1000 + i) }},
		{name: "with holes", n: 3000, id: func(i int) int64 { return int64(1 + i + i/3) }},
		{name: "sparse", n: 3000, id: func(i int) int64 { return int64(1 + 7*i) }},
		{name: "one", n: 1, id: func(int) int64 { return 42 }},
		{name: "an id twice, dense", n: 3000, id: func(i int) int64 { return int64(1 + min(i, 2998)) }, refused: true},
		{name: "an id twice, sparse", n: 3000, id: func(i int) int64 { return int64(1 + 7*min(i, 2998)) }, refused: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := newWorkspace(t)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(5, 6))
			rows := make([]rtreeRow, c.n)
			for i := range rows {
				x, y := 4.74+rng.Float64()*0.24, 46.4+rng.Float64()*0.19
				min, max := rectOf(orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + rng.Float64()*0.002, y + rng.Float64()*0.002}})
				rows[i] = rtreeRow{fid: c.id(i), min: min, max: max}
			}
			boxes := slices.Clone(rows)
			err := ws.Edit(ctx, func(tx *Tx) error {
				l, err := tx.layer("pei")
				if err != nil {
					return err
				}
				return tx.rebuildRTree(l, rows)
			})
			if c.refused {
				if err == nil || !strings.Contains(err.Error(), "UNIQUE constraint failed") {
					t.Fatalf("an id twice: %v, want a UNIQUE constraint failed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var verdict string
			if err := ws.DB().QueryRowContext(ctx, "SELECT rtreecheck('rtree_pei_geom')").Scan(&verdict); err != nil || verdict != "ok" {
				t.Fatalf("rtreecheck: %q %v", verdict, err)
			}
			for k := 0; k < 50; k++ {
				x, y := float32(4.74+rng.Float64()*0.23), float32(46.4+rng.Float64()*0.18)
				w := [4]float32{x, x + 0.02, y, y + 0.02}
				var want []int64
				for _, b := range boxes {
					if b.min[0] <= w[1] && b.max[0] >= w[0] && b.min[1] <= w[3] && b.max[1] >= w[2] {
						want = append(want, b.fid)
					}
				}
				got := []int64{}
				rs, err := ws.DB().QueryContext(ctx, "SELECT id FROM rtree_pei_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? ORDER BY id", w[1], w[0], w[3], w[2])
				if err != nil {
					t.Fatal(err)
				}
				for rs.Next() {
					var id int64
					if err := rs.Scan(&id); err != nil {
						t.Fatal(err)
					}
					got = append(got, id)
				}
				rs.Close()
				slices.Sort(want)
				if !slices.Equal(got, append([]int64{}, want...)) {
					t.Fatalf("window %v: %d ids, want %d", w, len(got), len(want))
				}
			}
		})
	}
}

// sortHilbert puts the rows in the order of their centres on the Hilbert
// curve, ties in their first order, as a stable sort of a copy would:
// whatever the permutation's cycles (none, one, many).
func TestSortHilbertAsAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, n := range []int{0, 1, 2, 3, 17, 1000, 4099} {
		rows := make([]rtreeRow, n)
		for i := range rows {
			x, y := float32(4.8+rng.Float64()*0.3), float32(46.4+rng.Float64()*0.2)
			if i%7 == 3 && i > 0 {
				x, y = rows[i-1].min[0], rows[i-1].min[1] // a tie
			}
			rows[i] = rtreeRow{fid: int64(i + 1), min: [2]float32{x, y}, max: [2]float32{x, y}}
		}
		want := slices.Clone(rows)
		if len(want) > 1 {
			mn, mx := cover(want)
			ext := orb.Bound{Min: orb.Point{float64(mn[0]), float64(mn[1])}, Max: orb.Point{float64(mx[0]), float64(mx[1])}}
			key := func(r rtreeRow) uint64 {
				return hilbert((float64(r.min[0])+float64(r.max[0]))/2, (float64(r.min[1])+float64(r.max[1]))/2, ext)
			}
			sort.SliceStable(want, func(i, j int) bool { return key(want[i]) < key(want[j]) })
		}
		sortHilbert(rows)
		if !slices.Equal(rows, want) {
			t.Errorf("%d rows: sortHilbert's order differs from a stable sort's", n)
		}
	}
}
