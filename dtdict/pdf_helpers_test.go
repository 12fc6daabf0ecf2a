package dtdict

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/mapview"
	"terrimap/report"
	"terrimap/store"
)

// paris is the time zone of the CCMT's town halls.
var paris = time.FixedZone("CET", 3600)

// pdfWorkspace opens the demo territory around Tournus.
func pdfWorkspace(tb testing.TB) *store.Workspace {
	return demows.Open(tb, "tournus", demows.Tournus())
}

// zoneRect is a zone w × h metres centred on a longitude/latitude.
func zoneRect(lon, lat, w, h float64) orb.MultiPolygon {
	dx := w / 2 / (111_320 * 0.6880) // cos(46.56°)
	dy := h / 2 / 111_132
	return orb.MultiPolygon{{{{lon - dx, lat - dy}, {lon + dx, lat - dy}, {lon + dx, lat + dy}, {lon - dx, lat + dy}, {lon - dx, lat - dy}}}}
}

// ourWater and ourSewers are Tournus's networks as the demo platform
// declares them.
var (
	ourWater = Ownership{Code: "EAUPOT71543", INSEE: "71543", Layers: []string{"canalaep", "apparaep", "ouvraep"},
		Class: "CANALISATIONS_EAU_POTABLE", Category: "NS", Operator: "Commune de Tournus — service des eaux",
		Address: "Hôtel de ville, place de l'Hôtel de Ville, 71700 Tournus", EmergencyPhone: "03 85 27 00 00",
		Contact:         "Service des eaux, 03 85 27 00 20, eaux@tournus.example",
		Recommendations: "Sondages manuels obligatoires à moins de 1,50 m des canalisations. Pas d'engin mécanique à moins de 0,50 m. Remblayer avec un grillage avertisseur bleu à 0,30 m au-dessus de la génératrice.",
		MarginC:         5}
	ourSewers = Ownership{Code: "ASS71543", INSEE: "71543", Layers: []string{"canalass", "apparass", "ouvrass"},
		Class: "CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT", Category: "NS", Operator: "Commune de Tournus — service des eaux",
		Address: "Hôtel de ville, place de l'Hôtel de Ville, 71700 Tournus", EmergencyPhone: "03 85 27 00 00",
		Contact:         "Service des eaux, 03 85 27 00 20, eaux@tournus.example",
		Recommendations: "Grillage avertisseur marron. Prévenir le service 48 heures avant toute intervention près d'un regard.",
		MarginC:         5}
)

// testDeclaration is a DT in the centre of Tournus over zone.
func testDeclaration(zone orb.MultiPolygon, size string, colour bool) *Declaration {
	return &Declaration{
		SchemaVersion: "2.2", Kind: KindDT, Number: "2026120100417",
		Declared:  time.Date(2026, time.December, 1, 0, 0, 0, 0, paris),
		Declarant: Party{Role: "responsableDuProjet", Name: "Bâtiments Saône-Rivière SARL", Contact: "Émilie Guérin", Address: "4 quai du Midi, 71700 Tournus", Phone: "03 85 51 00 00", Email: "e.guerin@bsr.example"},
		Place:     Place{Address: "Rue du Docteur Privey", INSEE: "71543", Commune: "Tournus"},
		Works:     Works{Natures: []string{"TERRASSEMENT"}, Description: "Création d'un branchement d'eaux pluviales et réfection de trottoir", Start: time.Date(2027, time.January, 11, 0, 0, 0, 0, paris), DurationDays: 15},
		Wishes:    Wishes{PlanSize: size, Colour: colour},
		Networks: []Network{
			{Operator: "TOURNUS", Category: "NS", Class: "CANALISATIONS_EAU_POTABLE", Code: "EAUPOT71543"},
			{Operator: "TOURNUS", Category: "NS", Class: "CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT", Code: "ASS71543"},
		},
		Zone: zone,
	}
}

// testAnalysis finds our networks under a declaration's zone as Analyse
// does, within the largest class margin (the class margins themselves are
// Analyse's business, tested with it).
func testAnalysis(t testing.TB, ws *store.Workspace, d *Declaration) *Analysis {
	t.Helper()
	layers := append(append([]string{}, ourWater.Layers...), ourSewers.Layers...)
	sel, err := report.Select(context.Background(), ws, report.Zone{Name: d.Number, Geometry: d.Zone}, report.Options{Buffer: 5, Layers: layers})
	if err != nil {
		t.Fatal(err)
	}
	return &Analysis{Declaration: d, Ours: []Ownership{ourWater, ourSewers}, Concerned: len(sel.Items) > 0,
		Items: sel.Items, Selection: sel, Margins: map[report.Class]float64{report.ClassA: 0.5, report.ClassB: 1.5, report.ClassC: 5, report.ClassUnknown: 5},
		DataDate: time.Date(2026, time.November, 28, 17, 5, 0, 0, paris)}
}

func testRenderer(ws *store.Workspace) *mapview.Renderer {
	return mapview.NewRenderer(ws, mapview.RendererOptions{})
}

// pdfFile is a PDF written to a test's temp dir, read back with poppler.
type pdfFile struct {
	path  string
	pages int
	// sizes are the pages' sizes in points, as pdfinfo gives them: "595.276 x 841.89".
	sizes []string
	text  string // pdftotext -raw: in the order it was written
}

// readPDF writes data to name in the test's temp dir (or in
// $TERRIMAP_DTPDF_OUT when set, to look at it) and reads it back with
// pdfinfo and pdftotext.
func readPDF(t *testing.T, name string, data []byte) pdfFile {
	t.Helper()
	dir := os.Getenv("TERRIMAP_DTPDF_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Fatal("pdfinfo is not installed: these tests read the PDFs with poppler-utils (apt-get install poppler-utils)")
	}
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", "999", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	out := pdfFile{path: path}
	if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info); m != nil {
		out.pages, _ = strconv.Atoi(string(m[1]))
	}
	for _, m := range regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+ x [\d.]+) pts`).FindAllSubmatch(info, -1) {
		out.sizes = append(out.sizes, string(m[1]))
	}
	text, err := exec.Command("pdftotext", "-raw", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, text)
	}
	out.text = string(text)
	return out
}

// words is the text with its runs of spaces made one, for phrases the
// layout may have spread.
func (p pdfFile) words() string { return strings.Join(strings.Fields(p.text), " ") }

// pageImage draws the first page of the PDF at path at dpi dots per inch
// (pdftoppm).
func pageImage(t *testing.T, path string, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	if msg, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-singlefile", path, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, msg)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
