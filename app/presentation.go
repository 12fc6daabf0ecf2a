package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/mapview"
)

// presentationMagnification is how much larger symbols and labels are
// drawn in the presentation mode, for a screen seen from across a room.
const presentationMagnification = 1.6

// Size of a legend swatch, in Fyne units, and the zoom its symbols are
// drawn at when the map shows less (a hydrant is a dot at zoom 12).
const (
	legendSwatchWidth   = 30
	legendSwatchHeight  = 16
	legendMinSwatchZoom = 15
	legendOneColumn     = 6
)

// presenting reports whether the window shows the presentation mode.
func (m *mainWindow) presenting() bool { return m.presentation != nil }

// togglePresentation enters or leaves the presentation mode (F11, the
// button, Escape to leave): the map alone, full screen, larger symbols and
// labels, a small legend that folds away, no selection ring; the map is
// moved with the mouse and the keyboard.
func (m *mainWindow) togglePresentation() {
	if m.presenting() {
		m.leavePresentation()
		return
	}
	if m.view == nil {
		m.window.SetFullScreen(!m.window.FullScreen())
		return
	}
	v := m.view
	hint := widget.NewLabelWithStyle(lang.L("Presentation — Escape or F11 to leave"), fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
	exit := widget.NewButtonWithIcon(lang.L("Leave the presentation"), theme.ViewRestoreIcon(), m.leavePresentation)
	exit.Importance = widget.LowImportance
	board := widget.NewButtonWithIcon(lang.L("Dashboard"), theme.GridIcon(), m.showDashboardPresenting)
	board.Importance = widget.LowImportance
	top := container.NewVBox(container.NewHBox(layout.NewSpacer(), card(container.NewHBox(hint, board, exit))))
	if v.banner != nil {
		top.Add(v.banner.object) // under the hint, not over it
	}
	m.legend = newPresentationLegend(m.sess, v.mapw.Viewport.Zoom)
	bottom := container.NewHBox(card(m.legend.object), layout.NewSpacer())
	m.presentation = container.NewStack(v.mapw, container.NewBorder(top, bottom, nil, nil))
	m.window.SetMainMenu(nil)
	m.window.SetContent(m.presentation)
	m.window.SetFullScreen(true)
	m.sess.tiles.SetSelection(nil) // the ring is for editing, not for a meeting
	m.sess.tiles.SetMagnification(presentationMagnification)
	v.mapw.Refresh()
	m.window.Canvas().Focus(v.mapw)
}

// leavePresentation puts the panels back, the symbols and labels at their
// size and the selection as it was.
func (m *mainWindow) leavePresentation() {
	if !m.presenting() {
		return
	}
	m.presentation, m.legend = nil, nil
	m.window.SetFullScreen(false)
	if m.sess != nil {
		m.sess.tiles.SetMagnification(1)
	}
	if m.menu != nil {
		m.window.SetMainMenu(m.menu.menu)
	}
	m.window.SetContent(m.root)
	if m.view != nil {
		if f := m.view.selected; f != nil {
			m.sess.tiles.SetSelection([]mapview.FeatureRef{{Layer: f.Layer, FID: f.FID}})
		}
		m.view.centre.Refresh()
		m.view.mapw.Refresh()
	}
}

// presentationLegend lists the layers shown, top first, each with its
// swatch drawn by the map engine as the map draws it (dashes, symbols), in
// words an élu reads at a glance; it folds into its title.
type presentationLegend struct {
	object fyne.CanvasObject
	toggle *widget.Button
	list   *fyne.Container
	// swatches and titles, top layer first.
	swatches []*canvas.Image
	titles   []string
}

// newPresentationLegend makes the legend of the session's visible layers,
// their symbols drawn as at zoom (at least legendMinSwatchZoom).
func newPresentationLegend(s *session, zoom float64) *presentationLegend {
	g := &presentationLegend{}
	var rows []fyne.CanvasObject
	zoom = math.Max(zoom, legendMinSwatchZoom)
	for i := len(s.order) - 1; i >= 0; i-- { // top of the map first
		ml := s.order[i]
		if s.hidden[ml.Name] {
			continue
		}
		l, err := s.ws.Layer(ml.Name)
		if err != nil || s.ws.Index().Len(ml.Name) == 0 {
			continue
		}
		img := mapview.DrawSwatch(ml.Style, mapview.SwatchKindOf(l.Schema.GeometryType), nil, zoom,
			legendSwatchWidth, legendSwatchHeight, 2)
		sw := canvas.NewImageFromImage(img)
		sw.FillMode = canvas.ImageFillContain
		sw.SetMinSize(fyne.NewSize(legendSwatchWidth, legendSwatchHeight))
		title := l.Schema.DisplayTitle()
		text := canvas.NewText(title, theme.Color(theme.ColorNameForeground))
		text.TextSize = theme.CaptionTextSize() + 1
		g.swatches, g.titles = append(g.swatches, sw), append(g.titles, title)
		rows = append(rows, container.NewHBox(container.NewCenter(sw), container.NewCenter(text)))
	}
	// Two columns past legendOneColumn layers: the legend stays within a
	// quarter of a laptop's screen.
	g.list = container.NewVBox(rows...)
	if len(rows) > legendOneColumn {
		g.list = container.NewGridWithColumns(2, rows...)
	}
	g.toggle = widget.NewButtonWithIcon(lang.L("Legend"), theme.MenuDropDownIcon(), g.fold)
	g.toggle.Importance = widget.LowImportance
	g.toggle.Alignment = widget.ButtonAlignLeading
	g.object = container.NewVBox(g.toggle, g.list)
	return g
}

// fold hides the list of layers, or shows it again.
func (g *presentationLegend) fold() {
	if g.list.Visible() {
		g.list.Hide()
		g.toggle.SetIcon(theme.MenuExpandIcon())
	} else {
		g.list.Show()
		g.toggle.SetIcon(theme.MenuDropDownIcon())
	}
}

// card puts o on a translucent panel of the app's own background (light
// or dark as the user chose), readable over the map.
func card(o fyne.CanvasObject) fyne.CanvasObject {
	r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xe0})
	bg.CornerRadius = 6
	return container.NewStack(bg, container.NewPadded(o))
}
