package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/mapui"
	"terrimap/mapview/tiles"
	"terrimap/store"
)

// communeLayer is the layer of the communes, whose outlines the offline
// preparation offers as areas.
const communeLayer = "communes"

// offlineArea is an area the user may prepare for offline work.
type offlineArea struct {
	name string
	area orb.Geometry
}

// loadCommunes reads the communes' names and outlines, sorted by name; I/O.
func loadCommunes(ctx context.Context, ws *store.Workspace) []offlineArea {
	var out []offlineArea
	_ = ws.Each(ctx, store.Query{Layer: communeLayer}, func(f store.Feature) bool {
		name, _ := f.Properties["nom_officiel"].(string)
		if name == "" {
			name, _ = f.Properties["nom"].(string)
		}
		if name != "" && f.Geometry != nil {
			out = append(out, offlineArea{name: name, area: f.Geometry})
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// basemapToPrepare returns the Internet basemap of the settings, which
// Prepare downloads; nil, with the reason, when there is none to download.
func (m *mainWindow) basemapToPrepare() (*tiles.XYZ, tiles.Kind, string) {
	name := m.settings.basemap
	var cfg tiles.XYZConfig
	switch p, ok := tiles.NamedConfig(name); {
	case ok:
		cfg = p
	case name == basemapPlatform && m.sess.client != nil:
		var err error
		if cfg, err = tiles.Platform(m.sess.client.URL(), "plan"); err != nil {
			return nil, 0, lang.L("The platform's map cannot be prepared for offline use.")
		}
		cfg.Header = m.sess.client.AuthHeader(context.Background())
	case name == "none":
		return nil, 0, lang.L("No basemap is chosen: choose one in the settings to prepare it too.")
	default:
		return nil, 0, lang.L("The basemap is a file on this computer: it already works offline.")
	}
	cfg.UserAgent = tiles.UserAgent(Version, "")
	x, err := tiles.NewXYZ(cfg)
	if err != nil {
		return nil, 0, lang.L("The platform's map cannot be prepared for offline use.")
	}
	return x, cfg.Kind, ""
}

// showOffline opens "Préparer le hors-ligne": choose a commune or the area
// on screen and the basemap's zooms, see how much it weighs, then download
// the data (a sync) and the tiles, with progress and cancel.
func (m *mainWindow) showOffline() {
	if m.view == nil {
		return
	}
	s := m.sess
	go func() {
		communes := loadCommunes(context.Background(), s.ws)
		m.do(func() { m.offlineDialog(communes) })
	}()
}

func (m *mainWindow) offlineDialog(communes []offlineArea) {
	m.offlineDialogWith(nil, communes)
}

// offlineForm is the offline dialog's widgets, for tests.
type offlineForm struct {
	area     *widget.Select
	estimate *widget.Label
	draw     *widget.Button
}

// offlineDialogWith offers drawn (when not nil) first, then the area on
// screen and the communes.
func (m *mainWindow) offlineDialogWith(drawn *offlineArea, communes []offlineArea) offlineForm {
	areas := []offlineArea{{name: lang.L("The area shown on the map"), area: m.view.mapw.Viewport.Bound().ToPolygon()}}
	if drawn != nil {
		areas = append([]offlineArea{*drawn}, areas...)
	}
	areas = append(areas, communes...)
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.name
	}
	zooms := []string{}
	for z := 10; z <= 19; z++ {
		zooms = append(zooms, strconv.Itoa(z))
	}
	area := widget.NewSelect(names, nil)
	minZ := widget.NewSelect(zooms, nil)
	maxZ := widget.NewSelect(zooms, nil)
	estimate := widget.NewLabel("")
	estimate.Wrapping = fyne.TextWrapWord
	src, kind, why := m.basemapToPrepare()
	update := func() {
		if src == nil {
			estimate.SetText(why)
			return
		}
		lo, _ := strconv.Atoi(minZ.Selected)
		hi, _ := strconv.Atoi(maxZ.Selected)
		if lo > hi {
			estimate.SetText(lang.L("The first zoom must not be above the last."))
			return
		}
		n, bytes, err := tiles.Estimate(areas[area.SelectedIndex()].area, maptile.Zoom(lo), maptile.Zoom(hi), kind)
		if err != nil {
			estimate.SetText(lang.L("This area cannot be prepared."))
			return
		}
		estimate.SetText(lang.L("{{.N}} basemap tiles, about {{.MB}} MB, besides the network data.", map[string]any{"N": n, "MB": fmt.Sprintf("%.0f", float64(bytes)/1e6+0.5)}))
	}
	area.OnChanged = func(string) { update() }
	minZ.OnChanged = func(string) { update() }
	maxZ.OnChanged = func(string) { update() }
	area.SetSelectedIndex(0)
	minZ.SetSelected("12")
	maxZ.SetSelected("17")
	var d dialog.Dialog
	draw := widget.NewButton(lang.L("Draw the area on the map…"), func() {
		d.Hide()
		v := m.view
		v.drawFor = func(g orb.Geometry) {
			if p, ok := g.(orb.Polygon); ok {
				m.offlineDialogWith(&offlineArea{name: lang.L("The area drawn on the map"), area: p}, communes)
			}
		}
		v.tools.SetSelected(lang.L("Draw a polygon"))
		v.mapw.SetTool(mapui.ToolDrawPolygon)
		m.status = lang.L("Draw the area to prepare: click each corner, double click to finish. Escape cancels.")
		m.refresh()
	})
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Area"), container.NewBorder(nil, nil, nil, draw, area)),
		widget.NewFormItem(lang.L("From zoom"), minZ),
		widget.NewFormItem(lang.L("To zoom"), maxZ),
		widget.NewFormItem("", estimate),
	}
	d = dialog.NewForm(lang.L("Prepare for offline work"), lang.L("Download"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		lo, _ := strconv.Atoi(minZ.Selected)
		hi, _ := strconv.Atoi(maxZ.Selected)
		m.prepareOffline(areas[area.SelectedIndex()], src, maptile.Zoom(lo), maptile.Zoom(hi))
	}, m.window)
	d.Resize(fyne.NewSize(640, 320))
	d.Show()
	return offlineForm{area: area, estimate: estimate, draw: draw}
}

// prepareOffline brings the data up to date (a sync), then downloads the
// basemap's tiles over the area, with progress and cancel. Tiles already
// there are skipped: cancelled, it resumes where it stopped.
func (m *mainWindow) prepareOffline(a offlineArea, src *tiles.XYZ, minZ, maxZ maptile.Zoom) {
	ctx, cancel := context.WithCancel(context.Background())
	s := m.sess
	stage := widget.NewLabel(lang.L("Bringing the network data up to date…"))
	bar := widget.NewProgressBar()
	d := dialog.NewCustom(lang.L("Prepare for offline work"), lang.L("Cancel"), container.NewVBox(stage, bar), m.window)
	d.SetOnClosed(cancel)
	d.Resize(fyne.NewSize(480, 160))
	d.Show()
	go func() {
		var syncErr, tileErr error
		if s.client != nil {
			_, syncErr = s.client.Sync(ctx)
		}
		if src != nil && ctx.Err() == nil {
			m.do(func() {
				stage.SetText(lang.L("Downloading the basemap of {{.Area}}…", map[string]any{"Area": a.name}))
			})
			tileErr = tiles.Prepare(ctx, src, tiles.CacheDir(s.ws.Path()), a.area, minZ, maxZ, func(done, total int) {
				if total > 0 && (done%20 == 0 || done == total) {
					m.do(func() { bar.SetValue(float64(done) / float64(total)) })
				}
			})
		}
		cancelled := ctx.Err() != nil
		m.do(func() {
			d.Hide()
			cancel()
			switch {
			case cancelled:
				m.status = lang.L("Offline preparation stopped; start it again to resume where it stopped.")
			case syncErr != nil || tileErr != nil:
				m.status = lang.L("Offline preparation incomplete.")
				showError(m.window, lang.L("The preparation could not finish: the platform or the basemap server cannot be reached. What was downloaded is kept; start again when the connection is back."))
			default:
				m.status = lang.L("{{.Area}} is ready for offline work.", map[string]any{"Area": a.name})
			}
			m.refresh()
			if m.view != nil {
				m.view.synced()
			}
		})
	}()
}
