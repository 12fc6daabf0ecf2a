package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// presentationMagnification is how much larger symbols and labels are
// drawn in the presentation mode, for a screen seen from across a room.
const presentationMagnification = 1.6

// presenting reports whether the window shows the presentation mode.
func (m *mainWindow) presenting() bool { return m.presentation != nil }

// togglePresentation enters or leaves the presentation mode (F11, the
// button, Escape to leave): the map alone, full screen, larger symbols and
// labels, a simple legend; the map is moved with the mouse and the keyboard.
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
	top := container.NewHBox(layout.NewSpacer(), card(container.NewHBox(hint, exit)))
	bottom := container.NewHBox(card(m.presentationLegend()), layout.NewSpacer())
	m.presentation = container.NewStack(v.mapw, container.NewBorder(top, bottom, nil, nil))
	m.window.SetMainMenu(nil)
	m.window.SetContent(m.presentation)
	m.window.SetFullScreen(true)
	m.sess.tiles.SetMagnification(presentationMagnification)
	v.mapw.Refresh()
	m.window.Canvas().Focus(v.mapw)
}

// leavePresentation puts the panels back.
func (m *mainWindow) leavePresentation() {
	if !m.presenting() {
		return
	}
	m.presentation = nil
	m.window.SetFullScreen(false)
	if m.sess != nil {
		m.sess.tiles.SetMagnification(1)
	}
	if m.menu != nil {
		m.window.SetMainMenu(m.menu.menu)
	}
	m.window.SetContent(m.root)
	if m.view != nil {
		m.view.centre.Refresh()
		m.view.mapw.Refresh()
	}
}

// presentationLegend lists the layers shown, each with its colour, in
// words an élu reads at a glance.
func (m *mainWindow) presentationLegend() fyne.CanvasObject {
	box := container.NewVBox()
	s := m.sess
	for i := len(s.order) - 1; i >= 0; i-- { // top of the map first
		ml := s.order[i]
		if s.hidden[ml.Name] {
			continue
		}
		l, err := s.ws.Layer(ml.Name)
		if err != nil {
			continue
		}
		if n := s.ws.Index().Len(ml.Name); n == 0 {
			continue
		}
		swatch := canvas.NewRectangle(color.Transparent)
		swatchOfStyle(ml.Style).paint(swatch)
		swatch.SetMinSize(fyne.NewSize(22, 14))
		swatch.CornerRadius = 3
		title := widget.NewLabelWithStyle(l.Schema.DisplayTitle(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box.Add(container.NewHBox(container.NewCenter(swatch), title))
	}
	return box
}

// card puts o on a translucent panel, readable over the map.
func card(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xd8})
	if fyne.CurrentApp() != nil && fyne.CurrentApp().Settings().ThemeVariant() == theme.VariantDark {
		bg.FillColor = color.NRGBA{R: 0x20, G: 0x20, B: 0x24, A: 0xd8}
	}
	bg.CornerRadius = 6
	return container.NewStack(bg, container.NewPadded(o))
}
