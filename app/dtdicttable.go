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
// register and the networks found. Each cell is a label on a tint. Its
// columns fit the width it is given: the spare width goes to one column,
// and when they do not fit, the least useful give way, one by one.
type textTable struct {
	table *widget.Table
	// view is the table in a layout that fits its columns to its width:
	// what a screen shows.
	view    fyne.CanvasObject
	headers []string
	// widths are each column's least width.
	widths []float32
	// giveWay are the columns hidden, first to last, when the table is
	// too narrow for them all; stretch is the column given the spare width.
	giveWay []int
	stretch int
	// shown are the columns shown, in order, shownWidths their widths;
	// fitted is the width they were fitted to.
	shown       []int
	shownWidths []float32
	fitted      float32
	rows        func() int
	cell        func(row, col int) tableCell
}

// textColumns is how a textTable's columns share its width: least widths
// (each at least its header's), the columns that give way first to last
// when they do not fit, and the column given the spare width.
type textColumns struct {
	widths  []float32
	giveWay []int
	stretch int
}

// newTextTable makes a table of headers (each column at least as wide as
// its width in cols.widths), whose rows() rows are read through cell;
// onSelect, when set, gets the row tapped.
func newTextTable(headers []string, cols textColumns, rows func() int, cell func(row, col int) tableCell, onSelect func(row int)) *textTable {
	t := &textTable{headers: headers, rows: rows, cell: cell, giveWay: cols.giveWay, stretch: cols.stretch}
	for i := range headers {
		t.shown = append(t.shown, i)
	}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return t.rows(), len(t.shown) },
		func() fyne.CanvasObject { return newTintedLabel() },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 && id.Col < len(t.shown) {
				o.(*tintedLabel).show(t.cell(id.Row, t.shown[id.Col]))
			}
		})
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.shown) {
			o.(*widget.Label).SetText(t.headers[t.shown[id.Col]])
		}
	}
	for i, h := range headers {
		w := fyne.MeasureText(h, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 4*theme.Padding()
		if i < len(cols.widths) {
			w = max(w, cols.widths[i])
		}
		t.widths = append(t.widths, w)
		t.shownWidths = append(t.shownWidths, w)
		t.table.SetColumnWidth(i, w)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		t.table.UnselectAll() // a tap opens the row; nothing stays selected
		if onSelect != nil && id.Row >= 0 && id.Row < t.rows() {
			onSelect(id.Row)
		}
	}
	t.view = container.New(fitColumns{t}, t.table)
	return t
}

// fit chooses the columns shown in width and their widths: all of them
// if they fit, the stretch column taking what is left; else the columns
// that give way are hidden in their order until the others fit.
func (t *textTable) fit(width float32) {
	if width == t.fitted {
		return
	}
	t.fitted = width
	// The vertical scroll bar takes its share; columns are a padding apart.
	avail := width - theme.ScrollBarSize()
	hidden := map[int]bool{}
	total := func() float32 {
		var sum float32
		for i, w := range t.widths {
			if !hidden[i] {
				sum += w + theme.Padding()
			}
		}
		return sum
	}
	for _, c := range t.giveWay {
		if total() <= avail {
			break
		}
		hidden[c] = true
	}
	spare := max(0, avail-total())
	t.shown, t.shownWidths = t.shown[:0], t.shownWidths[:0]
	for i, w := range t.widths {
		if hidden[i] {
			continue
		}
		if i == t.stretch {
			w += spare
		}
		t.table.SetColumnWidth(len(t.shown), w)
		t.shown = append(t.shown, i)
		t.shownWidths = append(t.shownWidths, w)
	}
	t.table.Refresh()
}

// fitColumns lays a textTable's table over the whole space, its columns
// fitted to its width.
type fitColumns struct{ t *textTable }

// Layout fits the columns to size and gives the table all of it.
func (f fitColumns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.t.fit(size.Width)
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the table's: it scrolls.
func (f fitColumns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return f.t.table.MinSize()
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
