package app

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/client/wfs"
)

// sourceDialog adds an outside source, read only and refreshed at every
// sync: a feature type of a WFS (GeoServer, QGIS Server, MapServer, the
// IGN Géoplateforme) or a collection of an OGC API – Features server. As
// in QGIS's WFS dialog: an address, «Connect», the server's layers with
// their title and abstract, and the choice to download only what the map
// shows.
type sourceDialog struct {
	win fyne.Window
	ws  *store.Workspace
	do  func(func())
	// view is the map's extent, for «only the area shown».
	view orb.Bound
	// onAdded is called on the UI goroutine with the layer made.
	onAdded func(layer string)

	kind     *widget.RadioGroup
	address  *widget.Entry
	connect  *widget.Button
	layers   *widget.List
	about    *widget.Label
	onlyView *widget.Check
	status   *widget.Label
	busy     *widget.ProgressBarInfinite
	add      *widget.Button
	dialog   dialog.Dialog

	items  []sourceItem
	chosen int
	// asked is the address and kind the items came from.
	asked, askedKind string
}

// sourceItem is a layer a server offers.
type sourceItem struct {
	name, title, abstract string
}

func (s sourceItem) label() string {
	if s.title == "" || s.title == s.name {
		return s.name
	}
	return s.title + " (" + s.name + ")"
}

// The kinds of source, as the radio names them.
func kindWFS() string    { return lang.L("WFS (2.0, 1.1)") }
func kindOGCAPI() string { return lang.L("OGC API – Features") }

func newSourceDialog(win fyne.Window, ws *store.Workspace, do func(func()), view orb.Bound, onAdded func(string)) *sourceDialog {
	return &sourceDialog{win: win, ws: ws, do: do, view: view, onAdded: onAdded, chosen: -1}
}

func (d *sourceDialog) build() fyne.CanvasObject {
	d.kind = widget.NewRadioGroup([]string{kindWFS(), kindOGCAPI()}, func(string) { d.forget() })
	d.kind.Horizontal = true
	d.kind.SetSelected(kindWFS())
	d.address = widget.NewEntry()
	d.address.SetPlaceHolder("https://data.geopf.fr/wfs")
	d.address.OnChanged = func(string) { d.forget() }
	d.address.OnSubmitted = func(string) { d.list() }
	d.connect = widget.NewButtonWithIcon(lang.L("Connect"), theme.SearchIcon(), d.list)
	d.layers = widget.NewList(
		func() int { return len(d.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.items[i].label()) })
	d.layers.OnSelected = d.choose
	d.about = widget.NewLabel(lang.L("Give the server's address, then “Connect” to list its layers."))
	d.about.Wrapping = fyne.TextWrapWord
	d.onlyView = widget.NewCheck(lang.L("Only the area shown on the map"), nil)
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.busy = widget.NewProgressBarInfinite()
	d.busy.Hide()
	d.busy.Stop()
	d.add = widget.NewButtonWithIcon(lang.L("Add the layer"), theme.ContentAddIcon(), d.subscribe)
	d.add.Importance = widget.HighImportance
	d.add.Disable()
	top := container.NewVBox(
		d.kind,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Server address")), d.connect, d.address),
		widget.NewLabel(lang.L("Layers offered")),
	)
	aboutScroll := container.NewVScroll(d.about)
	aboutScroll.SetMinSize(fyne.NewSize(0, 80))
	bottom := container.NewVBox(
		widget.NewCard("", lang.L("About the layer"), aboutScroll),
		d.onlyView,
		widget.NewLabel(lang.L("The layer is read only and refreshed at every synchronisation.")),
		d.busy, d.status,
		container.NewHBox(layout.NewSpacer(), d.add),
	)
	return container.NewBorder(top, bottom, nil, nil, d.layers)
}

func (d *sourceDialog) show() {
	d.dialog = dialog.NewCustom(lang.L("Add a source"), lang.L("Close"), d.build(), d.win)
	d.dialog.Resize(fyne.NewSize(640, 600))
	d.dialog.Show()
}

// forget drops the layers listed when the address or kind changes.
func (d *sourceDialog) forget() {
	if d.layers == nil || d.address == nil || d.asked == "" {
		return
	}
	if strings.TrimSpace(d.address.Text) == d.asked && d.kind.Selected == d.askedKind {
		return
	}
	d.items, d.chosen, d.asked = nil, -1, ""
	d.layers.UnselectAll()
	d.layers.Refresh()
	d.add.Disable()
}

// working shows (or hides) that the server is being asked.
func (d *sourceDialog) working(on bool, msg string) {
	d.status.SetText(msg)
	if on {
		d.busy.Show()
		d.busy.Start()
		d.connect.Disable()
		d.add.Disable()
		return
	}
	d.busy.Stop()
	d.busy.Hide()
	d.connect.Enable()
	if d.chosen >= 0 {
		d.add.Enable()
	}
}

// list asks the server for its layers, off the UI goroutine.
func (d *sourceDialog) list() {
	addr, kind := strings.TrimSpace(d.address.Text), d.kind.Selected
	if addr == "" {
		d.status.SetText(lang.L("Give the server's address first."))
		return
	}
	d.working(true, lang.L("Asking the server for its layers…"))
	go func() {
		service, items, err := d.fetchItems(addr, kind)
		d.do(func() {
			// What another server listed goes, whatever this one answered.
			d.items, d.chosen, d.asked, d.askedKind = items, -1, addr, kind
			d.layers.UnselectAll()
			d.layers.Refresh()
			if err != nil {
				d.asked = ""
				d.about.SetText("")
				d.working(false, sourceErrorText(err))
				return
			}
			d.about.SetText(lang.L("{{.N}} layers offered: choose one.", map[string]any{"N": len(items)}))
			d.working(false, service)
		})
	}()
}

// fetchItems lists a server's layers; service names the server (its
// title and WFS version) when it says.
func (d *sourceDialog) fetchItems(addr, kind string) (service string, items []sourceItem, err error) {
	ctx := context.Background()
	sc := client.NewSourceClient(d.ws, nil)
	if kind == kindOGCAPI() {
		cols, err := sc.Collections(ctx, addr)
		if err != nil {
			return "", nil, err
		}
		for _, c := range cols {
			items = append(items, sourceItem{name: c.ID, title: c.Title, abstract: c.Description})
		}
		return "", items, nil
	}
	caps, err := sc.WFSCapabilities(ctx, addr)
	if err != nil {
		return "", nil, err
	}
	for _, ft := range caps.FeatureTypes {
		items = append(items, sourceItem{name: ft.Name, title: ft.Title, abstract: ft.Abstract})
	}
	title := caps.Title
	if title == "" {
		title = addr
	}
	return lang.L("{{.Title}}, WFS {{.Version}}", map[string]any{"Title": title, "Version": caps.Version}), items, nil
}

func (d *sourceDialog) choose(i widget.ListItemID) {
	if i < 0 || i >= len(d.items) {
		return
	}
	d.chosen = i
	it := d.items[i]
	text := it.label()
	if it.abstract != "" {
		text += "\n\n" + it.abstract
	} else {
		text += "\n\n" + lang.L("The server gives no description of this layer.")
	}
	d.about.SetText(text)
	d.add.Enable()
}

// subscribe downloads the chosen layer into the workspace, off the UI goroutine.
func (d *sourceDialog) subscribe() {
	if d.chosen < 0 || d.chosen >= len(d.items) {
		return
	}
	it, addr, kind := d.items[d.chosen], d.asked, d.askedKind
	var bbox *orb.Bound
	if d.onlyView.Checked && !d.view.IsEmpty() {
		b := d.view
		bbox = &b
	}
	d.working(true, lang.L("Downloading {{.Layer}}…", map[string]any{"Layer": it.label()}))
	go func() {
		ctx := context.Background()
		sc := client.NewSourceClient(d.ws, nil)
		var layer string
		var err error
		if kind == kindOGCAPI() {
			var layers []string
			if layers, err = sc.Add(ctx, addr, it.name, bbox); err == nil && len(layers) > 0 {
				layer = layers[0]
			}
		} else {
			layer, err = sc.AddWFS(ctx, addr, it.name, bbox)
		}
		count := 0
		if err == nil {
			counts, _ := d.ws.LayerCounts(ctx)
			count = counts[layer]
		}
		d.do(func() {
			if err != nil {
				d.working(false, sourceErrorText(err))
				return
			}
			d.working(false, lang.L("Layer “{{.Layer}}” added: {{.N}} features.", map[string]any{"Layer": it.label(), "N": count}))
			if d.onAdded != nil {
				d.onAdded(layer)
			}
		})
	}()
}

// sourceErrorText says in the user's words why a server could not be read.
func sourceErrorText(err error) string {
	if errors.Is(err, client.ErrUnreachable) || errors.Is(err, wfs.ErrUnreachable) {
		return lang.L("The server cannot be reached: check the address and the network.")
	}
	return lang.L("The server's answer could not be used: {{.Reason}}", map[string]any{"Reason": err.Error()})
}

// showAddSource opens «Ajouter une source…» on the open workspace.
func (m *mainWindow) showAddSource() {
	if m.view == nil || m.sess == nil {
		return
	}
	v := m.view
	d := newSourceDialog(m.window, m.sess.ws, m.do, v.mapw.Viewport.Bound(), func(string) {
		v.synced()
		v.sync.reload()
	})
	d.show()
}
