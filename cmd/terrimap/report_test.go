package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/internal/demows"
	"terrimap/store"
)

// reportWorkspace is a copy of the demo streets of Tournus, recording a
// sync with the platform as the client does.
func reportWorkspace(t *testing.T) string {
	t.Helper()
	path := demows.Copy(t, "tournus", demows.Tournus())
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	// The keys sync/client keeps in tm_meta.
	for k, v := range map[string]string{"platform.url": "https://plateforme.ccmt.example", "platform.last_sync": "2026-06-14T08:02:00Z"} {
		if err := ws.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// writeZone writes a zone file and returns its path.
func writeZone(t *testing.T, dir, name, doc string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A work zone across the main street of Tournus, and a trench along it.
const (
	zoneAcross = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"Traversée de la Grande Rue"},
		"geometry":{"type":"Polygon","coordinates":[[[4.90695,46.56685],[4.90708,46.56685],[4.90708,46.56712],[4.90695,46.56712],[4.90695,46.56685]]]}}]}`
	zoneTrench = `{"type":"LineString","coordinates":[[4.9060,46.5668],[4.9069,46.56698],[4.9078,46.56712]]}`
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	across := writeZone(t, dir, "traversee.geojson", zoneAcross)
	trench := writeZone(t, dir, "tranchee.geojson", zoneTrench)
	pdf, found := filepath.Join(dir, "rapport.pdf"), filepath.Join(dir, "reseaux.geojson")

	code, stdout, stderr := run(t, "report", "--workspace", ws, "--zone", across, "--out", pdf, "--geojson", found)
	if code != 0 || stderr != "" {
		t.Fatalf("report: %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Rapport écrit dans " + pdf, "à moins de 5 m", "à investiguer avant travaux", "écrits dans " + found} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	text, err := exec.Command("pdftotext", pdf, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v\n%s", err, text)
	}
	words := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{"Rapport avant travaux", "Traversée de la Grande Rue", "avec la plateforme https://plateforme.ccmt.example",
		"CAEP71543-000129", "Investigation complémentaire nécessaire avant travaux", "Synthèse par couche"} {
		if !strings.Contains(words, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, words)
		}
	}
	data, err := os.ReadFile(found)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal(data, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("%s: %v, %d features", found, err, len(fc.Features))
	}
	if _, ok := fc.Features[0].Properties["rapport_classe"]; !ok {
		t.Errorf("the GeoJSON lacks the report's columns: %v", fc.Features[0].Properties)
	}

	// A trench with its width, a margin of 2 m and the layers named.
	code, stdout, stderr = run(t, "report", "--workspace", ws, "--zone", trench, "--width", "1.5", "--buffer", "2",
		"--layers", "canalaep,canalass", "--title", "Tranchée rue de la République", "--out", pdf)
	if code != 0 || !strings.Contains(stdout, "à moins de 2 m") {
		t.Fatalf("report of a trench: %d\n%s%s", code, stdout, stderr)
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	pdf := filepath.Join(dir, "r.pdf")
	across := writeZone(t, dir, "traversee.geojson", zoneAcross)
	trench := writeZone(t, dir, "tranchee.geojson", zoneTrench)
	point := writeZone(t, dir, "point.geojson", `{"type":"Point","coordinates":[4.907,46.567]}`)
	broken := writeZone(t, dir, "casse.geojson", `{"type":"Polygon","coordinates":[[[4.9,46.5],`)
	paris := writeZone(t, dir, "paris.geojson", `{"type":"Polygon","coordinates":[[[2.35,48.85],[2.36,48.85],[2.36,48.86],[2.35,48.85]]]}`)
	l93 := writeZone(t, dir, "l93.geojson", `{"type":"Polygon","coordinates":[[[843000,6610000],[843030,6610000],[843030,6610020],[843000,6610000]]]}`)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no workspace", []string{"--zone", across, "--out", pdf}, 2, "--workspace manque"},
		{"no zone", []string{"--workspace", ws, "--out", pdf}, 2, "--zone manque"},
		{"no output", []string{"--workspace", ws, "--zone", across}, 2, "--out manque"},
		{"not a PDF", []string{"--workspace", ws, "--zone", across, "--out", filepath.Join(dir, "r.png")}, 2, "ne finit pas par .pdf"},
		{"negative buffer", []string{"--workspace", ws, "--zone", across, "--buffer", "-5", "--out", pdf}, 2, "positive ou nulle"},
		{"zone file missing", []string{"--workspace", ws, "--zone", filepath.Join(dir, "absente.geojson"), "--out", pdf}, 1, "absente.geojson n'existe pas"},
		{"zone file invalid", []string{"--workspace", ws, "--zone", broken, "--out", pdf}, 1, "n'est pas un GeoJSON lisible"},
		{"zone a point", []string{"--workspace", ws, "--zone", point, "--out", pdf}, 1, "doit être un polygone ou une ligne, pas un point"},
		{"line without width", []string{"--workspace", ws, "--zone", trench, "--out", pdf}, 2, "est une ligne : donnez la largeur"},
		{"width of a polygon", []string{"--workspace", ws, "--zone", across, "--width", "2", "--out", pdf}, 2, "--width ne vaut que pour une zone linéaire"},
		{"zone outside the data", []string{"--workspace", ws, "--zone", paris, "--out", pdf}, 1, "hors des données de l'espace de travail"},
		{"Lambert-93 as degrees", []string{"--workspace", ws, "--zone", l93, "--out", pdf}, 1, "ne sont pas des longitudes/latitudes"},
		{"workspace missing", []string{"--workspace", filepath.Join(dir, "absent.gpkg"), "--zone", across, "--out", pdf}, 1, "absent.gpkg n'existe pas"},
		{"unknown layer", []string{"--workspace", ws, "--zone", across, "--layers", "gaz", "--out", pdf}, 1, "--layers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"report"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, c.code, c.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("more than one line of errors:\n%s", stderr)
			}
			if _, err := os.Stat(pdf); err == nil {
				t.Errorf("a failed report left %s", pdf)
				os.Remove(pdf)
			}
		})
	}
}
