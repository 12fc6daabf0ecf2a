package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

func TestUpdateLayerSchemaKeepsDataAndPendingEdits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	ws.CreateLayer(ctx, hydrantSchema())
	var f Feature
	ws.Edit(ctx, func(tx *Tx) (err error) {
		f, err = tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"type_pei": "BI"}})
		return err
	})
	next := hydrantSchema()
	next.Title = "Défense extérieure contre l'incendie"
	next.Fields[1].Domain = append(next.Fields[1].Domain, schema.CodedValue{Code: "CI", Label: "Citerne"})
	next.Fields = append(next.Fields, schema.Field{Name: "observations", Title: "Observations", Type: schema.Text})
	if err := ws.UpdateLayerSchema(ctx, next); err != nil {
		t.Fatal(err)
	}
	// The new code and the new field are usable at once.
	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", f.UUID, Change{Properties: map[string]any{"type_pei": "CI", "observations": "capot cassé"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	ws, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	l, _ := ws.Layer("pei")
	if l.Schema.Title != next.Title || len(l.Schema.Fields) != len(next.Fields) {
		t.Errorf("reopened schema = %+v", l.Schema)
	}
	got, _ := ws.Get(ctx, "pei", f.UUID)
	if got.Properties["observations"] != "capot cassé" || got.Properties["type_pei"] != "CI" {
		t.Errorf("feature = %+v", got.Properties)
	}
	pending, _ := ws.Pending(ctx, 0)
	if len(pending) != 2 {
		t.Errorf("pending edits: %d, want 2", len(pending))
	}
	var title string
	ws.DB().QueryRow(`SELECT identifier FROM gpkg_contents WHERE table_name = 'pei'`).Scan(&title)
	if title != next.Title {
		t.Errorf("gpkg_contents identifier = %q", title)
	}

	bad := []func(*schema.Layer){
		func(s *schema.Layer) { s.Fields = s.Fields[1:] },
		func(s *schema.Layer) { s.Fields[2].Type = schema.Text },
		func(s *schema.Layer) { s.GeometryType = schema.LineString },
		func(s *schema.Layer) { s.Fields[1].Domain = s.Fields[1].Domain[:2] },
	}
	for i, change := range bad {
		s := next
		s.Fields = append([]schema.Field(nil), next.Fields...)
		s.Fields[1].Domain = append([]schema.CodedValue(nil), next.Fields[1].Domain...)
		change(&s)
		if err := ws.UpdateLayerSchema(ctx, s); !errors.Is(err, ErrIncompatibleSchema) {
			t.Errorf("change %d: err = %v, want ErrIncompatibleSchema", i, err)
		}
	}
}
