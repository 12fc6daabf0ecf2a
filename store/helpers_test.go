package store

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/store/schema"
)

// hydrantSchema is a small PEI-like layer used across the tests.
func hydrantSchema() schema.Layer {
	return schema.Layer{
		Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point,
		Fields: []schema.Field{
			{Name: "nom", Title: "Nom", Type: schema.Text},
			{Name: "type_pei", Title: "Type", Type: schema.Text, Required: true, Default: "PI",
				Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau d'incendie"}, {Code: "BI", Label: "Bouche d'incendie"}, {Code: "PN", Label: "Point d'eau naturel"}}},
			{Name: "debit", Title: "Débit (m³/h)", Type: schema.Real},
			{Name: "press_dyn", Title: "Pression dynamique (bar)", Type: schema.Real},
			{Name: "disponible", Title: "Disponible", Type: schema.Boolean, Default: true},
			{Name: "date_ct", Title: "Date du dernier contrôle", Type: schema.Date},
			{Name: "nb_ct", Type: schema.Integer},
			{Name: "maj", Type: schema.DateTime, ReadOnly: true},
		},
	}
}

func pipeSchema() schema.Layer {
	return schema.Layer{
		Name: "canalaep", Title: "Canalisations d'eau potable", GeometryType: schema.LineString,
		Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "01", Label: "Fonte"}, {Code: "05", Label: "PVC"}, {Code: "03", Label: "PEHD"}}},
			{Name: "diametre", Type: schema.Integer},
			{Name: "commune", Type: schema.Text},
		},
	}
}

// newWorkspace creates a workspace with the test layers in a temp dir.
func newWorkspace(t testing.TB) *Workspace {
	t.Helper()
	ws, err := Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, s := range []schema.Layer{hydrantSchema(), pipeSchema()} {
		if _, err := ws.CreateLayer(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// hydrantWorkspaceFile creates a workspace in a temp dir with the
// hydrants' layer, empty, and closes it: for a test that opens the file
// itself (twice, read-only, in another process). It returns its path.
func hydrantWorkspaceFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ws.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.CreateLayer(context.Background(), hydrantSchema()); err != nil {
		t.Fatal(err)
	}
	return path
}
