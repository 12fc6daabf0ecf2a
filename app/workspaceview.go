package app

import (
	"context"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/mapui"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
)

// workspaceView is an open workspace on screen: the map in the centre with
// its tools, the layers, search, feature and sync panels on the left, and
// the status line (cursor coordinates, scale, what waits to be sent).
type workspaceView struct {
	win       fyne.Window
	s         *session
	do        func(func())
	setStatus func(string)

	layers  *layerPanel
	search  *searchPanel
	feature *featurePanel
	sync    *syncPanel
	maint   *maintenancePanel
	tabs    *container.AppTabs
	featTab *container.TabItem

	mapw        *mapui.Map
	banner      *basemapBanner
	credits     *creditLine
	tools       *widget.Select
	coordSystem *widget.Select
	coords      *widget.Label
	scaleBar    *canvas.Rectangle
	scaleText   *canvas.Text
	scale       *widget.Label
	lambert     bool
	lastLL      orb.Point
	selected    *store.Feature

	// history holds the edits made since the app started, for undo and
	// redo; reverting is true while one is being written.
	history   editHistory
	reverting bool
	toolModes []mapui.Tool

	// The platform watch (autosync.go): whether it answers is shown in
	// onlineLabel; autoSync tells whether to sync when it comes back;
	// reachable replaces the client's look in tests.
	onlineLabel *widget.Label
	// The status bar (statusbar.go): syncLabel the changes waiting,
	// syncDetail the last sync or the one under way.
	syncLabel  *widget.Label
	syncDetail *widget.Label
	// due warns of the DT-DICT declarations to answer soon (dtdictstatus.go);
	// clicking it calls onDTDICT, which opens the register.
	due      *dueWarning
	onDTDICT func()
	// status is the whole line; the main window shows it across its
	// width, under the panels and the map.
	status fyne.CanvasObject
	// clock, when set, replaces time.Now (tests).
	clock      func() time.Time
	autoSync   func() bool
	reachable  func(context.Context) bool
	reachEvery time.Duration
	stopWatch  context.CancelFunc

	// centre holds the map and its bars; onPresent enters the
	// presentation mode.
	centre     fyne.CanvasObject
	onPresent  func()
	onSettings func()
	// drawFor, when set, takes the next shape drawn instead of a new
	// feature: the work zone of a report, an area to prepare.
	drawFor func(orb.Geometry)
	// choice is the menu of the features under the last click, when
	// several were (identify.go); nil when none is shown.
	choice *featureChoice
}

func newWorkspaceView(win fyne.Window, s *session, do func(func()), setStatus func(string)) *workspaceView {
	return &workspaceView{win: win, s: s, do: do, setStatus: setStatus, autoSync: func() bool { return true }, reachEvery: reachInterval,
		lastLL: orb.Point{math.NaN(), math.NaN()}} // no cursor over the map yet
}

// build returns the left panel and the centre.
func (v *workspaceView) build() (panel, centre fyne.CanvasObject) {
	v.layers = newLayerPanel(v.s, v.mapChanged, v.zoomToLayer)
	v.search = newSearchPanel(v.s, v.do, v.pick)
	v.search.selected = func() *store.Feature { return v.selected }
	v.feature = newFeaturePanel(v.win, v.s, v.do, v.edited)
	v.sync = newSyncPanel(v.win, v.s.ws, v.s.client, v.synced)
	v.sync.do = v.do
	v.sync.onState = v.showSyncState
	v.sync.onFinished = v.syncFinished
	v.sync.renderer, v.sync.layers = v.s.renderer, v.s.visibleLayers
	v.featTab = container.NewTabItem(lang.L("Feature"), v.feature.build())
	v.feature.maint.onEdited, v.feature.maint.onStatus, v.feature.maint.goTo = v.editedTogether, v.setStatus, v.pick
	v.maint = newMaintenancePanel(v)
	v.feature.onNearby = v.showNearby
	v.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Layers"), v.layers.build()),
		v.maint.tab(lang.L("Search"), v.search.build()),
		v.featTab,
		container.NewTabItem(lang.L("Sync"), v.sync.build()),
	)

	v.mapw = mapui.NewMap(v.s.tiles)
	v.mapw.SetDo(func(f func()) { v.do(f) })
	v.banner = newBasemapBanner(v.s.tiles, v.s.currentBasemap, v.do)
	v.s.tiles.SetOnDrawError(func(err error) {
		v.do(func() {
			v.setStatus(lang.L("Part of the map could not be drawn: {{.Why}}", map[string]any{"Why": err.Error()}))
		})
	})
	v.mapw.OnIdentify = v.identified
	v.mapw.OnCursor = v.cursorMoved
	v.mapw.OnViewChanged = func(vp mapview.Viewport) { v.showScale(vp) }
	v.mapw.OnSketchDone = v.sketchDone
	v.mapw.OnMeasure = func(m mapui.Measurement) { v.setStatus(describeMeasure(m)) }
	v.mapw.OnVertexEdited = v.vertexEdited

	toolNames := []string{lang.L("Navigate"), lang.L("Identify"), lang.L("Add a point"), lang.L("Draw a line"), lang.L("Draw a polygon"),
		lang.L("Move or reshape"), lang.L("Measure a distance"), lang.L("Measure an area")}
	v.toolModes = []mapui.Tool{mapui.ToolNavigate, mapui.ToolIdentify, mapui.ToolDrawPoint, mapui.ToolDrawLine, mapui.ToolDrawPolygon,
		mapui.ToolEdit, mapui.ToolMeasureDistance, mapui.ToolMeasureArea}
	v.tools = widget.NewSelect(toolNames, func(name string) {
		for i, n := range toolNames {
			if n == name {
				v.setTool(v.toolModes[i])
			}
		}
	})
	if !v.canEditSomething() {
		// A viewer (élu) sees no edit tools.
		v.tools.Options = []string{toolNames[0], toolNames[1], toolNames[6], toolNames[7]}
	}
	fitOptions(v.tools)
	v.tools.SetSelected(lang.L("Identify"))
	syncButton := widget.NewButtonWithIcon(lang.L("Synchronise"), theme.ViewRefreshIcon(), func() { v.sync.start() })
	if v.s.client == nil {
		// Without platform, the button shows for a workspace with outside
		// sources (WFS, OGC API): a sync refreshes them.
		syncButton.Hide()
		go func() {
			if client.HasSources(context.Background(), v.s.ws) {
				v.do(syncButton.Show)
			}
		}()
	}
	present := widget.NewButtonWithIcon(lang.L("Presentation"), theme.ViewFullScreenIcon(), func() {
		if v.onPresent != nil {
			v.onPresent()
		}
	})
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), func() {
		if v.onSettings != nil {
			v.onSettings()
		}
	})
	settings.Importance = widget.LowImportance
	toolbar := container.NewHBox(widget.NewLabel(lang.L("Tool")), v.tools, syncButton, layout.NewSpacer(), present, settings)
	v.coordSystem = widget.NewSelect([]string{"WGS84", "Lambert-93"}, func(s string) {
		v.lambert = s == "Lambert-93"
		v.cursorMoved(v.lastLL)
	})
	v.status = v.statusBar()
	v.coordSystem.SetSelectedIndex(0)
	centre = container.NewBorder(toolbar, nil, nil, nil, container.NewStack(v.mapw, v.mapControls(), v.banner.object))
	v.centre = centre
	v.shortcuts()
	return v.tabs, centre
}

// start loads what the panels show and frames the user's commune (the
// whole workspace when it knows of none).
func (v *workspaceView) start() {
	v.layers.reload(v.do)
	v.sync.reload()
	if v.s.home.framed {
		v.mapw.ZoomTo(v.s.home.bound)
	} else {
		v.mapw.ZoomToLayers()
	}
	v.watchPlatform()
}

func (v *workspaceView) close() {
	if v.stopWatch != nil {
		v.stopWatch()
	}
}

// canEditSomething reports whether some layer may be edited here.
func (v *workspaceView) canEditSomething() bool {
	for _, l := range v.s.ws.Layers() {
		if !l.ReadOnly() {
			return true
		}
	}
	return false
}

func (v *workspaceView) shortcuts() {
	c := v.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		v.tabs.SelectIndex(1)
		v.search.focus(c)
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		v.sync.start()
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { v.undo() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyY, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { v.redo() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}, func(fyne.Shortcut) { v.redo() })
	// The desktop driver hands Ctrl+Z and Ctrl+Y over as these, not as the
	// custom shortcuts above.
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { v.undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { v.redo() })
}

// typedKey handles the keys the window gets when no widget has the focus:
// Delete deletes the selected feature (after confirmation), Escape leaves
// the current tool for Identify and clears the selection.
func (v *workspaceView) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDelete:
		if v.selected != nil && v.feature.editable() {
			v.feature.confirmDelete()
		}
	case fyne.KeyEscape:
		v.drawFor = nil
		v.tools.SetSelected(lang.L("Identify"))
		v.mapw.SetSketch(nil)
		v.selectFeature(nil)
	}
}

// setTool switches the map's tool; the reshaping tool works on the
// selected feature.
func (v *workspaceView) setTool(t mapui.Tool) {
	v.mapw.SetTool(t)
	if t != mapui.ToolEdit {
		v.mapw.SetEditTarget(mapview.FeatureRef{}, nil)
		return
	}
	v.editSelected()
}

// editSelected gives the reshaping tool the selected feature, when the
// user may edit it, or says what to do.
func (v *workspaceView) editSelected() {
	if v.selected == nil || v.selected.Geometry == nil {
		v.mapw.SetEditTarget(mapview.FeatureRef{}, nil)
		v.setStatus(lang.L("Select a feature (Identify), then move its points."))
		return
	}
	if !v.feature.editable() {
		v.mapw.SetEditTarget(mapview.FeatureRef{}, nil)
		v.setStatus(v.feature.refusal())
		return
	}
	v.mapw.SetEditTarget(mapview.FeatureRef{Layer: v.selected.Layer, FID: v.selected.FID}, v.selected.Geometry)
	v.setStatus(lang.L("Drag a point to move it, tap a segment to add one, double tap a point to remove it."))
}

// vertexEdited saves the new shape of the feature being reshaped.
func (v *workspaceView) vertexEdited(ref mapview.FeatureRef, g orb.Geometry) {
	if v.selected == nil || v.selected.FID != ref.FID || v.selected.Layer != ref.Layer {
		return
	}
	before := *v.selected
	go func() {
		var after store.Feature
		err := v.s.ws.Edit(context.Background(), func(tx *store.Tx) error {
			var err error
			after, err = tx.Update(before.Layer, before.UUID, store.Change{Geometry: g, SetGeometry: true})
			return err
		})
		v.do(func() {
			if err != nil {
				showError(v.win, editErrorMessage(err))
				v.editSelected() // back to the stored shape
				return
			}
			v.edited(before, after)
			v.feature.show(&after)
		})
	}()
}

// undo takes back the last edit made since the app started.
func (v *workspaceView) undo() {
	v.revertLast(&v.history.done, &v.history.undone, lang.L("Nothing to undo."))
}

// redo makes again the last edit undone.
func (v *workspaceView) redo() {
	v.revertLast(&v.history.undone, &v.history.done, lang.L("Nothing to redo."))
}

// revertLast reverts the last record of from, in the background, and
// pushes what it did onto to.
func (v *workspaceView) revertLast(from, to *[]editRecord, nothing string) {
	if v.reverting {
		return
	}
	if len(*from) == 0 {
		v.setStatus(nothing)
		return
	}
	r := (*from)[len(*from)-1]
	v.reverting = true
	go func() {
		done, err := revert(context.Background(), v.s.ws, r)
		v.do(func() {
			v.reverting = false
			if err != nil {
				showError(v.win, editErrorMessage(err))
				return
			}
			*from = (*from)[:len(*from)-1]
			*to = append(*to, done)
			for _, step := range done.steps() {
				v.redraw(step.before, step.after)
			}
			if done.after.UUID != "" {
				v.selectFeature(&done.after)
			} else {
				v.selectFeature(nil)
			}
			v.setStatus(lang.L("{{.N}} edit(s) can be undone, {{.M}} redone.", map[string]any{"N": len(v.history.done), "M": len(v.history.undone)}))
		})
	}()
}

// mapChanged redraws after a layer was shown, hidden or faded.
func (v *workspaceView) mapChanged() {
	v.mapw.Refresh()
	v.showCredits()
}

// showCredits shows what the map owes its visible layers and its basemap.
func (v *workspaceView) showCredits() {
	if v.credits != nil {
		v.credits.show(v.s.credits())
	}
}

func (v *workspaceView) zoomToLayer(layer string) {
	if b, ok := v.s.ws.Index().Bound(layer); ok {
		v.mapw.ZoomTo(b)
	}
}

// pick shows a search result: zoom to it, select it, show its form.
func (v *workspaceView) pick(f store.Feature) {
	v.frame(f)
	v.selectFeature(&f)
}

// frame zooms the map to a feature.
func (v *workspaceView) frame(f store.Feature) {
	if f.Geometry != nil {
		b := f.Geometry.Bound()
		v.mapw.ZoomTo(b.Pad(math.Max(b.Right()-b.Left(), 0.002)))
	}
}

// selectFeature selects a feature and shows its form in the Objet tab.
func (v *workspaceView) selectFeature(f *store.Feature) {
	v.highlight(f)
	v.tabs.Select(v.featTab)
}

// highlight selects a feature on the map and fills the Objet tab with it,
// leaving the tab shown where it is (a list being gone through).
func (v *workspaceView) highlight(f *store.Feature) {
	v.selected = f
	if f == nil {
		v.s.tiles.SetSelection(nil)
	} else {
		v.s.tiles.SetSelection([]mapview.FeatureRef{{Layer: f.Layer, FID: f.FID}})
	}
	v.feature.show(f)
	if v.mapw.Tool == mapui.ToolEdit {
		v.editSelected()
	}
	v.mapw.Refresh()
}

// edited records an edit the user made, for undo, and redraws what it touched.
func (v *workspaceView) edited(before, after store.Feature) {
	v.history.record(editRecord{before: before, after: after})
	v.redraw(before, after)
}

// editedTogether records edits made in one transaction (an intervention
// and the last-check date it moved), undone together, and shows them.
func (v *workspaceView) editedTogether(r editRecord) {
	v.history.record(r)
	for _, step := range r.steps() {
		v.redraw(step.before, step.after)
		if cur := v.feature.current; cur != nil && step.after.UUID == cur.UUID && step.after.Layer == cur.Layer && step.after.UUID != r.after.UUID {
			v.feature.show(&step.after) // the equipment shown took a new value
		}
	}
}

// redraw shows what an edit touched and updates the waiting count.
func (v *workspaceView) redraw(before, after store.Feature) {
	if v.selected != nil && after.UUID == v.selected.UUID {
		v.selected = &after
	}
	for _, f := range []store.Feature{before, after} {
		if f.Geometry != nil {
			v.s.tiles.Invalidate(f.Layer, f.Geometry.Bound())
		}
	}
	v.sync.reload()
	v.layers.reload(v.do)
	v.mapw.Refresh()
}

// synced picks up what a sync brought.
func (v *workspaceView) synced() {
	go func() {
		access := v.s.loadAccess()
		styles := v.s.loadStyles()
		v.do(func() {
			v.s.access = access
			v.s.reloadLayers(styles)
			v.s.tiles.Invalidate("", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}})
			v.layers.reload(v.do)
			v.mapw.Refresh()
		})
	}()
}

func (v *workspaceView) cursorMoved(ll orb.Point) {
	v.lastLL = ll
	if math.IsNaN(ll[0]) || math.IsNaN(ll[1]) { // the cursor left the map
		v.coords.SetText("—")
		return
	}
	if v.lambert {
		p := mapview.LonLatToLambert93(ll)
		v.coords.SetText(formatLambert(p[0], p[1]))
	} else {
		v.coords.SetText(formatLonLat(ll[0], ll[1]))
	}
}

func (v *workspaceView) showScale(vp mapview.Viewport) {
	v.scale.SetText(lang.L("Scale 1:{{.N}}", map[string]any{"N": scaleNumber(vp)}))
	if v.scaleBar == nil {
		return
	}
	metres, width := v.mapw.ScaleBar()
	v.scaleBar.SetMinSize(fyne.NewSize(float32(width), 4))
	v.scaleBar.Refresh()
	v.scaleText.Text = paper.Length(metres)
	v.scaleText.Refresh()
}

// mapControls are drawn over the map: zoom buttons at the top right, a
// graphic scale bar at the bottom left.
func (v *workspaceView) mapControls() fyne.CanvasObject {
	zoom := func(dz float64) func() {
		return func() {
			vp := v.mapw.Viewport
			v.mapw.SetViewport(vp.ZoomAround(orb.Point{float64(vp.Width) / 2, float64(vp.Height) / 2}, dz))
		}
	}
	in := widget.NewButtonWithIcon("", theme.ZoomInIcon(), zoom(1))
	out := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), zoom(-1))
	all := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { v.mapw.ZoomToLayers() })
	v.scaleBar = canvas.NewRectangle(color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff})
	v.scaleBar.SetMinSize(fyne.NewSize(60, 4))
	v.scaleText = canvas.NewText("", color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff})
	v.scaleText.TextSize = 12
	// On a card, like the basemap banner: the map's features never
	// cover «1 km».
	bar := card(container.NewVBox(v.scaleText, v.scaleBar))
	v.credits = newCreditLine()
	v.showCredits()
	return container.NewBorder(nil, container.NewBorder(nil, nil, container.NewPadded(bar), nil, container.NewPadded(v.credits.object)), nil,
		container.NewVBox(container.NewPadded(container.NewVBox(in, out, all))))
}

// scaleNumber is the N of the view's scale 1:N as printed maps state it
// (paper.ScaleNumber: «55 000»), "?" for a view without a scale.
func scaleNumber(vp mapview.Viewport) string {
	if n := paper.ScaleNumber(vp.ScaleDenominator()); n != "" {
		return n
	}
	return "?"
}

// describeMeasure states a measurement with the decimal mark of the
// user's language («Longueur 12,3 m»): to the decimetre, the area to the
// square metre.
func describeMeasure(m mapui.Measurement) string {
	length := formatReal(math.Round(m.Length*10) / 10)
	if m.Area > 0 {
		return lang.L("Length {{.L}} m · area {{.A}} m²", map[string]any{"L": length, "A": formatReal(math.Round(m.Area))})
	}
	return lang.L("Length {{.L}} m", map[string]any{"L": length})
}

// sketchDone asks in which layer to add the drawn geometry, then creates
// the feature with the layer's defaults and opens its form.
func (v *workspaceView) sketchDone(g orb.Geometry) {
	if f := v.drawFor; f != nil {
		v.drawFor = nil
		v.tools.SetSelected(lang.L("Identify"))
		f(g)
		return
	}
	var names, titles []string
	for _, l := range v.s.ws.Layers() {
		if l.ReadOnly() || !fitsLayer(l.Schema.GeometryType, g) {
			continue
		}
		names = append(names, l.Name())
		titles = append(titles, l.Schema.DisplayTitle())
	}
	if len(names) == 0 {
		showError(v.win, lang.L("No layer you may edit takes this kind of shape."))
		return
	}
	sel := widget.NewSelect(titles, nil)
	sel.SetSelectedIndex(0)
	dialog.ShowCustomConfirm(lang.L("Add to which layer?"), lang.L("Add"), lang.L("Cancel"), sel, func(ok bool) {
		if !ok {
			return
		}
		layer := names[sel.SelectedIndex()]
		go func() {
			var f store.Feature
			err := v.s.ws.Edit(context.Background(), func(tx *store.Tx) error {
				var err error
				f, err = tx.Create(layer, store.Feature{Geometry: g})
				return err
			})
			v.do(func() {
				if err != nil {
					showError(v.win, editErrorMessage(err))
					return
				}
				v.edited(store.Feature{}, f)
				v.selectFeature(&f)
			})
		}()
	}, v.win)
}

// fitsLayer reports whether a geometry can go in a layer of type t.
func fitsLayer(t schema.GeometryType, g orb.Geometry) bool {
	switch g.(type) {
	case orb.Point:
		return t == schema.Point || t == schema.MultiPoint || t == schema.AnyGeometry
	case orb.LineString:
		return t == schema.LineString || t == schema.MultiLineString || t == schema.AnyGeometry
	case orb.Polygon:
		return t == schema.Polygon || t == schema.MultiPolygon || t == schema.AnyGeometry
	}
	return t == schema.AnyGeometry
}

func isPolygonal(t schema.GeometryType) bool { return t == schema.Polygon || t == schema.MultiPolygon }

// showNearby lists, in the search tab, the features nearest f (the Objet
// tab's «À proximité»), leaving any maintenance list for the search.
func (v *workspaceView) showNearby(f *store.Feature) {
	if v.maint.choice.SelectedIndex() >= 0 {
		v.maint.choice.ClearSelected()
	}
	v.tabs.Select(v.maint.item)
	v.search.nearby(f)
}
