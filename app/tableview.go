package app

import (
	"context"
	"slices"

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
//
// It reads rows on demand: SQLite filters and sorts the layer into the
// list of fids shown (rows), and the table reads the features of the
// pages in view (pages), so that half a million rows open in a moment.
type attributeTable struct {
	m        *mainWindow
	ws       *store.Workspace
	layer    schema.Layer
	communes communeIndex
	// commune is the commune shown (an INSEE code, "" for all), the
	// user's own when the table opens; inCommune holds the fids of the
	// features that lie in a commune, for layers that do not name it.
	commune   string
	inCommune map[string][]int64
	// only, when set, keeps the features of these UUIDs alone (a blocker's
	// tronçons, from the ICGP window), in the order of their rank (longest
	// first) until a column is sorted on.
	only map[string]int
	// communeCodes are the codes communeChoice offers after «Toutes les
	// communes».
	communeCodes  []string
	communeChoice *widget.Select
	// rows are the fids of the rows shown, filtered and sorted; total is
	// the layer's number of rows.
	rows  []int64
	total int
	// pages are the rows read, by page of rows; gen counts the row lists
	// asked, loaded the one shown (pages of another are dropped), and
	// cancel stops the reading of the list asked before.
	pages  *pageCache
	gen    int
	loaded int
	cancel context.CancelFunc
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

// openTable opens the layer's table in a window of its own, then reads
// its rows off the UI goroutine.
func (m *mainWindow) openTable(layer string) *attributeTable {
	l, err := m.sess.ws.Layer(layer)
	if err != nil {
		return nil
	}
	t := &attributeTable{m: m, ws: m.sess.ws, layer: l.Schema, sortCol: -1, inCommune: map[string][]int64{}, pages: newPageCache()}
	ws, c, access := m.sess.ws, m.sess.client, m.sess.access
	go func() {
		ctx := context.Background()
		total, err := ws.CountRows(ctx, layer)
		communes := readCommuneIndex(ctx, ws)
		commune := ""
		if layer != communeLayer && len(communes.names) > 0 {
			commune = userCommune(ctx, c, access, communes)
		}
		m.do(func() {
			if err != nil {
				showError(m.window, lang.L("The layer could not be read. Check that the workspace is not open in another program."))
				return
			}
			t.total, t.communes, t.commune = total, communes, commune
			if t.only != nil {
				t.commune = "" // a blocker's tronçons, wherever they are
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

// text returns the cell shown at a row and column of the table; "" until
// its page is read (asked for here).
func (t *attributeTable) text(row, col int) string {
	r, ok := t.row(row)
	if !ok {
		return ""
	}
	return r.cells[col]
}

// feature returns the feature shown at a row, when its page is read.
func (t *attributeTable) feature(row int) (store.Feature, bool) {
	r, ok := t.row(row)
	return r.f, ok
}

// apply shows the features of the commune chosen whose cells hold the
// filter's words, case and accents aside, in the order chosen.
func (t *attributeTable) apply(string) { t.reload() }

// sortBy sorts on a column: ascending on the first click, then the other
// way on each click.
func (t *attributeTable) sortBy(col int) {
	if col == t.sortCol {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	t.reload()
	t.table.Refresh()
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
	t.count = widget.NewLabel(lang.L("Reading the rows…"))
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
			t.pickRow(id.Row)
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
	t.reload()
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
		t.reload()
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
