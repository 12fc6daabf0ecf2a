package app

import (
	"context"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dashboard"
	"terrimap/store"
)

// Chart sizes, in pixels: the images are drawn at this size and shown
// scaled into their cell. The presentation mode draws larger ones.
var (
	dashboardChartSize      = image.Pt(800, 500)
	dashboardPresentingSize = image.Pt(960, 600)
)

// dashboardView is the Tableau de bord: a commune chooser, then the
// dashboard's charts in a grid. The statistics are computed off the UI
// goroutine; a newer choice makes an older computation's result stale.
type dashboardView struct {
	win  fyne.Window
	ws   *store.Workspace
	do   func(func())
	now  func() time.Time
	size image.Point

	chooser *communeSelect
	// heading names the place shown, larger in the presentation mode.
	heading    *canvas.Text
	status     *widget.Label
	busy       *widget.ProgressBarInfinite
	grid       *fyne.Container
	present    *widget.Button
	presenting bool
	// generation counts the computations asked for; only the latest one's
	// result is shown.
	generation int
	cancel     context.CancelFunc
	// charts are those shown, for tests.
	charts []dashboard.Chart
}

// showDashboard opens the dashboard in a window of its own.
func (m *mainWindow) showDashboard() {
	if m.view == nil {
		return
	}
	d := newDashboardView(fyne.CurrentApp().NewWindow(lang.L("Dashboard")), m.sess.ws, m.do)
	m.addQuitShortcut(d.win)
	d.win.Resize(fyne.NewSize(1200, 720))
	d.win.Show()
	d.start()
}

// showDashboardPresenting opens the dashboard full screen, for a meeting.
func (m *mainWindow) showDashboardPresenting() {
	if m.view == nil {
		return
	}
	d := newDashboardView(fyne.CurrentApp().NewWindow(lang.L("Dashboard")), m.sess.ws, m.do)
	m.addQuitShortcut(d.win)
	d.setPresenting(true)
	d.win.Show()
	d.start()
}

func newDashboardView(win fyne.Window, ws *store.Workspace, do func(func())) *dashboardView {
	d := &dashboardView{win: win, ws: ws, do: do, now: time.Now, size: dashboardChartSize}
	d.chooser = newCommuneSelect(d.compute)
	d.heading = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	d.heading.TextStyle.Bold = true
	d.heading.TextSize = theme.TextSize() * 1.3
	d.status = widget.NewLabel("")
	d.status.SizeName = theme.SizeNameText
	d.busy = widget.NewProgressBarInfinite()
	d.busy.Hide()
	d.grid = container.NewAdaptiveGrid(3)
	d.present = widget.NewButtonWithIcon(lang.L("Presentation"), theme.ViewFullScreenIcon(), func() { d.setPresenting(!d.presenting) })
	top := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("Commune")), d.chooser.Select), d.present,
		container.NewHBox(d.heading, d.status, layout.NewSpacer()))
	win.SetContent(container.NewBorder(container.NewVBox(top, d.busy), nil, nil, nil, container.NewVScroll(d.grid)))
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape && d.presenting {
			d.setPresenting(false)
		}
	})
	win.SetOnClosed(func() {
		if d.cancel != nil {
			d.cancel()
		}
	})
	return d
}

// start reads the communes off the UI goroutine, then computes the whole
// intercommunality's dashboard.
func (d *dashboardView) start() {
	d.chooser.load(d.ws, d.do, func(err error) {
		if err != nil {
			d.status.SetText(lang.L("The communes could not be read."))
		}
		d.chooser.SetSelectedIndex(0) // computes
	})
}

// compute computes the chosen commune's statistics and charts off the UI
// goroutine and shows them.
func (d *dashboardView) compute() {
	if d.cancel != nil {
		d.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.generation++
	gen, insee, size, now, ws := d.generation, d.chooser.insee(), d.size, d.now(), d.ws
	d.busy.Show()
	d.busy.Start()
	d.status.SetText(lang.L("Computing…"))
	go func() {
		s, err := dashboard.Compute(ctx, ws, insee, now)
		var charts []dashboard.Chart
		if err == nil {
			charts, err = dashboard.Charts(s, size)
		}
		d.do(func() {
			if gen != d.generation {
				return // a newer choice is being computed
			}
			d.busy.Stop()
			d.busy.Hide()
			if err != nil {
				if ctx.Err() == nil {
					d.status.SetText(lang.L("The dashboard could not be computed."))
				}
				return
			}
			d.show(s, charts)
		})
	}()
}

// show puts the charts in the grid, under a heading naming the place and
// its network lengths.
func (d *dashboardView) show(s *dashboard.Stats, charts []dashboard.Chart) {
	d.charts = charts
	place := lang.L("The whole intercommunality")
	if s.INSEE != "" {
		place = s.Name
	}
	d.heading.Text = place
	d.heading.Color = theme.Color(theme.ColorNameForeground)
	d.heading.Refresh()
	d.status.SetText(lang.L("Drinking water {{.Water}}, sewers {{.Sewer}}, {{.Hydrants}} hydrants — on {{.Date}}", map[string]any{
		"Water": dashboard.Km(s.Water.Length / 1000), "Sewer": dashboard.Km(s.Sewer.Length / 1000),
		"Hydrants": dashboard.Count(s.Hydrants.Total), "Date": s.Now.Format("02/01/2006")}))
	objs := make([]fyne.CanvasObject, len(charts))
	// Three charts a row at the desk; two, larger, on a projector.
	cell, columns := fyne.NewSize(380, 237), 3
	if d.presenting {
		cell, columns = fyne.NewSize(600, 375), 2
	}
	d.grid.Layout = layout.NewAdaptiveGridLayout(columns)
	for i, c := range charts {
		img := canvas.NewImageFromImage(c.Image)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		img.SetMinSize(cell)
		objs[i] = img
	}
	d.grid.Objects = objs
	d.grid.Refresh()
}

// setPresenting shows the dashboard full screen with larger charts, or
// puts it back in its window.
func (d *dashboardView) setPresenting(on bool) {
	d.presenting = on
	d.win.SetFullScreen(on)
	if on {
		d.heading.TextSize = theme.TextSize() * 2
		d.status.SizeName = theme.SizeNameSubHeadingText // the summary, read from the back of the room
		d.size = dashboardPresentingSize
		d.present.SetText(lang.L("Leave the presentation"))
		d.present.SetIcon(theme.ViewRestoreIcon())
	} else {
		d.heading.TextSize = theme.TextSize() * 1.3
		d.status.SizeName = theme.SizeNameText
		d.size = dashboardChartSize
		d.present.SetText(lang.L("Presentation"))
		d.present.SetIcon(theme.ViewFullScreenIcon())
	}
	d.heading.Refresh()
	d.status.Refresh()
	if d.chooser.SelectedIndex() >= 0 {
		d.compute()
	}
}
