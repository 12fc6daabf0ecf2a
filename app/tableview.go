package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/store"
	"terrimap/store/schema"
)

// attributeTable is a layer's attribute table, as a QGIS user opens it: a
// row per feature, a column per field with coded values in words, a
// filter over every column (case and accents ignored), and a click on a
// row frames and selects the feature on the map.
type attributeTable struct {
	m      *mainWindow
	layer  schema.Layer
	all    []store.Feature
	rows   []store.Feature // all, filtered
	text   [][]string      // the rows' cells, as shown
	filter *widget.Entry
	count  *widget.Label
	table  *widget.Table
	win    fyne.Window
}

// showTableChoice asks which layer's table to open.
func (m *mainWindow) showTableChoice() {
	if m.view == nil {
		return
	}
	var names, titles []string
	for _, l := range m.sess.ws.Layers() {
		names = append(names, l.Name())
		titles = append(titles, l.Schema.DisplayTitle())
	}
	sel := widget.NewSelect(titles, nil)
	if m.view.selected != nil {
		if l, err := m.sess.ws.Layer(m.view.selected.Layer); err == nil {
			sel.SetSelected(l.Schema.DisplayTitle())
		}
	}
	if sel.SelectedIndex() < 0 && len(titles) > 0 {
		sel.SetSelectedIndex(0)
	}
	dialog.ShowCustomConfirm(lang.L("Attribute table"), lang.L("Open"), lang.L("Cancel"), sel, func(ok bool) {
		if ok && sel.SelectedIndex() >= 0 {
			m.openTable(names[sel.SelectedIndex()])
		}
	}, m.window)
}

// openTable reads the layer's features off the UI goroutine, then shows
// them in a window of their own.
func (m *mainWindow) openTable(layer string) *attributeTable {
	l, err := m.sess.ws.Layer(layer)
	if err != nil {
		return nil
	}
	t := &attributeTable{m: m, layer: l.Schema}
	ws := m.sess.ws
	go func() {
		fs, err := ws.Query(context.Background(), store.Query{Layer: layer})
		m.do(func() {
			if err != nil {
				showError(m.window, lang.L("The layer could not be read. Check that the workspace is not open in another program."))
				return
			}
			t.all = fs
			t.show()
		})
	}()
	return t
}

// cells are a feature's values as the table shows them.
func (t *attributeTable) cells(f store.Feature) []string {
	out := make([]string, len(t.layer.Fields))
	for i, fld := range t.layer.Fields {
		out[i] = describeValue(fld, f.Properties[fld.Name])
	}
	return out
}

// apply keeps the features whose cells hold the filter's words, case and
// accents aside.
func (t *attributeTable) apply(filter string) {
	words := strings.Fields(store.Fold(filter))
	t.rows, t.text = t.rows[:0], t.text[:0]
	for _, f := range t.all {
		cells := t.cells(f)
		line := store.Fold(strings.Join(cells, " "))
		keep := true
		for _, w := range words {
			if !strings.Contains(line, w) {
				keep = false
				break
			}
		}
		if keep {
			t.rows = append(t.rows, f)
			t.text = append(t.text, cells)
		}
	}
	t.count.SetText(lang.L("{{.N}} of {{.Total}} features", map[string]any{"N": len(t.rows), "Total": len(t.all)}))
	t.table.Refresh()
}

func (t *attributeTable) show() {
	t.count = widget.NewLabel("")
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), len(t.layer.Fields) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(t.text[id.Row][id.Col]) })
	t.table.ShowHeaderColumn = false
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.layer.Fields) {
			o.(*widget.Label).SetText(t.layer.Fields[id.Col].DisplayTitle())
		}
	}
	for i, f := range t.layer.Fields {
		// Wide enough for its heading, at least.
		head := fyne.MeasureText(f.DisplayTitle(), theme.TextSize(), fyne.TextStyle{Bold: true}).Width
		t.table.SetColumnWidth(i, max(150, head+2*theme.Padding()+8))
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) && t.m.view != nil {
			t.m.view.pick(t.rows[id.Row])
		}
	}
	t.filter = widget.NewEntry()
	t.filter.SetPlaceHolder(lang.L("Filter: words found in any column"))
	t.filter.OnChanged = t.apply
	t.apply("")
	content := container.NewBorder(container.NewBorder(nil, nil, nil, t.count, t.filter), nil, nil, nil, t.table)
	if a := fyne.CurrentApp(); a != nil {
		t.win = a.NewWindow(lang.L("{{.Layer}} — attribute table", map[string]any{"Layer": t.layer.DisplayTitle()}))
		t.win.SetContent(content)
		t.win.Resize(fyne.NewSize(960, 540))
		t.win.Show()
	}
}
