package integration

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
)

// An import large enough to be a bulk load (its rows recorded as ranges,
// its R*Tree packed once, its text indexed apart) is journaled feature by
// feature: the next sync sends every feature exactly — values, kinds,
// geometry — and another desk reads them so, found by the box of the map.
func TestABulkImportIsPushedExactly(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		const n = 1500
		ds := &formats.Dataset{Name: "pei", SRS: store.SRSWGS84, Fields: []formats.Field{
			{Name: "numero", Type: schema.Text}, {Name: "type_pei", Type: schema.Text}, {Name: "debit", Type: schema.Real},
			{Name: "disponible", Type: schema.Boolean}, {Name: "date_ct", Type: schema.Date}}}
		want := map[string]formats.Feature{}
		for i := range n {
			f := formats.Feature{Geometry: orb.Point{4.90 + float64(i%50)/1000, 46.55 + float64(i/50)/1000},
				Properties: map[string]any{"numero": fmt.Sprintf("B-%05d", i), "type_pei": []string{"PI", "BI"}[i%2],
					"debit": 30 + float64(i)/7, "disponible": i%3 == 0, "date_ct": fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28)}}
			if i%10 == 0 {
				delete(f.Properties, "debit") // no value
			}
			ds.Features = append(ds.Features, f)
			want[f.Properties["numero"].(string)] = f
		}
		editor := p.newDesk("tournus")
		rep, err := editor.ws.Import(ctx, ds, store.ImportOptions{Layer: "pei"})
		if err != nil || rep.Features != n {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if got := editor.pending()[store.StatePending]; got != n {
			t.Fatalf("journal after the import: %d pending, want %d", got, n)
		}
		// The preview counts the import's creations, still a range of
		// rows in the journal, and changes nothing: a reader that cannot
		// write still finds them to be written out.
		preview, err := editor.c.Preview(ctx)
		if err != nil || preview.ToSend["pei"]["create"] != n || len(preview.ToSend) != 1 {
			t.Fatalf("preview after the import: %v, %v", preview.ToSend, err)
		}
		ro, err := store.Open(editor.ws.Path(), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ro.Journal(ctx, 0); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("a read-only reader of the journal after the preview: %v, want ErrReadOnly (the creations still in a range)", err)
		}
		ro.Close()
		if sum := editor.sync(); sum.Push.Applied != n {
			t.Fatalf("sync after the import: %+v", sum.Push)
		}
		if got := editor.pending(); len(got) != 0 {
			t.Errorf("journal after the sync: %v", got)
		}

		viewer := p.newDesk("elu")
		b := orb.Bound{Min: orb.Point{4.89, 46.54}, Max: orb.Point{4.96, 46.59}}
		got, err := viewer.ws.Query(ctx, store.Query{Layer: "pei", Bound: &b})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("another desk reads %d features in the box, want %d", len(got), n)
		}
		if l := viewer.ws.Index().Len("pei"); l != n {
			t.Errorf("another desk's index holds %d features, want %d", l, n)
		}
		for _, f := range got {
			w, ok := want[fmt.Sprint(f.Properties["numero"])]
			if !ok {
				t.Fatalf("unexpected feature %v", f.Properties)
			}
			if f.Geometry != w.Geometry {
				t.Errorf("%v: geometry %v, want %v", w.Properties["numero"], f.Geometry, w.Geometry)
			}
			for _, k := range []string{"type_pei", "debit", "disponible", "date_ct"} {
				if f.Properties[k] != w.Properties[k] {
					t.Errorf("%v: %s = %#v, want %#v", w.Properties["numero"], k, f.Properties[k], w.Properties[k])
				}
			}
		}
	})
}
