package app

import (
	"context"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/mapview"
	"terrimap/store"
)

// layerPanel lists the workspace's layers, top of the map first: visibility,
// a legend swatch from the layer's style, opacity, read-only padlock,
// feature count, and zoom to the layer.
type layerPanel struct {
	s *session
	// onChanged is called after visibility or opacity changed.
	onChanged func()
	// onZoom asks the map to show a layer's extent.
	onZoom func(layer string)

	list   *widget.List
	rows   []layerRow
	counts map[string]int
}

type layerRow struct {
	name, title string
	readOnly    bool
	swatch      color.Color
}

func newLayerPanel(s *session, onChanged func(), onZoom func(string)) *layerPanel {
	return &layerPanel{s: s, onChanged: onChanged, onZoom: onZoom, counts: map[string]int{}}
}

func (p *layerPanel) build() fyne.CanvasObject {
	p.list = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newLayerItem() },
		func(i widget.ListItemID, o fyne.CanvasObject) { p.updateItem(p.rows[i], o.(*layerItem)) },
	)
	return p.list
}

// layerItem is one row of the layer list; it keeps its widgets.
type layerItem struct {
	widget.BaseWidget
	check   *widget.Check
	swatch  *canvas.Rectangle
	title   *widget.Label
	count   *widget.Label
	lock    *widget.Icon
	zoom    *widget.Button
	opacity *widget.Slider
	content fyne.CanvasObject
}

var _ fyne.Widget = (*layerItem)(nil)

func newLayerItem() *layerItem {
	it := &layerItem{
		check:   widget.NewCheck("", nil),
		swatch:  canvas.NewRectangle(color.Transparent),
		title:   widget.NewLabel(""),
		count:   widget.NewLabel(""),
		lock:    widget.NewIcon(nil),
		zoom:    widget.NewButtonWithIcon("", theme.ZoomFitIcon(), nil),
		opacity: widget.NewSlider(0.2, 1),
	}
	it.swatch.SetMinSize(fyne.NewSize(14, 14))
	it.swatch.CornerRadius = 3
	it.title.Truncation = fyne.TextTruncateEllipsis
	it.zoom.Importance = widget.LowImportance
	it.opacity.Step = 0.1
	top := container.NewBorder(nil, nil, container.NewHBox(it.check, container.NewCenter(it.swatch)),
		container.NewHBox(it.count, it.lock, it.zoom), it.title)
	it.content = container.NewVBox(top, it.opacity)
	it.ExtendBaseWidget(it)
	return it
}

// CreateRenderer draws the row's widgets.
func (it *layerItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(it.content)
}

func (p *layerPanel) updateItem(r layerRow, it *layerItem) {
	it.title.SetText(r.title)
	it.swatch.FillColor = r.swatch
	it.swatch.Refresh()
	it.count.SetText(strconv.Itoa(p.counts[r.name]))
	if r.readOnly {
		it.lock.SetResource(theme.VisibilityIcon())
	} else {
		it.lock.SetResource(nil)
	}
	it.check.OnChanged = nil
	it.check.SetChecked(!p.s.hidden[r.name])
	it.check.OnChanged = func(on bool) {
		p.s.hidden[r.name] = !on
		p.s.applyLayers()
		if p.onChanged != nil {
			p.onChanged()
		}
	}
	it.zoom.OnTapped = func() {
		if p.onZoom != nil {
			p.onZoom(r.name)
		}
	}
	it.opacity.OnChangeEnded = nil
	op := p.s.opacity[r.name]
	if op == 0 {
		op = 1
	}
	it.opacity.SetValue(op)
	it.opacity.OnChangeEnded = func(v float64) {
		p.s.opacity[r.name] = v
		p.s.applyLayers()
		if p.onChanged != nil {
			p.onChanged()
		}
	}
}

// reload reads the layers and their counts off the UI goroutine.
func (p *layerPanel) reload(do func(func())) {
	go func() {
		counts, _ := p.s.ws.LayerCounts(context.Background())
		var rows []layerRow
		for i := len(p.s.order) - 1; i >= 0; i-- { // top of the map first
			ml := p.s.order[i]
			l, err := p.s.ws.Layer(ml.Name)
			if err != nil {
				continue
			}
			rows = append(rows, layerRow{name: ml.Name, title: l.Schema.DisplayTitle(), readOnly: l.ReadOnly(), swatch: swatchColor(ml.Style, p.s.styles[ml.Name])})
		}
		do(func() {
			p.rows, p.counts = rows, counts
			p.list.Refresh()
		})
	}()
}

// swatchColor is the colour that stands for a layer in the list.
func swatchColor(styles ...*mapview.Style) color.Color {
	for _, st := range styles {
		if st == nil {
			continue
		}
		if st.Fill != nil && st.Fill.A > 0x40 {
			return color.NRGBA(*st.Fill)
		}
		if st.Stroke != nil {
			return color.NRGBA(*st.Stroke)
		}
	}
	return color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
}

// readOnlyReason says why a layer cannot be edited here.
func readOnlyReason(s *session, l *store.Layer) string {
	if a, ok := s.access[l.Name()]; ok && a.Reason != "" {
		return a.Reason
	}
	if l.ReadOnly() {
		return lang.L("This layer is read-only.")
	}
	return ""
}
