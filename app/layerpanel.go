package app

import (
	"context"
	"image/color"

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
	// note, under the list, says why «Zoom to layer» did not move the map.
	note *widget.Label
}

type layerRow struct {
	name, title string
	readOnly    bool
	swatch      swatch
}

// swatch is how a layer looks in the lists: its fill and its outline.
type swatch struct {
	fill, stroke color.Color
}

// paint gives r the swatch's colours.
func (sw swatch) paint(r *canvas.Rectangle) {
	r.FillColor, r.StrokeColor, r.StrokeWidth = sw.fill, sw.stroke, 2
	r.Refresh()
}

// lockIcon marks a read-only layer: a padlock, in the theme's colour.
var lockIcon = theme.NewThemedResource(fyne.NewStaticResource("lock.svg", []byte(
	`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M12 1a5 5 0 0 0-5 5v4H6a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-9a2 2 0 0 0-2-2h-1V6a5 5 0 0 0-5-5zm-3 9V6a3 3 0 0 1 6 0v4H9z"/></svg>`)))

// opacityWidth is the width of a layer's opacity slider, beside its name.
const opacityWidth = 52

func newLayerPanel(s *session, onChanged func(), onZoom func(string)) *layerPanel {
	return &layerPanel{s: s, onChanged: onChanged, onZoom: onZoom, counts: map[string]int{}}
}

func (p *layerPanel) build() fyne.CanvasObject {
	p.list = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newLayerItem() },
		func(i widget.ListItemID, o fyne.CanvasObject) { p.updateItem(p.rows[i], o.(*layerItem)) },
	)
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.WarningImportance
	p.note.Hide()
	return container.NewBorder(nil, p.note, nil, nil, p.list)
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
	it.count.SizeName = theme.SizeNameCaptionText
	it.zoom.Importance = widget.LowImportance
	it.opacity.Step = 0.1
	// One line a layer: the name takes what the rest leaves.
	slider := container.NewGridWrap(fyne.NewSize(opacityWidth, it.opacity.MinSize().Height), it.opacity)
	it.content = container.NewBorder(nil, nil, container.NewHBox(it.check, container.NewCenter(it.swatch)),
		container.NewHBox(it.count, it.lock, slider, it.zoom), it.title)
	it.ExtendBaseWidget(it)
	return it
}

// CreateRenderer draws the row's widgets.
func (it *layerItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(it.content)
}

func (p *layerPanel) updateItem(r layerRow, it *layerItem) {
	it.title.SetText(r.title)
	r.swatch.paint(it.swatch)
	it.count.SetText(groupDigits(p.counts[r.name]))
	if r.readOnly {
		it.lock.SetResource(lockIcon)
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
	it.zoom.OnTapped = func() { p.zoomTo(r) }
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

// zoomTo shows a layer's extent on the map, or says under the list why
// it cannot: the layer has no feature yet, or its rows have no geometry
// (the one-stop shop's settings, dtdict_ouvrages).
func (p *layerPanel) zoomTo(r layerRow) {
	if _, ok := p.s.ws.Index().Bound(r.name); ok {
		p.note.Hide()
		if p.onZoom != nil {
			p.onZoom(r.name)
		}
		return
	}
	if p.counts[r.name] == 0 {
		p.note.SetText(lang.L("The layer «{{.Layer}}» has no feature yet.", map[string]any{"Layer": r.title}))
	} else {
		p.note.SetText(lang.L("«{{.Layer}}» has nothing to show on the map: its features have no geometry.", map[string]any{"Layer": r.title}))
	}
	p.note.Show()
}

// reload reads the layers and their counts off the UI goroutine.
func (p *layerPanel) reload(do func(func())) {
	order := p.s.order // a sync may replace it while the rows are read
	go func() {
		counts, _ := p.s.ws.LayerCounts(context.Background())
		var rows []layerRow
		for i := len(order) - 1; i >= 0; i-- { // top of the map first
			ml := order[i]
			l, err := p.s.ws.Layer(ml.Name)
			if err != nil {
				continue
			}
			rows = append(rows, layerRow{name: ml.Name, title: l.Schema.DisplayTitle(), readOnly: l.ReadOnly(), swatch: swatchOfStyle(ml.Style)})
		}
		do(func() {
			p.rows, p.counts = rows, counts
			p.list.Refresh()
		})
	}()
}

// swatchOfStyle is how a layer's first style draws it: its fill (its
// stroke for lines) outlined by its stroke, so that a white manhole with a
// dark ring reads as such.
func swatchOfStyle(st *mapview.Style) swatch {
	grey := color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
	if st != nil {
		sw := swatch{fill: color.Transparent, stroke: grey}
		if st.Stroke != nil {
			sw.stroke = color.NRGBA(*st.Stroke)
		}
		switch {
		case st.Fill != nil && st.Fill.A > 0x40:
			sw.fill = color.NRGBA(*st.Fill)
		case st.Stroke != nil:
			sw.fill = sw.stroke
		default:
			sw.fill = grey
		}
		return sw
	}
	return swatch{fill: grey, stroke: grey}
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
