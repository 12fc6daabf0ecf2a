package store

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/store/schema"
)

func TestFreeLayerName(t *testing.T) {
	ws, err := Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, name := range []string{"pei", "Pei_2", "reseau"} {
		if _, err := ws.CreateLayer(context.Background(), schema.Layer{Name: name, GeometryType: schema.Point}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		base  string
		reuse func(*Layer) bool
		want  string
	}{
		{"bornes", nil, "bornes"},
		{"pei", nil, "pei_3"}, // pei_2 is taken as Pei_2
		{"PEI", nil, "PEI_3"},
		{"reseau", nil, "reseau_2"},
		{"pei", func(l *Layer) bool { return l.Name() == "Pei_2" }, "pei_2"},
		{"pei", func(l *Layer) bool { return l.Name() == "pei" }, "pei"},
		{"pei", func(*Layer) bool { return false }, "pei_3"},
	}
	for _, c := range cases {
		if got := ws.FreeLayerName(c.base, c.reuse); got != c.want {
			t.Errorf("FreeLayerName(%q) = %q, want %q", c.base, got, c.want)
		}
	}
}
