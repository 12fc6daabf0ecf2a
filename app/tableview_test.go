package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// The attribute table lists a layer's features with coded values in words,
// filters on any column ignoring case and accents, and a click on a row
// selects the feature on the map.
func TestAttributeTable(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "table.gpkg"))
	tb := m.openTable("pei")
	q.runUntil(t, func() bool { return tb.table != nil })
	if len(tb.rows) != 3 || !strings.Contains(tb.count.Text, "3 objets sur 3") {
		t.Fatalf("%d rows, count %q", len(tb.rows), tb.count.Text)
	}
	typ := -1
	for i, f := range tb.layer.Fields {
		if f.Name == "type_pei" {
			typ = i
		}
	}
	if typ < 0 || tb.text[0][typ] != "Poteau d'incendie" {
		t.Errorf("the type reads %q, not its label", tb.text[0][typ])
	}
	tb.filter.SetText("t-02")
	if len(tb.rows) != 1 || tb.count.Text != "1 objets sur 3" {
		t.Fatalf("filtered: %d rows, count %q", len(tb.rows), tb.count.Text)
	}
	tb.filter.SetText("POTEAU d'INCENDIE")
	if len(tb.rows) != 3 {
		t.Errorf("filter on the label: %d rows, want 3", len(tb.rows))
	}
	tb.table.Select(widget.TableCellID{Row: 1, Col: 0})
	if m.view.selected == nil || m.view.selected.UUID != tb.rows[1].UUID {
		t.Fatal("a click on a row did not select its feature")
	}
}
