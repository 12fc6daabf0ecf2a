package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// column returns the index of a field in the table, failing when absent.
func column(t *testing.T, tb *attributeTable, name string) int {
	t.Helper()
	for i, f := range tb.layer.Fields {
		if f.Name == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}

// columnTexts returns what a column shows, top to bottom.
func columnTexts(tb *attributeTable, col int) []string {
	var out []string
	for row := range tb.rows {
		out = append(out, tb.text(row, col))
	}
	return out
}

// The attribute table lists a layer's features with coded values in words,
// filters on any column ignoring case and accents, and a click on a row
// selects the feature on the map.
func TestAttributeTable(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "table.gpkg"))
	tb := m.openTable("pei")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 3 || !strings.Contains(tb.count.Text, "3 objets sur 3") {
		t.Fatalf("%d rows, count %q", len(tb.rows), tb.count.Text)
	}
	typ := column(t, tb, "type_pei")
	if got := tb.text(0, typ); got != "Poteau d'incendie" {
		t.Errorf("the type reads %q, not its label", got)
	}
	tb.filter.SetText("t-02")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 1 || tb.count.Text != "1 objet sur 3" {
		t.Fatalf("filtered: %d rows, count %q", len(tb.rows), tb.count.Text)
	}
	tb.filter.SetText("POTEAU d'INCENDIE")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 3 {
		t.Errorf("filter on the label: %d rows, want 3", len(tb.rows))
	}
	tb.table.Select(widget.TableCellID{Row: 1, Col: 0})
	if f, _ := tb.feature(1); m.view.selected == nil || m.view.selected.UUID != f.UUID || f.UUID == "" {
		t.Fatal("a click on a row selected another feature")
	}
}

// tableWorkspaceFile holds communes and hydrants with an INSEE code, a
// flow, a check date and a name-like number with accents.
func tableWorkspaceFile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tableau.gpkg")
	ws, err := store.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	addTestCommunes(t, ws)
	hydrants := hydrantLayer()
	hydrants.Fields = append(hydrants.Fields, schema.Field{Name: "insee", Title: "Code INSEE", Type: schema.Text})
	if _, err := ws.CreateLayer(ctx, hydrants); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for i, h := range []struct {
			numero, insee, ct string
			debit             float64
		}{
			{"Écluse", "71543", "2025-09-01", 100},
			{"eau vive", "71550", "2024-01-15", 9},
			{"Fontaine; « place »", "71543", "2026-02-10", 60},
			{"abbaye", "71543", "", 30},
		} {
			props := map[string]any{"numero": h.numero, "type_pei": "PI", "debit": h.debit, "insee": h.insee}
			if h.ct != "" {
				props["date_ct"] = h.ct
			}
			if _, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.905 + float64(i)*0.001, 46.561}, Properties: props}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// The table shows communes by name, sorts on a heading's click (numbers as
// numbers, dates in time, text in French order, accents aside; empty cells
// last), and exports the rows shown to a CSV GDAL reads with as many rows.
func TestAttributeTableCommunesSortAndExport(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, tableWorkspaceFile(t))
	tb := m.openTable("pei")
	q.runUntil(t, tb.ready)
	w := test.NewWindow(tb.table)
	defer w.Close()
	commune, numero, debit, ct := column(t, tb, "insee"), column(t, tb, "numero"), column(t, tb, "debit"), column(t, tb, "date_ct")
	if got := columnTexts(tb, commune); strings.Join(got, ",") != "Tournus,Uchizy,Tournus,Tournus" {
		t.Errorf("communes %q", got)
	}

	header := func(col int) *widget.Button {
		t.Helper()
		b := tb.table.CreateHeader().(*widget.Button)
		tb.table.UpdateHeader(widget.TableCellID{Row: -1, Col: col}, b)
		return b
	}
	for _, tc := range []struct {
		col    int
		clicks int
		arrow  string
		want   string
	}{
		{debit, 1, " ▲", "eau vive,abbaye,Fontaine; « place »,Écluse"},
		{debit, 1, " ▼", "Écluse,Fontaine; « place »,abbaye,eau vive"},
		{numero, 1, " ▲", "abbaye,eau vive,Écluse,Fontaine; « place »"},
		{ct, 1, " ▲", "eau vive,Écluse,Fontaine; « place »,abbaye"},
		{ct, 1, " ▼", "Fontaine; « place »,Écluse,eau vive,abbaye"},
	} {
		for range tc.clicks {
			test.Tap(header(tc.col))
		}
		q.runUntil(t, tb.ready)
		if got := header(tc.col).Text; !strings.HasSuffix(got, tc.arrow) {
			t.Errorf("heading %q, want the arrow %q", got, tc.arrow)
		}
		if got := strings.Join(columnTexts(tb, numero), ","); got != tc.want {
			t.Errorf("sorted on %s%s: %s, want %s", tb.layer.Fields[tc.col].Name, tc.arrow, got, tc.want)
		}
	}
	if got := header(commune).Text; got != "Commune" {
		t.Errorf("the INSEE codes shown as names are headed %q", got)
	}
	if got := header(debit).Text; strings.ContainsAny(got, "▲▼") {
		t.Errorf("a heading not sorted on shows an arrow: %q", got)
	}

	// Filtered to Tournus, sorted by date: the CSV holds those rows.
	tb.filter.SetText("tournus")
	q.runUntil(t, tb.ready)
	path := filepath.Join(t.TempDir(), "poteaux.csv")
	records, err := tb.csvRecords(context.Background(), tb.rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := exportCSV(path, records); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\ufeffNuméro;Type;")) {
		t.Errorf("the CSV starts %q", data[:min(len(data), 40)])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.Comma = ';'
	records, err = r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 4 || records[1][numero] != "Fontaine; « place »" || records[1][commune] != "Tournus" ||
		records[1][column(t, tb, "type_pei")] != "Poteau d'incendie" || !strings.HasPrefix(records[1][len(records[1])-1], "POINT") {
		t.Fatalf("CSV rows: %q", records)
	}

	// GDAL reads it: as many features, the geometry from the WKT column.
	out, err := exec.Command("ogrinfo", "-ro", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	n := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
	if n == nil {
		t.Fatalf("ogrinfo:\n%s", out)
	}
	if c, _ := strconv.Atoi(string(n[1])); c != len(tb.rows) {
		t.Errorf("ogrinfo reads %d features, the table shows %d", c, len(tb.rows))
	}
	// GDAL reads the WKT column as the geometry (an extent) and the first
	// heading whole (the byte order mark is not part of it).
	if !strings.Contains(string(out), "Extent: (4.905000, 46.561000)") || !strings.Contains(string(out), "\nNuméro: String") {
		t.Errorf("ogrinfo does not read the geometry or the headings:\n%s", out)
	}
}

// The table opens on the user's commune, as the maintenance lists do, and
// «Toutes les communes» shows every commune's features.
func TestAttributeTableOpensOnTheUsersCommune(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, tableWorkspaceFile(t))
	m.sess.access = map[string]protocol.Access{"pei": {Read: true, Update: true, Territory: tournusSquare}}
	tb := m.openTable("pei")
	q.runUntil(t, tb.ready)
	if tb.communeChoice == nil || tb.communeChoice.Selected != "Tournus" {
		t.Fatalf("the table opens on %v, not the user's commune", tb.communeChoice)
	}
	if got := strings.Join(tb.communeChoice.Options, ","); got != "Toutes les communes,Tournus,Uchizy" {
		t.Errorf("communes offered %q", got)
	}
	th := tb.communeChoice.Theme()
	room := tb.communeChoice.MinSize().Width - 4*th.Size(theme.SizeNameInnerPadding) - th.Size(theme.SizeNameInlineIcon)
	if w := fyne.MeasureText("Toutes les communes", th.Size(theme.SizeNameText), fyne.TextStyle{}).Width; w > room {
		t.Errorf("«Toutes les communes» needs %g, the list shows %g", w, room)
	}
	if len(tb.rows) != 3 || tb.count.Text != "3 objets sur 4" {
		t.Fatalf("in Tournus: %d rows, count %q", len(tb.rows), tb.count.Text)
	}
	tb.communeChoice.SetSelected("Toutes les communes")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 4 || tb.count.Text != "4 objets sur 4" {
		t.Fatalf("all communes: %d rows, count %q", len(tb.rows), tb.count.Text)
	}
	tb.communeChoice.SetSelected("Uchizy")
	tb.filter.SetText("eau")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 1 || tb.text(0, column(t, tb, "numero")) != "eau vive" {
		t.Errorf("Uchizy filtered on «eau»: %d rows", len(tb.rows))
	}
}
