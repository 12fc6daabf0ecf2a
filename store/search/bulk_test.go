package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
)

// hydrants is a dataset of n hydrants of the pei layer, half in Tournus
// (by their INSEE code), half in Lacrost (by where they lie).
func hydrants(n int) *formats.Dataset {
	ds := &formats.Dataset{Name: "pei", SRS: store.SRSWGS84, Fields: []formats.Field{
		{Name: "insee", Type: schema.Text}, {Name: "id_sdis", Type: schema.Text}, {Name: "type_pei", Type: schema.Text}}}
	for i := range n {
		f := formats.Feature{Geometry: orb.Point{4.95 + float64(i%100)/10_000, 46.565 + float64(i/100)/100_000},
			Properties: map[string]any{"id_sdis": fmt.Sprintf("PI-B-%06d", i), "type_pei": "PI"}}
		if i%2 == 0 {
			f.Properties["insee"] = "71543"
		}
		ds.Features = append(ds.Features, f)
	}
	return ds
}

// An import of many features (a bulk load, whose text is indexed as its
// rows are written rather than read back one by one) is found as the
// same features created one by one.
func TestSearchFindsABulkImportAsFeaturesCreatedOneByOne(t *testing.T) {
	ctx := context.Background()
	ds := hydrants(1000)
	bulk, single := smallWorkspace(t), smallWorkspace(t)
	if _, err := bulk.Import(ctx, ds, store.ImportOptions{Layer: "pei"}); err != nil {
		t.Fatal(err)
	}
	err := single.Edit(ctx, func(tx *store.Tx) error {
		for _, f := range ds.Features {
			if _, err := tx.Create("pei", store.Feature{Geometry: f.Geometry, Properties: f.Properties}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PI-B-000777", "pi-b-00077", "poteau tournus", "poteau lacrost", "71543-012", "mairie"} {
		var got [2][]string
		var total [2]int
		for i, ws := range []*store.Workspace{bulk, single} {
			f, err := New(ws).Search(ctx, Query{Text: q, Limit: 2000})
			if err != nil {
				t.Fatal(err)
			}
			if f.Partial {
				t.Errorf("%q: partial index", q)
			}
			got[i], total[i] = names(f), f.Total
			slices.Sort(got[i])
		}
		if total[0] == 0 || total[0] != total[1] || !slices.Equal(got[0], got[1]) {
			t.Errorf("%q: the import finds %d %v, the features created one by one %d %v", q, total[0], head(got[0]), total[1], head(got[1]))
		}
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// An import larger than a transaction indexes leaves its text to
// BuildSearchText (searches say the index is partial meanwhile), from its
// first row: the features there before stay found, and once it is built
// every imported feature is.
func TestSearchFindsALargeImportOnceBuilt(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	ix := New(ws)
	if _, err := ws.Import(ctx, hydrants(25_000), store.ImportOptions{Layer: "pei"}); err != nil {
		t.Fatal(err)
	}
	f, err := ix.Search(ctx, Query{Text: "PI-71543-012"})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Partial || !slices.Equal(names(f), []string{"PI-71543-012 @Tournus"}) {
		t.Errorf("before the build: partial %v, %v (want partial, the hydrant there before)", f.Partial, names(f))
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f, err = ix.Search(ctx, Query{Text: "PI-B-024999"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Partial || !slices.Equal(names(f), []string{"PI-B-024999 @Lacrost"}) {
		t.Errorf("once built: partial %v, %v", f.Partial, names(f))
	}
	if f, _ := ix.Search(ctx, Query{Text: "poteau tournus"}); f.Total != 12_501 {
		t.Errorf("once built: %d hydrants in Tournus, want 12501", f.Total)
	}
}
