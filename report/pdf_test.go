package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"terrimap/mapview"

	"github.com/paulmach/orb"
)

// paris is the time zone of the CCMT's town halls.
var paris = time.FixedZone("CEST", 2*3600)

func testMeta(ws string) Meta {
	return Meta{
		Workspace:    ws,
		Territory:    "Tournus",
		Date:         time.Date(2026, time.June, 15, 14, 32, 0, 0, paris),
		LastSync:     time.Date(2026, time.June, 14, 8, 2, 0, 0, time.UTC),
		PlatformURL:  "https://plateforme.ccmt.example",
		Attributions: []string{"Données de démonstration"},
	}
}

// pdfText writes the report of sel to a file, checks with poppler's
// pdfinfo that it is an A4 PDF of at least pages pages, and returns
// pdftotext's text of it, in its layout.
func pdfText(t *testing.T, sel *Selection, meta Meta, pages int) string {
	t.Helper()
	ws := demoWorkspace(t)
	var buf bytes.Buffer
	if err := WritePDF(context.Background(), &buf, mapview.NewRenderer(ws, mapview.RendererOptions{}), sel, meta); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rapport.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Fatal("pdfinfo is not installed: this test reads the PDF with poppler-utils (apt-get install poppler-utils)")
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	if !regexp.MustCompile(`Page size:\s+595.2\d x 841.8\d pts \(A4\)`).Match(info) {
		t.Errorf("not an A4 page:\n%s", info)
	}
	text, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, text)
	}
	if got := strings.Count(string(text), "\f"); got < pages {
		t.Errorf("%d pages, want at least %d", got, pages)
	}
	return string(text)
}

func TestWritePDF(t *testing.T) {
	ws := demoWorkspace(t)
	sel, err := Select(context.Background(), ws, alongStreet(), Options{Buffer: DefaultBuffer})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, sel, testMeta(ws.Path()), 2)
	words := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Rapport avant travaux", "Tranchée le long de la rue", "15 juin 2026 à 14:32",
		"14 juin 2026 à 10:02, avec la plateforme https://plateforme.ccmt.example",
		"réseaux de Tournus connus de Terrimap", "5 m autour de la zone", "sur 1,5 m de large",
		"Synthèse par couche", "Canalisations d'eau potable", "Classes de précision",
		"Objets recensés dans la zone et sa marge", "Fonte ductile", "Régie des eaux du Mâconnais-Tournugeois",
		"Données de démonstration", "Page 1 / ",
		// Which line is which network, under the map.
		"Canalisations d'eau potable", "Canalisations d'assainissement",
		"classe de précision de localisation", "L'éclairage public et les autres équipements de surface ne sont pas recherchés",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	// Words a contractor does not read: a field's code, a file's name, an
	// operator left as a dash, street lights listed as a network.
	for _, absent := range []string{"qualglocxy", ".gpkg", "espace de travail", "Éclairage public"} {
		if strings.Contains(words, absent) {
			t.Errorf("the PDF says %q", absent)
		}
	}
	legend, summary := strings.Index(words, "Légende"), strings.Index(words, "Synthèse par couche")
	if legend < 0 || summary < legend || !strings.Contains(words[legend:summary], "Objet recensé") ||
		!strings.Contains(words[legend:summary], "Canalisation d'eau potable") {
		t.Errorf("the map's legend does not say which line is the water network")
	}
	// Every item has its row; those to investigate say so on the line after.
	lines := strings.Split(text, "\n")
	hasID := func(l string) bool {
		for _, it := range sel.Items {
			if strings.Contains(l, it.ID+" ") {
				return true
			}
		}
		return false
	}
	for _, it := range sel.Items {
		row := -1
		for i, l := range lines {
			if strings.Contains(l, it.ID+" ") {
				row = i
				break
			}
		}
		if row < 0 {
			t.Errorf("no row for %s %s", it.Layer, it.ID)
			continue
		}
		if !slices.Contains(strings.Fields(lines[row]), it.Class.Label()) {
			t.Errorf("the row of %s lacks its class %s: %q", it.ID, it.Class.Label(), lines[row])
		}
		flagged := false
		for _, l := range lines[row+1 : min(row+4, len(lines))] {
			if strings.Contains(l, "Investigation complémentaire nécessaire avant travaux") {
				flagged = true
			}
			if hasID(l) { // the next row
				break
			}
		}
		if flagged != it.Investigate {
			t.Errorf("%s (class %s): flagged %v, want %v:\n%s", it.ID, it.Class.Label(), flagged, it.Investigate, strings.Join(lines[row:min(row+4, len(lines))], "\n"))
		}
	}
}

// TestWritePDFNothingFound: a zone where the layers searched have nothing
// says so, and that other networks may be there; a workspace never synced
// says that too.
func TestWritePDFNothingFound(t *testing.T) {
	ws := demoWorkspace(t)
	sel, err := Select(context.Background(), ws, acrossStreet(), Options{Buffer: 2, Layers: []string{"ouvraep"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Items) != 0 {
		t.Fatalf("%d drinking-water structures across the street, want none", len(sel.Items))
	}
	meta := testMeta("")
	meta.LastSync = time.Time{}
	words := strings.Join(strings.Fields(pdfText(t, sel, meta, 1)), " ")
	for _, want := range []string{"Aucun réseau connu dans la zone ou à moins de 2 m", "consultez les autres exploitants", "jamais synchronisé"} {
		if !strings.Contains(words, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, words)
		}
	}
}

func TestWriteGeoJSON(t *testing.T) {
	ws := demoWorkspace(t)
	sel, err := Select(context.Background(), ws, acrossStreet(), Options{Buffer: DefaultBuffer})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteGeoJSON(&buf, sel); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			ID         string
			Geometry   struct{ Type string }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != len(sel.Items) {
		t.Fatalf("%s of %d features, want %d", fc.Type, len(fc.Features), len(sel.Items))
	}
	for i, f := range fc.Features {
		it := sel.Items[i]
		p := f.Properties
		if f.ID != it.UUID || f.Geometry.Type == "" || p[propLayer] != it.Layer || p[propID] != it.ID ||
			p[propClass] != it.Class.Label() || p[propInvestigate] != it.Investigate {
			t.Errorf("feature %d: %+v, item %+v", i, f, it)
		}
		if it.Investigate != (p[propRemark] == investigateMsg) {
			t.Errorf("feature %d: remark %v, investigate %v", i, p[propRemark], it.Investigate)
		}
		if it.Layer == "canalaep" && (p["materiau"] == nil || p[propMaterial] == nil || p["qualglocxy"] == nil) {
			t.Errorf("feature %d lost its own attributes: %v", i, p)
		}
	}
}

// The report's GeoJSON follows RFC 7946 as every GeoJSON Terrimap writes:
// a polygon that comes with a clockwise exterior (from a Shapefile)
// leaves with it counter-clockwise.
func TestWriteGeoJSONRingOrientation(t *testing.T) {
	clockwise := orb.Polygon{{{4.90, 46.55}, {4.90, 46.56}, {4.91, 46.56}, {4.91, 46.55}, {4.90, 46.55}}}
	if clockwise[0].Orientation() != orb.CW {
		t.Fatal("the test's ring is not clockwise")
	}
	sel := &Selection{Items: []Item{{Layer: "zones", UUID: "z1", Geometry: clockwise}}}
	var buf bytes.Buffer
	if err := WriteGeoJSON(&buf, sel); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct{ Coordinates [][][2]float64 }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	var ring orb.Ring
	for _, p := range fc.Features[0].Geometry.Coordinates[0] {
		ring = append(ring, orb.Point(p))
	}
	if ring.Orientation() != orb.CCW {
		t.Errorf("the exterior went out %v, want counter-clockwise: %v", ring.Orientation(), ring)
	}
}
