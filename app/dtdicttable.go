package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The tints of a register's row: a declaration past its due date, one due
// within two days.
var (
	tintOverdue = color.NRGBA{R: 0xfd, G: 0xec, B: 0xea, A: 0xff}
	tintSoon    = color.NRGBA{R: 0xff, G: 0xf3, B: 0xe0, A: 0xff}
)

// tableCell is what a cell of a textTable shows: its text, its colour
// (widget.DangerImportance for red…) and its row's tint (nil for none).
type tableCell struct {
	text       string
	importance widget.Importance
	bold       bool
	tint       color.Color
}

// textTable is a read-only table of text with a header row: the DT-DICT
// register and the networks found. Each cell is a label on a tint.
type textTable struct {
	table   *widget.Table
	headers []string
	rows    func() int
	cell    func(row, col int) tableCell
}

// newTextTable makes a table of headers (each column at least as wide as
// its width in widths), whose rows() rows are read through cell; onSelect,
// when set, gets the row tapped.
func newTextTable(headers []string, widths []float32, rows func() int, cell func(row, col int) tableCell, onSelect func(row int)) *textTable {
	t := &textTable{headers: headers, rows: rows, cell: cell}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return t.rows(), len(t.headers) },
		func() fyne.CanvasObject { return newTintedLabel() },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*tintedLabel).show(t.cell(id.Row, id.Col)) })
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.headers) {
			o.(*widget.Label).SetText(t.headers[id.Col])
		}
	}
	for i, h := range headers {
		w := fyne.MeasureText(h, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 4*theme.Padding()
		if i < len(widths) {
			w = max(w, widths[i])
		}
		t.table.SetColumnWidth(i, w)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		t.table.UnselectAll() // a tap opens the row; nothing stays selected
		if onSelect != nil && id.Row >= 0 && id.Row < t.rows() {
			onSelect(id.Row)
		}
	}
	return t
}

// tintedLabel is a table's cell: a label on a tint.
type tintedLabel struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	label *widget.Label
}

var _ fyne.Widget = (*tintedLabel)(nil)

func newTintedLabel() *tintedLabel {
	c := &tintedLabel{bg: canvas.NewRectangle(color.Transparent), label: widget.NewLabel("")}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

// show gives the cell c's text, colour and tint.
func (c *tintedLabel) show(tc tableCell) {
	tint := tc.tint
	if tint == nil {
		tint = color.Transparent
	}
	if c.bg.FillColor != tint {
		c.bg.FillColor = tint
		c.bg.Refresh()
	}
	c.label.Importance = tc.importance
	c.label.TextStyle.Bold = tc.bold
	c.label.SetText(tc.text)
	c.label.Refresh()
}

// CreateRenderer lays the label over its tint.
func (c *tintedLabel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label))
}

// formItemWithHint is a form's item with a hint under its widget.
func formItemWithHint(label string, o fyne.CanvasObject, hint string) *widget.FormItem {
	it := widget.NewFormItem(label, o)
	it.HintText = hint
	return it
}
