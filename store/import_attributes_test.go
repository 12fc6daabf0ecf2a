package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A CSV without coordinate columns is refused as one whose coordinates
// were missed (ErrNoGeometry), nothing imported — unless the rows are
// meant without geometry (AttributesOnly, a table of settings): then
// every row comes in, with no geometry.
func TestImportAttributesOnly(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	path := filepath.Join(t.TempDir(), "reseaux.csv")
	data := "code_ouvrage,insee,exploitant\nEAUPOT71543,71543,Commune de Tournus\nASS71543,71543,Commune de Tournus\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "reseaux"})
	if !errors.Is(err, ErrNoGeometry) || !errors.Is(err, ErrImport) {
		t.Fatalf("without AttributesOnly: %v, want ErrNoGeometry and ErrImport", err)
	}
	if _, err := ws.Layer("reseaux"); !errors.Is(err, ErrLayerNotFound) {
		t.Errorf("the refused import left a layer: %v", err)
	}
	rep, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "reseaux", AttributesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := ws.Query(ctx, Query{Layer: "reseaux"})
	if err != nil || len(fs) != 2 {
		t.Fatalf("%d rows imported (%+v), %v; want 2", len(fs), rep, err)
	}
	for _, f := range fs {
		if f.Geometry != nil || f.Properties["code_ouvrage"] == nil {
			t.Errorf("row %s: geometry %v, properties %v", f.UUID, f.Geometry, f.Properties)
		}
	}
}
