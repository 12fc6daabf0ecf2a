package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// Pages of new features applied in ONE transaction (the platform's seed of
// a large file, batch by batch) pack the R*Tree while a page is as large
// as what the layer holds with the transaction's own pages, and leave it
// behind afterwards — as pages in transactions of their own do: a pack per
// page, each rewriting every page before it, cost the square of the file.
func TestRTreePagesInOneTransactionPackOnce(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	const pages, size = 4, 300
	if err := ws.Edit(ctx, func(tx *Tx) error { return applyPages(tx, pages, size) }); err != nil {
		t.Fatal(err)
	}
	v, err := ws.Meta(ctx, metaRTreeBehind+"canalaep")
	if err != nil {
		t.Fatal(err)
	}
	if v == "" {
		t.Fatal("every page of the transaction packed the R*Tree again: the later ones should leave it behind")
	}
	checkWindows(t, ws, "canalaep")
	if err := ws.CatchUpRTrees(ctx); err != nil {
		t.Fatal(err)
	}
	checkRTree(t, ws, "canalaep", pages*size)
}

// applyPages applies pages of size new line features to canalaep.
func applyPages(tx *Tx, pages, size int) error {
	for p := range pages {
		var batch []RemoteFeature
		for i := p * size; i < (p+1)*size; i++ {
			x := 4.8 + float64(i)*1e-5
			batch = append(batch, RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Version: 1,
				Geometry: orb.LineString{{x, 46.5}, {x + 0.001, 46.502}}})
		}
		if _, err := tx.ApplyRemoteBatch("canalaep", batch); err != nil {
			return err
		}
	}
	return nil
}

// A transaction that asks for its layer's tree to be read again after
// the commit holds no index operation per row, and the tree read again
// holds every row.
func TestReloadIndexAfterHoldsNothingPerRow(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	if n := ws.Index().Len("canalaep"); n != 0 {
		t.Fatalf("a new layer's tree holds %d features", n)
	}
	err := ws.Edit(ctx, func(tx *Tx) error {
		tx.ReloadIndexAfter("CanalAEP")
		if err := applyPages(tx, 4, 300); err != nil {
			return err
		}
		if len(tx.indexOps) != 0 {
			t.Errorf("the transaction holds %d index operations", len(tx.indexOps))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := ws.Index().Len("canalaep"); n != 1200 {
		t.Fatalf("the tree read again holds %d features, want 1200", n)
	}
	checkWindows(t, ws, "canalaep")
}
