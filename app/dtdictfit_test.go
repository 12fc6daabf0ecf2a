package app

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"terrimap/dtdict"
	"terrimap/report"
)

// shownHeaders are the headers of the columns a textTable shows.
func (t *textTable) shownHeaders() []string {
	var hs []string
	for _, c := range t.shown {
		hs = append(hs, t.headers[c])
	}
	return hs
}

// shownWidth is the width the columns shown take, the gaps between them
// and the vertical scroll bar included.
func (t *textTable) shownWidth() float32 {
	w := theme.ScrollBarSize()
	for i := range t.shownWidths {
		w += t.shownWidths[i] + theme.Padding()
	}
	return w
}

// A textTable's columns fit its width: all of them with the spare width
// to the stretch column when there is room, else the columns that give
// way hidden in their order, never the others.
func TestDTDICTTextTableFitsItsWidth(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	headers := []string{"a", "b", "c", "d"}
	cols := textColumns{widths: []float32{100, 100, 100, 100}, giveWay: []int{1, 3}, stretch: 2}
	gap, bar := theme.Padding(), theme.ScrollBarSize()
	all := 4*(100+gap) + bar
	for _, tc := range []struct {
		name  string
		width float32
		shown []int
		wide  float32 // the stretch column's width
	}{
		{"roomy", all + 60, []int{0, 1, 2, 3}, 160},
		{"just", all, []int{0, 1, 2, 3}, 100},
		{"one short", all - 1, []int{0, 2, 3}, 100 + gap + 99},
		{"two short", all - 100 - gap - 1, []int{0, 2}, 100 + gap + 99},
		{"too narrow", 50, []int{0, 2}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt := newTextTable(headers, cols, func() int { return 1 }, func(row, col int) tableCell { return tableCell{text: headers[col]} }, nil)
			tt.fit(tc.width)
			if !slices.Equal(tt.shown, tc.shown) {
				t.Fatalf("width %v shows columns %v, want %v", tc.width, tt.shown, tc.shown)
			}
			if _, n := tt.table.Length(); n != len(tc.shown) {
				t.Errorf("the table has %d columns, %d shown", n, len(tc.shown))
			}
			stretch := slices.Index(tt.shown, 2)
			if got := tt.shownWidths[stretch]; got != tc.wide {
				t.Errorf("the stretch column is %v wide, want %v", got, tc.wide)
			}
			if tc.width >= 2*(100+gap)+bar && tt.shownWidth() > tc.width {
				t.Errorf("the columns take %v of %v", tt.shownWidth(), tc.width)
			}
		})
	}
}

// The register fits a 1366×768 laptop's screen, and one at 125 % (1093×614
// points): no column runs past the table's right edge, the number, the
// commune, the due date and the status always show, none of their texts
// cut, and on the smaller screen the least useful columns give way.
func TestDTDICTRegisterFitsTheScreen(t *testing.T) {
	now := time.Date(2026, 12, 9, 9, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, now)
	register(t, m, "dict-offterritory.xml", time.Date(2026, 12, 8, 0, 0, 0, 0, time.Local)) // Lyon 1er Arrondissement
	register(t, m, "atu-tournus.xml", time.Date(2026, 12, 6, 0, 0, 0, 0, time.Local))       // due «immédiatement»
	register(t, m, "dtdict-conjointes-tournus.xml", time.Date(2026, 12, 6, 0, 0, 0, 0, time.Local))
	needed := []string{"Numéro", "Commune", "À rendre le", "Statut"}
	for _, tc := range []struct {
		screen fyne.Size
		all    bool
	}{
		{fyne.NewSize(1366, 768), true},
		{fyne.NewSize(1093, 614), false},
	} {
		m.window.Resize(tc.screen)
		desk := m.dtdictDesk()
		desk.listed = false
		desk.show()
		q.runUntil(t, func() bool { return desk.listed })
		table := desk.table
		width := table.table.Size().Width
		if width <= 0 {
			t.Fatalf("%v: the register's table was not laid out", tc.screen)
		}
		if used := table.shownWidth(); used > width {
			t.Errorf("%v: the columns take %v of the table's %v: the right ones are cut", tc.screen, used, width)
		}
		shown := table.shownHeaders()
		if all := len(shown) == len(table.headers); all != tc.all {
			t.Errorf("%v: columns shown %q (all of them: %v, want %v)", tc.screen, shown, all, tc.all)
		}
		for _, h := range needed {
			col := slices.Index(shown, h)
			if col < 0 {
				t.Errorf("%v: the column %q gave way (shown %q)", tc.screen, h, shown)
				continue
			}
			logical := table.shown[col]
			for row := range desk.entries {
				c := desk.cell(row, logical)
				style := fyne.TextStyle{Bold: c.bold}
				if need := fyne.MeasureText(c.text, theme.TextSize(), style).Width + 2*theme.InnerPadding(); need > table.shownWidths[col] {
					t.Errorf("%v: row %d %q: «%s» needs %v, the column is %v wide", tc.screen, row, h, c.text, need, table.shownWidths[col])
				}
			}
		}
		desk.dialog.Hide()
	}
}

// The table of the networks found shows the network, the whole
// identifier (she quotes it to the declarant), the class and the
// distance, on the answer screen of a 1366×768 screen and of one at 125 %.
func TestDTDICTItemsTableShowsWholeIdentifiers(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	items := []report.Item{
		{LayerTitle: "Canalisations d'assainissement", ID: "CASS71543-000312", Type: "Collecteur", Material: "PVC", Diameter: 200, Depth: 1.2, Class: report.ClassUnknown, Distance: 4.3},
		{LayerTitle: "Canalisations d'eau potable", ID: "CAEP71543-000096", Type: "Distribution", Material: "Fonte ductile", Diameter: 100, Depth: 1.12, Class: report.ClassA},
	}
	needed := []string{"Réseau", "Identifiant", "Classe", "Distance (m)"}
	for _, width := range []float32{1200, 1040, 700} {
		table := newItemsTable(items)
		table.fit(width)
		shown := table.shownHeaders()
		if used := table.shownWidth(); used > width {
			t.Errorf("width %v: the columns take %v", width, used)
		}
		for _, h := range needed {
			col := slices.Index(shown, h)
			if col < 0 {
				t.Errorf("width %v: the column %q gave way (shown %q)", width, h, shown)
				continue
			}
			for row := range items {
				c := table.cell(row, table.shown[col])
				if need := fyne.MeasureText(c.text, theme.TextSize(), fyne.TextStyle{Bold: c.bold}).Width + 2*theme.InnerPadding(); need > table.shownWidths[col] {
					t.Errorf("width %v: row %d %q: «%s» needs %v, the column is %v wide", width, row, h, c.text, need, table.shownWidths[col])
				}
			}
		}
	}
}

// The answer's result says to whom to send the files: the declarant's
// e-mail and, for a joint DT-DICT, the exécutant's; without any e-mail,
// the declarant.
func TestDTDICTSendTo(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	read := func(name string) *dtdict.Declaration {
		data, err := os.ReadFile(filepath.Join("..", "dtdict", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := dtdict.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	noMail := read("dict-tournus.xml")
	noMail.Declarant.Email = ""
	for _, tc := range []struct {
		name string
		d    *dtdict.Declaration
		want string
	}{
		{"DICT", read("dict-tournus.xml"), "Envoyez ces fichiers par courriel à : chantiers@bourgogne-tp.example.fr (Bourgogne TP Construction)."},
		{"joint", read("dtdict-conjointes-tournus.xml"), "Envoyez ces fichiers par courriel à : travaux@sydesl.example.fr (SYDESL), m.lacroix@rme.example.fr (Réseaux Mâconnais Électricité, exécutant des travaux)."},
		{"no e-mail", noMail, "Envoyez ces fichiers au déclarant par courriel."},
	} {
		if got := sendToText(tc.d); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The status bar's DT-DICT warning does not make the window wider than a
// 1366×768 laptop's screen at 125 % (1093 points): with both counts shown,
// the status line still fits.
func TestDTDICTStatusWarningFitsTheScreen(t *testing.T) {
	m, _ := openDTDesk(t, time.Date(2026, 12, 9, 9, 0, 0, 0, time.Local))
	v := m.view
	v.due.show(0, 0)
	without := v.status.MinSize().Width
	v.due.show(2, 3)
	if !v.due.button.Visible() {
		t.Fatal("the warning does not show")
	}
	with := v.status.MinSize().Width
	t.Logf("status line %v wide, %v without the warning", with, without)
	if with > 1093 {
		t.Errorf("the status line with the warning «%s» needs %v points, more than the 1093 of the screen", v.due.button.Text, with)
	}
}

// The answer screen fits the DT-DICT window on a 1366×768 screen and on
// one at 125 % (1093×614 points): the map, its key, the verdict and the
// table's head and first rows need no more height than the window gives,
// so nothing is drawn over anything else.
func TestDTDICTAnswerScreenFitsTheScreen(t *testing.T) {
	for _, screen := range []fyne.Size{fyne.NewSize(1366, 768), fyne.NewSize(1093, 614)} {
		m, q := openDTDesk(t, time.Date(2026, 12, 9, 9, 0, 0, 0, time.Local))
		m.window.Resize(screen)
		s := importFixture(t, m, q, "dict-tournus.xml", time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local))
		body := s.d.body
		screenObj := body.Objects[0]
		if need, have := screenObj.MinSize().Height, body.Size().Height; need > have {
			t.Errorf("%v: the answer screen needs %v points of height, the window gives %v", screen, need, have)
		}
	}
}
