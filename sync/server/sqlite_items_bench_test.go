package server

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// BenchmarkQueryItemsPage: a page of 10 features far into a layer of
// 5,000, without filters — what GDAL 3.6 asks hundreds of times when it
// copies a layer (it pages by 10).
func BenchmarkQueryItemsPage(b *testing.B) {
	ctx := context.Background()
	st, err := OpenSQLite(filepath.Join(b.TempDir(), "platform.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.PutLayer(ctx, LayerRecord{Schema: ogcPEI}); err != nil {
		b.Fatal(err)
	}
	fs := make([]store.RemoteFeature, 5000)
	for i := range fs {
		fs[i] = store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			Geometry:   orb.Point{4.9 + float64(i%100)*0.001, 46.55 + float64(i/100)*0.001},
			Properties: map[string]any{"type_pei": "PI", "debit": int64(60), "press_dyn": 1.5, "disponible": true, "date_ct": "2024-05-01"}}
	}
	if err := st.SeedFeatures(ctx, ogcPEI.Name, "import", fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		page, matched, err := st.QueryItems(ctx, ogcPEI.Name, ItemsQuery{Limit: 10, Offset: 4000})
		if err != nil || len(page) != 10 || matched != len(fs) {
			b.Fatalf("%d features of %d: %v", len(page), matched, err)
		}
	}
}
