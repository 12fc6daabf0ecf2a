package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/paulmach/orb"
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
	for _, part := range [][]RemoteFeature{batch[:3000], batch[3000:]} { // the second rebuilds over the first
		if err := ws.Edit(ctx, func(tx *Tx) error {
			_, err := tx.ApplyRemoteBatch("canalaep", part)
			return err
		}); err != nil {
			t.Fatal(err)
		}
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
		if fmt.Sprint(brute) != fmt.Sprint(ids) {
			t.Fatalf("window %v: rtree found %d, brute force %d", w, len(ids), len(brute))
		}
		if c := countIndex(ws, layer, w); c < len(brute) {
			t.Fatalf("window %v: in-memory index found %d, brute force %d", w, c, len(brute))
		}
	}
}
