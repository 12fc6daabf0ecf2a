package app

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
	"terrimap/mapview/tiles/catalog"
	"terrimap/store"
)

// capabilitiesTimeout bounds the reading of a server's capabilities (the
// Géoplateforme's weigh megabytes).
const capabilitiesTimeout = 60 * time.Second

// serviceDialog is «Un service WMS ou WMTS…»: choose a server (the
// Géoplateforme's, or an address pasted), read its layers, choose one —
// its title, abstract and credit shown — with its style, format and CRS
// or tile matrix set, and make it the basemap.
type serviceDialog struct {
	m *mainWindow

	service *widget.Select
	address *widget.Entry
	read    *widget.Button
	status  *widget.Label
	layers  *widget.List
	about   *widget.Label
	style   *widget.Select
	format  *widget.Select
	grid    *widget.Select
	gridRow *widget.FormItem
	form    *widget.Form
	use     *widget.Button

	// cat is what the server offers, once read; chosen the layer picked
	// (-1 for none); styles, formats and grids its choices, as offered.
	cat                    *catalog.Catalog
	chosen                 int
	styles, formats, grids []string
	// reading cancels the capabilities being read.
	reading context.CancelFunc
	// territory is the workspace's communes' extent (zero when unknown),
	// which a layer's extent is checked against.
	territory orb.Bound
	hc        *http.Client
	dialog    dialog.Dialog
	// done is called with the basemap name chosen, or "" when cancelled.
	done func(name string)
}

// showServiceBasemap opens the dialog; done gets the basemap's name (""
// when cancelled).
func (m *mainWindow) showServiceBasemap(done func(name string)) *serviceDialog {
	d := &serviceDialog{m: m, chosen: -1, done: done, hc: &http.Client{Timeout: capabilitiesTimeout}}
	if m.sess != nil {
		d.territory = territoryOf(m.sess.ws)
	}
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("Basemap from a WMS or WMTS service"), d.build(), m.window)
	d.dialog.Resize(fyne.NewSize(820, 600))
	d.dialog.Show()
	return d
}

func (d *serviceDialog) build() fyne.CanvasObject {
	services := tiles.Services()
	titles := make([]string, 0, len(services)+1)
	for _, s := range services {
		titles = append(titles, s.Title)
	}
	titles = append(titles, lang.L("Another server (paste its address)"))
	d.address = widget.NewEntry()
	d.address.SetPlaceHolder("https://…/wms")
	d.address.OnSubmitted = func(string) { d.readLayers() }
	d.service = widget.NewSelect(titles, func(string) {
		if i := d.service.SelectedIndex(); i >= 0 && i < len(services) {
			d.address.SetText(services[i].URL)
			d.readLayers()
		} else {
			d.address.SetText("")
			d.m.window.Canvas().Focus(d.address)
		}
	})
	d.service.PlaceHolder = lang.L("Choose a server…")
	d.read = widget.NewButton(lang.L("Read the layers"), d.readLayers)
	d.status = widget.NewLabel(lang.L("Choose a server, or paste the address of a WMS or WMTS service."))
	d.status.Wrapping = fyne.TextWrapWord

	d.layers = widget.NewList(d.layerCount, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, d.showLayerRow)
	d.layers.OnSelected = d.layerChosen
	d.about = widget.NewLabel("")
	d.about.Wrapping = fyne.TextWrapWord
	d.style = widget.NewSelect(nil, nil)
	d.format = widget.NewSelect(nil, nil)
	d.grid = widget.NewSelect(nil, nil)
	d.gridRow = widget.NewFormItem(lang.L("Coordinate system"), d.grid)
	d.form = widget.NewForm(
		widget.NewFormItem(lang.L("Style"), d.style),
		widget.NewFormItem(lang.L("Image format"), d.format),
		d.gridRow,
	)
	d.form.Hide()

	d.use = widget.NewButton(lang.L("Use as basemap"), d.useLayer)
	d.use.Importance = widget.HighImportance
	d.use.Disable()
	cancel := widget.NewButton(lang.L("Cancel"), func() {
		d.stopReading()
		d.dialog.Hide()
		d.done("")
	})

	top := widget.NewForm(
		widget.NewFormItem(lang.L("Server"), d.service),
		widget.NewFormItem(lang.L("Address"), container.NewBorder(nil, nil, nil, d.read, d.address)),
	)
	right := container.NewBorder(nil, d.form, nil, nil, container.NewVScroll(d.about))
	split := container.NewHSplit(d.layers, right)
	split.Offset = 0.45
	buttons := container.NewHBox(cancel, d.use)
	return container.NewBorder(container.NewVBox(top, d.status), container.NewBorder(nil, nil, nil, buttons), nil, nil, split)
}

func (d *serviceDialog) layerCount() int {
	if d.cat == nil {
		return 0
	}
	return len(d.cat.Layers)
}

// showLayerRow shows a layer's title, indented by its depth in the tree;
// a layer the map cannot draw says so.
func (d *serviceDialog) showLayerRow(i widget.ListItemID, o fyne.CanvasObject) {
	l := d.cat.Layers[i]
	text := strings.Repeat("    ", min(l.Depth, 6)) + l.Title
	if !l.Usable() {
		text = lang.L("{{.Title}} (cannot be shown)", map[string]any{"Title": text})
	}
	o.(*widget.Label).SetText(text)
}

// stopReading cancels capabilities being read, if any.
func (d *serviceDialog) stopReading() {
	if d.reading != nil {
		d.reading()
		d.reading = nil
	}
}

// readLayers reads the server's capabilities in the background and lists
// its layers.
func (d *serviceDialog) readLayers() {
	addr := strings.TrimSpace(d.address.Text)
	if addr == "" {
		return
	}
	d.stopReading()
	ctx, cancel := context.WithTimeout(context.Background(), capabilitiesTimeout)
	d.reading = cancel
	protocol := ""
	for _, s := range tiles.Services() {
		if s.URL == addr {
			protocol = s.Protocol
		}
	}
	d.status.SetText(lang.L("Reading the layers of {{.Host}}…", map[string]any{"Host": hostOf(addr)}))
	d.read.Disable()
	go func() {
		cat, err := catalog.Read(ctx, d.hc, addr, protocol, tiles.UserAgent(Version, ""))
		d.m.do(func() {
			if ctx.Err() == context.Canceled {
				return // another read, or the dialog closed
			}
			cancel()
			d.read.Enable()
			d.listed(addr, cat, err)
		})
	}()
}

// listed shows what the server offers, or why it could not be read.
func (d *serviceDialog) listed(addr string, cat *catalog.Catalog, err error) {
	d.cat, d.chosen = nil, -1
	d.layers.UnselectAll()
	d.form.Hide()
	d.use.Disable()
	d.about.SetText("")
	if err != nil {
		d.status.SetText(capabilitiesError(addr, err))
		d.layers.Refresh()
		return
	}
	d.cat = cat
	d.layers.Refresh()
	usable := 0
	for _, l := range cat.Layers {
		if l.Usable() {
			usable++
		}
	}
	d.status.SetText(lang.L("{{.Title}} ({{.Protocol}}): {{.N}} layers, {{.U}} of them can be shown on the map. Choose one.",
		map[string]any{"Title": orDefault(cat.Title, hostOf(addr)), "Protocol": cat.Protocol, "N": len(cat.Layers), "U": usable}))
}

// layerChosen shows the layer's description and its choices.
func (d *serviceDialog) layerChosen(i widget.ListItemID) {
	if d.cat == nil || i < 0 || i >= len(d.cat.Layers) {
		return
	}
	d.chosen = i
	l := d.cat.Layers[i]
	text := l.Title
	if l.Abstract != "" {
		text += "\n\n" + l.Abstract
	}
	if l.Attribution != "" {
		text += "\n\n" + lang.L("Credit: {{.Credit}}", map[string]any{"Credit": l.Attribution})
	}
	text += "\n" + lang.L("Name on the server: {{.Name}}", map[string]any{"Name": l.Name})
	if !l.Usable() {
		if d.cat.Protocol == tiles.ProtocolWMTS {
			text += "\n\n" + lang.L("This layer is tiled only in grids other than Web Mercator (such as Lambert-93): the map cannot show it. Take it from the same provider's WMS service if it has one.")
		} else {
			text += "\n\n" + lang.L("This layer is offered neither in EPSG:3857 nor in EPSG:4326: the map cannot show it.")
		}
		d.about.SetText(text)
		d.form.Hide()
		d.use.Disable()
		return
	}
	if !d.territory.IsZero() && !l.Covers(d.territory) {
		text += "\n\n" + lang.L("This layer does not cover the workspace's territory: the map will stay empty there.")
	}
	d.about.SetText(text)
	d.styles = setChoices(d.style, l.Styles)
	d.formats = setChoices(d.format, l.Formats)
	d.grids = setChoices(d.grid, l.Grids)
	if d.cat.Protocol == tiles.ProtocolWMTS {
		d.gridRow.Text = lang.L("Tile matrix set")
	} else {
		d.gridRow.Text = lang.L("Coordinate system")
	}
	d.form.Refresh()
	d.form.Show()
	d.use.Enable()
}

// setChoices offers options in s, the first chosen, and returns them; no
// option at all is the server's default ("", shown «(par défaut)»).
func setChoices(s *widget.Select, options []string) []string {
	if len(options) == 0 {
		options = []string{""}
	}
	shown := make([]string, len(options))
	for i, o := range options {
		shown[i] = orDefault(o, lang.L("(default)"))
	}
	s.SetOptions(shown)
	s.SetSelectedIndex(0)
	return options
}

// choice returns the option chosen in s among options.
func choice(s *widget.Select, options []string) string {
	if i := s.SelectedIndex(); i >= 0 && i < len(options) {
		return options[i]
	}
	return ""
}

// useLayer makes the chosen layer the basemap.
func (d *serviceDialog) useLayer() {
	if d.cat == nil || d.chosen < 0 {
		return
	}
	l := d.cat.Layers[d.chosen]
	b, err := d.cat.Basemap(l.Name, choice(d.style, d.styles), choice(d.format, d.formats), choice(d.grid, d.grids))
	if err != nil {
		d.status.SetText(lang.L("This layer cannot be shown on the map."))
		return
	}
	d.stopReading()
	d.dialog.Hide()
	d.done(b.BasemapName())
}

// territoryOf is the extent of a workspace's communes, else of all its
// layers; zero for an empty workspace.
func territoryOf(ws *store.Workspace) orb.Bound {
	ix := ws.Index()
	if b, ok := ix.Bound(communeLayer); ok {
		return b
	}
	var out orb.Bound
	for _, l := range ws.Layers() {
		if b, ok := ix.Bound(l.Name()); ok {
			if out.IsZero() {
				out = b
			} else {
				out = out.Union(b)
			}
		}
	}
	return out
}

// capabilitiesError says in plain words why a server's layers could not
// be read.
func capabilitiesError(addr string, err error) string {
	data := map[string]any{"Host": hostOf(addr)}
	switch {
	case errors.Is(err, ogcxml.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return lang.L("{{.Host}} does not answer: check the address and the connection, then try again.", data)
	case errors.Is(err, ogcxml.ErrException):
		data["Message"] = strings.TrimPrefix(err.Error(), "catalog: ")
		return lang.L("{{.Host}} refused the request ({{.Message}}). Check the address.", data)
	}
	return lang.L("The address of {{.Host}} does not give the capabilities of a WMS or WMTS service. Check it: it usually ends with /wms or /wmts.", data)
}

// hostOf is an address's host, for messages.
func hostOf(addr string) string {
	if u, err := url.Parse(strings.TrimSpace(addr)); err == nil && u.Host != "" {
		return u.Host
	}
	return addr
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
