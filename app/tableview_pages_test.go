package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// lampRows is the size of lampWorkspaceFile's layer: more pages than the
// table keeps.
const lampRows = 2200

// lampWorkspaceFile holds the communes of Tournus and Uchizy and a layer
// of street lamps without an INSEE code: L-0000 … L-1499 in Tournus, the
// rest in Uchizy; the even ones lit; those of a hundred laid 15/06/2020.
func lampWorkspaceFile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lampes.gpkg")
	ws, err := store.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	addTestCommunes(t, ws)
	lamps := schema.Layer{Name: "lampes", Title: "Lampes", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "num", Title: "Numéro", Type: schema.Text},
		{Name: "allumee", Title: "Allumée", Type: schema.Boolean},
		{Name: "pose", Title: "Pose", Type: schema.Date},
	}}
	if _, err := ws.CreateLayer(ctx, lamps); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for i := range lampRows {
			x := 4.9005 + float64(i)*0.0105/1500 // Tournus: 4.90 … 4.912
			if i >= 1500 {
				x = 4.9125 + float64(i-1500)*0.017/700 // Uchizy: 4.912 … 4.93
			}
			props := map[string]any{"num": fmt.Sprintf("L-%04d", i), "allumee": i%2 == 0}
			if i%100 == 0 {
				props["pose"] = "2020-06-15"
			}
			if _, err := tx.Create("lampes", store.Feature{Geometry: orb.Point{x, 46.56}, Properties: props}); err != nil {
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

// The table reads the rows in view, a page at a time: the first page when
// it opens, a far row when it is shown, a far row clicked before it is
// read; it keeps a bounded number of pages however far one scrolls.
func TestAttributeTableReadsRowsOnDemand(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, lampWorkspaceFile(t))
	tb := m.openTable("lampes")
	q.runUntil(t, tb.ready)
	if len(tb.rows) != lampRows || tb.count.Text != paper.Int(lampRows)+" objets sur "+paper.Int(lampRows) {
		t.Fatalf("%d rows, count %q", len(tb.rows), tb.count.Text)
	}
	if len(tb.pages.pages) != 1 || tb.text(0, 0) != "L-0000" {
		t.Fatalf("the table opens with %d pages read, first row %q", len(tb.pages.pages), tb.text(0, 0))
	}
	if got := tb.text(1000, 0); got != "" {
		t.Fatalf("row 1000 shows %q before its page is read", got)
	}
	q.runUntil(t, func() bool { return tb.text(1000, 0) != "" })
	if got := tb.text(1000, 0); got != "L-1000" {
		t.Errorf("row 1000 shows %q", got)
	}

	tb.table.Select(widget.TableCellID{Row: 2100, Col: 0})
	q.runUntil(t, func() bool { return m.view.selected != nil })
	if got := m.view.selected.Properties["num"]; got != "L-2100" {
		t.Errorf("a click on row 2100 selected %v", got)
	}

	for row := range tb.rows {
		q.runUntil(t, func() bool { return tb.text(row, 0) != "" })
	}
	if n := len(tb.pages.pages); n > tablePagesKept {
		t.Errorf("%d pages kept after scrolling to the end, at most %d", n, tablePagesKept)
	}
	if got := tb.text(lampRows-1, 0); got != fmt.Sprintf("L-%04d", lampRows-1) {
		t.Errorf("the last row shows %q", got)
	}
}

// A layer without INSEE codes: the table keeps a commune's features by
// where they lie, filters them on yes/no and dates as shown, and sorts
// them.
func TestAttributeTableCommuneByPlace(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, lampWorkspaceFile(t))
	m.sess.access = map[string]protocol.Access{"lampes": {Read: true, Update: true, Territory: tournusSquare}}
	tb := m.openTable("lampes")
	q.runUntil(t, tb.ready)
	if tb.communeChoice == nil || tb.communeChoice.Selected != "Tournus" {
		t.Fatalf("the table opens on %v, not the user's commune", tb.communeChoice)
	}
	for _, tc := range []struct {
		commune, filter string
		sort            bool
		rows            int
		first           string
	}{
		{"Tournus", "", false, 1500, "L-0000"},
		{"Uchizy", "", false, 700, "L-1500"},
		{"Uchizy", "OUI", false, 350, "L-1500"},
		{"Tournus", "non", false, 750, "L-0001"},
		{"Tournus", "15/06/2020", false, 15, "L-0000"},
		{"Toutes les communes", "15/06", false, 22, "L-0000"},
		{"Toutes les communes", "2020-06", false, 0, ""},
		{"Tournus", "", true, 1500, "L-1499"},
	} {
		tb.communeChoice.SetSelected(tc.commune)
		tb.filter.SetText(tc.filter)
		if tc.sort {
			tb.sortBy(0)
			tb.sortBy(0)
		}
		q.runUntil(t, tb.ready)
		if len(tb.rows) != tc.rows || (tc.rows > 0 && tb.text(0, 0) != tc.first) {
			t.Errorf("%s, «%s»: %d rows from %q, want %d from %q", tc.commune, tc.filter, len(tb.rows), tb.text(0, 0), tc.rows, tc.first)
		}
		if !strings.HasSuffix(tb.count.Text, "sur "+paper.Int(lampRows)) {
			t.Errorf("count %q", tb.count.Text)
		}
	}
}

// shownTexts are the texts of the labels a window draws.
func shownTexts(w fyne.Window) map[string]bool {
	out := map[string]bool{}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out[x.Text] = true
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(w.Content())
	return out
}

// A new list of rows shows from its top: after a scroll to the end of
// 2,200 rows, a filter keeping ten shows them (the offset of the long list
// showed none).
func TestAttributeTableNewListFromTheTop(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, lampWorkspaceFile(t))
	tb := m.openTable("lampes")
	q.runUntil(t, tb.ready)
	w := test.NewWindow(tb.table)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))
	tb.table.ScrollToBottom()
	q.runUntil(t, func() bool { return shownTexts(w)[fmt.Sprintf("L-%04d", lampRows-1)] })
	tb.filter.SetText("L-000")
	q.runUntil(t, tb.ready)
	tb.table.Refresh()
	if shown := shownTexts(w); !shown["L-0000"] {
		t.Errorf("the ten rows kept are not shown after a scroll to the end")
	}
}
