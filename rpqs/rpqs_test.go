package rpqs

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/dashboard"
	"terrimap/icgp"
	"terrimap/internal/demows"
	"terrimap/internal/paper"
)

// TestAnnexOfTournus writes the annex of the demo's Tournus and reads it
// back with pdftotext (poppler-utils): the ICGP totals, a declared item with
// who declared it, the gates, the renewal rate and the inventory.
func TestAnnexOfTournus(t *testing.T) {
	ws := demows.Open(t, "ccmt", orb.Bound{})
	ctx := context.Background()
	rep, err := icgp.Compute(ctx, ws, icgp.Options{INSEE: "71543", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	stats, err := dashboard.Compute(ctx, ws, "71543", now)
	if err != nil {
		t.Fatal(err)
	}
	got := oneLine(annexPDFText(t, rep, stats, Meta{Territory: "Tournus", Date: now}))
	var decl icgp.Item
	for _, it := range rep.Water.Items {
		if it.Code == icgp.ItemUpdateProcedure {
			decl = it
		}
	}
	for _, want := range []string{
		"Annexe au RPQS 2026 — Tournus",
		"indice P103.2B : " + itoa(rep.Water.Total) + " points sur 120",
		"indice P202.2B : " + itoa(rep.Sewer.Total) + " points sur 120",
		decl.DeclaredBy + " le " + paper.Date(decl.DeclaredOn),
		"Descriptif détaillé des réseaux : oui",
		"classe de précision de la localisation connue sur 100 % du linéaire",
		"taux moyen de renouvellement (P107.2)",
		"Inventaire — Eau potable",
		"Fonte ductile",
		"Pour gagner des points",
		"page 1 sur 5",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the annex does not say %q:\n%s", want, got)
		}
	}
	rows := csvRows(t, rep)
	// Header, 12 water items, location class and total, 11 sewer items,
	// location class and total, 2 rates.
	if len(rows) != 1+14+13+2 || rows[14][2] != "total" || rows[14][4] != itoa(rep.Water.Total) {
		t.Errorf("csv: %d rows, water total row %v", len(rows), rows[14])
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// annexPDFText writes the annex and reads it back with pdftotext -raw (in
// the order written, a table cell's lines together; pages end with a form
// feed). With RPQS_KEEP set to a directory, the PDF is kept there.
func annexPDFText(t *testing.T, rep *icgp.Report, stats *dashboard.Stats, meta Meta) string {
	t.Helper()
	var pdf bytes.Buffer
	if err := WritePDF(&pdf, rep, stats, meta); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "annexe.pdf")
	if err := os.WriteFile(out, pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("RPQS_KEEP"); dir != "" {
		os.WriteFile(filepath.Join(dir, "annexe.pdf"), pdf.Bytes(), 0o644)
	}
	text, err := exec.Command("pdftotext", "-raw", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(text)
}

// oneLine joins the words of a text by single spaces.
func oneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// TestAnnexSaysWhyNoDescriptif writes the whole demo's annex (no
// inventory, no charts): 4 communes have not declared their update
// procedure, so the plan lacks 5 points and the annex says the inventory
// does not count.
func TestAnnexSaysWhyNoDescriptif(t *testing.T) {
	ws := demows.Open(t, "ccmt", orb.Bound{})
	rep, err := icgp.Compute(context.Background(), ws, icgp.Options{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	text := annexPDFText(t, rep, nil, Meta{Territory: "Communauté de communes du Mâconnais-Tournugeois", Date: time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)})
	got := oneLine(text)
	// No page ends with a table's heading alone (before its footer).
	for i, page := range strings.Split(text, "\f") {
		if body, _, _ := strings.Cut(page, "Tournugeois — Terrimap"); strings.HasSuffix(strings.TrimSpace(body), "Source") {
			t.Errorf("page %d ends with a table's heading", i+1)
		}
	}
	for _, want := range []string{"le plan n'a que 10 de ses 15 points, ni l'inventaire ni la partie C ne comptent", "(non compté)", "4 communes à déclarer"} {
		if !strings.Contains(got, want) {
			t.Errorf("the annex does not say %q", want)
		}
	}
	if strings.Contains(got, "Graphiques") || strings.Contains(got, "Inventaire —") {
		t.Error("an annex without statistics has charts or inventory tables")
	}
}
