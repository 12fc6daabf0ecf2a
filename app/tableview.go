package app

import (
	"cmp"
	"context"
	"slices"
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
// row per feature, a column per field with coded values in words and
// communes by name, a filter over every column (case and accents
// ignored), a sort on a heading's click, an export of the rows shown to
// CSV, and a click on a row frames and selects the feature on the map.
type attributeTable struct {
	m        *mainWindow
	layer    schema.Layer
	communes communeIndex
	all      []store.Feature
	cells    [][]string // all's cells, as shown
	// codes are all's communes (INSEE codes); commune is the one shown
	// ("" for all), the user's own when the table opens.
	codes   []string
	commune string
	// only, when set, keeps the features of these UUIDs alone (a blocker's
	// tronçons, from the ICGP window), in the order of their rank (longest
	// first) until a column is sorted on.
	only map[string]int
	// communeCodes are the codes communeChoice offers after «Toutes les
	// communes».
	communeCodes  []string
	communeChoice *widget.Select
	// rows are the indexes in all of the rows shown: filtered, sorted.
	rows []int
	// sortCol is the column sorted on (-1: the layer's order), descending
	// when sortDesc.
	sortCol  int
	sortDesc bool
	filter   *widget.Entry
	count    *widget.Label
	export   *widget.Button
	table    *widget.Table
	win      fyne.Window
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
	t := &attributeTable{m: m, layer: l.Schema, sortCol: -1}
	ws, c, access := m.sess.ws, m.sess.client, m.sess.access
	go func() {
		ctx := context.Background()
		fs, err := ws.Query(ctx, store.Query{Layer: layer})
		communes := readCommuneIndex(ctx, ws)
		commune, codes := "", make([]string, len(fs))
		if layer != communeLayer && len(communes.names) > 0 {
			for i, f := range fs {
				codes[i], _ = communes.communeOf(f)
			}
			commune = userCommune(ctx, c, access, communes)
		}
		m.do(func() {
			if err != nil {
				showError(m.window, lang.L("The layer could not be read. Check that the workspace is not open in another program."))
				return
			}
			t.all, t.communes, t.codes, t.commune = fs, communes, codes, commune
			if t.only != nil {
				t.commune = "" // a blocker's tronçons, wherever they are
			}
			t.cells = make([][]string, len(fs))
			for i, f := range fs {
				t.cells[i] = t.cellsOf(f)
			}
			t.show()
		})
	}()
	return t
}

// cellsOf are a feature's values as the table shows them: coded values in
// words, communes by name.
func (t *attributeTable) cellsOf(f store.Feature) []string {
	out := make([]string, len(t.layer.Fields))
	for i, fld := range t.layer.Fields {
		if t.communeColumn(i) {
			out[i] = t.communes.name(schema.CodeString(f.Properties[fld.Name]))
			continue
		}
		out[i] = describeValue(fld, f.Properties[fld.Name])
	}
	return out
}

// communeColumn reports whether column col holds INSEE codes the table
// shows as communes' names.
func (t *attributeTable) communeColumn(col int) bool {
	return t.layer.Fields[col].Name == fieldINSEE && t.layer.Name != communeLayer && len(t.communes.names) > 0
}

// title is a column's heading: the field's title, «Commune» for the INSEE
// codes shown as names.
func (t *attributeTable) title(col int) string {
	if t.communeColumn(col) {
		return lang.L("Commune")
	}
	return t.layer.Fields[col].DisplayTitle()
}

// text returns the cell shown at a row and column of the table.
func (t *attributeTable) text(row, col int) string { return t.cells[t.rows[row]][col] }

// feature returns the feature shown at a row.
func (t *attributeTable) feature(row int) store.Feature { return t.all[t.rows[row]] }

// apply keeps the features of the commune chosen whose cells hold the
// filter's words, case and accents aside, in the order chosen.
func (t *attributeTable) apply(filter string) {
	words := strings.Fields(store.Fold(filter))
	t.rows = t.rows[:0]
	for i, cells := range t.cells {
		if t.commune != "" && t.codes[i] != t.commune {
			continue
		}
		if _, kept := t.only[t.all[i].UUID]; t.only != nil && !kept {
			continue
		}
		line := store.Fold(strings.Join(cells, " "))
		keep := true
		for _, w := range words {
			if !strings.Contains(line, w) {
				keep = false
				break
			}
		}
		if keep {
			t.rows = append(t.rows, i)
		}
	}
	t.sortRows()
	t.count.SetText(lang.L("{{.N}} of {{.Total}} features", map[string]any{"N": len(t.rows), "Total": len(t.all)}))
	t.table.Refresh()
}

// sortBy sorts on a column: ascending on the first click, then the other
// way on each click.
func (t *attributeTable) sortBy(col int) {
	if col == t.sortCol {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	t.sortRows()
	t.table.Refresh()
}

// sortRows orders the rows shown by the column chosen; empty cells last.
func (t *attributeTable) sortRows() {
	if t.sortCol < 0 || t.sortCol >= len(t.layer.Fields) {
		if t.only != nil {
			slices.SortFunc(t.rows, func(a, b int) int { return t.only[t.all[a].UUID] - t.only[t.all[b].UUID] })
			return
		}
		slices.Sort(t.rows)
		return
	}
	fld, col := t.layer.Fields[t.sortCol], t.sortCol
	order := newTextOrder()
	slices.SortStableFunc(t.rows, func(a, b int) int {
		va, vb := t.all[a].Properties[fld.Name], t.all[b].Properties[fld.Name]
		if (va == nil) != (vb == nil) { // empty last, whichever the way
			if va == nil {
				return 1
			}
			return -1
		}
		c := compareCells(fld, va, vb, t.cells[a][col], t.cells[b][col], order)
		if t.sortDesc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a, b))
	})
}

// compareCells compares two values of a field: numbers as numbers, dates
// in time, yes before no, and the rest by the words shown, in French order.
func compareCells(fld schema.Field, va, vb any, ta, tb string, order textOrder) int {
	switch {
	case len(fld.Domain) == 0 && (fld.Type == schema.Integer || fld.Type == schema.Real):
		fa, oka := toFloat(va)
		fb, okb := toFloat(vb)
		if oka && okb {
			return cmp.Compare(fa, fb)
		}
	case fld.Type == schema.Date || fld.Type == schema.DateTime:
		return cmp.Compare(schema.CodeString(va), schema.CodeString(vb))
	case fld.Type == schema.Boolean:
		ba, _ := va.(bool)
		bb, _ := vb.(bool)
		if ba != bb {
			if ba {
				return -1
			}
			return 1
		}
		return 0
	}
	return order.compare(ta, tb)
}

// toFloat reads a number field's value.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// heading is a column's heading, with an arrow when the rows are sorted
// on it.
func (t *attributeTable) heading(col int) string {
	title := t.title(col)
	switch {
	case col != t.sortCol:
		return title
	case t.sortDesc:
		return title + " ▼"
	}
	return title + " ▲"
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
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(t.text(id.Row, id.Col)) })
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.layer.Fields) {
			b := o.(*widget.Button)
			b.SetText(t.heading(id.Col))
			col := id.Col
			b.OnTapped = func() { t.sortBy(col) }
		}
	}
	for i := range t.layer.Fields {
		// Wide enough for its heading and the sort arrow, at least.
		head := fyne.MeasureText(t.title(i)+" ▼", theme.TextSize(), fyne.TextStyle{Bold: true}).Width
		t.table.SetColumnWidth(i, max(150, head+4*theme.Padding()+8))
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) && t.m.view != nil {
			t.m.view.pick(t.feature(id.Row))
		}
	}
	t.filter = widget.NewEntry()
	t.filter.SetPlaceHolder(lang.L("Filter: words found in any column"))
	t.filter.OnChanged = t.apply
	t.export = widget.NewButtonWithIcon(lang.L("Export to CSV…"), theme.DocumentSaveIcon(), t.askExport)
	var communeBox fyne.CanvasObject
	if len(t.communes.names) > 0 && t.layer.Name != communeLayer {
		t.offerCommunes()
		communeBox = container.NewHBox(widget.NewLabel(lang.L("Commune")), t.communeChoice)
	}
	t.apply("")
	bar := container.NewBorder(nil, nil, communeBox, container.NewHBox(t.count, t.export), t.filter)
	content := container.NewBorder(bar, nil, nil, nil, t.table)
	if a := fyne.CurrentApp(); a != nil {
		t.win = a.NewWindow(lang.L("{{.Layer}} — attribute table", map[string]any{"Layer": t.layer.DisplayTitle()}))
		t.win.SetContent(content)
		t.m.addQuitShortcut(t.win)
		t.win.Resize(fyne.NewSize(1280, 640))
		t.win.Show()
	}
}

// offerCommunes builds the commune drop-down: «Toutes les communes», then
// the workspace's communes by name, the one shown selected.
func (t *attributeTable) offerCommunes() {
	var options []string
	var chosen int
	t.communeCodes, options, chosen = t.communes.choices(t.commune)
	t.communeChoice = widget.NewSelect(options, nil)
	fitOptions(t.communeChoice)
	t.communeChoice.SetSelectedIndex(chosen)
	t.communeChoice.OnChanged = func(string) {
		t.commune = chosenCommune(t.communeCodes, t.communeChoice.SelectedIndex())
		t.apply(t.filter.Text)
	}
}

// choices are what a commune drop-down offers: the INSEE codes of the
// communes ordered by their names in French order, the options
// («Toutes les communes», then those names) and the index of the commune
// chosen among the options (0 for all).
func (c communeIndex) choices(chosen string) (codes, options []string, index int) {
	codes = make([]string, 0, len(c.names))
	for code := range c.names {
		codes = append(codes, code)
	}
	order := newTextOrder()
	slices.SortFunc(codes, func(a, b string) int { return order.compare(c.name(a), c.name(b)) })
	options = []string{lang.L("All communes")}
	for i, code := range codes {
		options = append(options, c.name(code))
		if code == chosen {
			index = i + 1
		}
	}
	return codes, options, index
}

// chosenCommune is the INSEE code of the i-th option of a commune
// drop-down whose codes choices returned; "" for «Toutes les communes».
func chosenCommune(codes []string, i int) string {
	if i > 0 && i-1 < len(codes) {
		return codes[i-1]
	}
	return ""
}
