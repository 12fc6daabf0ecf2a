package app

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/search"
)

// searchPanel finds features as the user types: every word, in any order,
// ignoring case and accents, in the features' text, their coded values and
// the name of their commune (store/search). Entrée opens the first result;
// a click opens any, even the one already opened. «À proximité» lists the
// features nearest the selected one, with their distances.
type searchPanel struct {
	s        *session
	do       func(func())
	onPicked func(f store.Feature)
	// selected returns the feature selected in the workspace; nil for none.
	selected func() *store.Feature
	index    *search.Index
	// debounce is how long typing must pause before a search starts.
	debounce time.Duration

	entry *widget.Entry
	near  *widget.Button
	// nearIn picks the layer «À proximité» looks in (all equipment first);
	// nearLayers are the names of its options after the first.
	nearIn     *widget.Select
	nearLayers []string
	nearFrom   *store.Feature // the feature the nearby list is about
	info       *widget.Label
	list       *widget.List
	timer      *time.Timer
	near0      bool // the results are the features near a feature, not a search
	shown      string
	opened     search.Result // the result opened last, marked in the list
	// results answer the query shown (the entry's text when it is current).
	results []search.Result
	// gen numbers searches, so that a slow old one never shows over a newer.
	gen int
	// openFirst is set by Entrée pressed before the results of the text
	// typed arrived: the first of them opens when they do.
	openFirst bool
	// opening counts the results being read to be opened.
	opening int
	// partial is set when the results shown come from a search index
	// still being built (a workspace of an older Terrimap).
	partial bool
	// upgrading is set while the search index is being built.
	upgrading bool
	// cancel stops the search running, if any.
	cancel context.CancelFunc
}

// searchDebounce lets a few keys go by before searching.
const searchDebounce = 150 * time.Millisecond

// searchLimit is how many results the panel lists.
const searchLimit = 50

// nearbyLimit is how many features «À proximité» lists.
const nearbyLimit = 15

func newSearchPanel(s *session, do func(func()), onPicked func(store.Feature)) *searchPanel {
	return &searchPanel{s: s, do: do, onPicked: onPicked, index: search.NewNamed(s.ws, newNumberNamer(s.ws).searchName), debounce: searchDebounce,
		selected: func() *store.Feature { return nil }}
}

func (p *searchPanel) build() fyne.CanvasObject {
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("Search: street, hydrant number, commune…"))
	p.entry.OnChanged = func(string) { p.typed() }
	p.entry.OnSubmitted = func(string) { p.submit() }
	p.near = widget.NewButtonWithIcon(lang.L("Nearby"), theme.SearchIcon(), func() { p.nearby(p.selected()) })
	options := []string{lang.L("All equipment")}
	for _, name := range search.NearbyLayers(p.s.ws) {
		if l, err := p.s.ws.Layer(name); err == nil {
			p.nearLayers = append(p.nearLayers, name)
			options = append(options, l.Schema.DisplayTitle())
		}
	}
	p.nearIn = widget.NewSelect(options, func(string) {
		if p.near0 && p.nearFrom != nil {
			p.nearby(p.nearFrom)
		}
	})
	p.nearIn.SetSelectedIndex(0)
	p.nearIn.Hide()
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(
		func() int { return len(p.results) },
		newResultRow,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.results) {
				p.fillRow(o.(*resultRow), p.results[i])
			}
		},
	)
	p.list.OnSelected = func(i widget.ListItemID) {
		// Unselected at once, so that a click on the result opened last
		// opens it again (a List calls OnSelected only for a change).
		p.list.UnselectAll()
		p.open(i)
	}
	p.upgrade(p.s.tiles.FirstDrawn())
	return container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, p.near, p.entry), p.nearIn, p.info), nil, nil, nil, p.list)
}

// upgradeWait is how long the upgrade of an older workspace's search index
// waits for the first map frame at most before it starts.
const upgradeWait = 5 * time.Second

// upgrade builds what the workspace's search index lacks — all of it in a
// workspace written by an older Terrimap (the index is kept in the
// workspace and written with every edit since), a layer whose fields a
// sync changed — in the background, after the first map frame when drawn
// is not nil; searches meanwhile answer from what is indexed and say so.
// Then it runs the search shown again. A workspace indexed already costs
// a query. Called on the UI goroutine.
func (p *searchPanel) upgrade(drawn <-chan struct{}) {
	if p.upgrading || p.s.ws.ReadOnly() {
		return
	}
	p.upgrading = true
	go func() {
		ctx := context.Background()
		ready, err := p.index.Ready(ctx)
		if err == nil && !ready {
			if drawn != nil {
				select {
				case <-drawn:
				case <-time.After(upgradeWait):
				}
			}
			err = p.index.Refresh(ctx)
		}
		p.do(func() {
			p.upgrading = false
			if err != nil {
				p.info.SetText(lang.L("The search index could not be built: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			if p.partial && !p.near0 {
				p.schedule(0)
			}
		})
	}()
}

// focus puts the cursor in the search box (Ctrl+F).
func (p *searchPanel) focus(c fyne.Canvas) { c.Focus(p.entry) }

// typed starts a search of the entry's text once typing pauses.
func (p *searchPanel) typed() {
	p.openFirst = false
	p.schedule(p.debounce)
}

// submit opens the first result of the text typed (Entrée), at once when
// its results are shown, else as soon as they arrive.
func (p *searchPanel) submit() {
	text := strings.TrimSpace(p.entry.Text)
	if text == "" {
		return
	}
	if !p.near0 && p.shown == text && p.timer == nil {
		if len(p.results) > 0 {
			p.open(0)
		}
		return
	}
	p.openFirst = true
	p.schedule(0)
}

// schedule runs the search of the entry's text after delay, in the
// background; a later call replaces it.
func (p *searchPanel) schedule(delay time.Duration) {
	p.gen++
	gen, text := p.gen, strings.TrimSpace(p.entry.Text)
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	if p.cancel != nil {
		p.cancel() // the search of what was typed before is of no use now
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if text == "" {
		p.show(gen, false, "", search.Found{}, nil)
		return
	}
	run := func() {
		found, err := p.index.Search(ctx, search.Query{Text: text, Limit: searchLimit})
		p.do(func() { p.show(gen, false, text, found, err) })
	}
	if delay <= 0 {
		p.timer = time.AfterFunc(0, run) // off the UI goroutine all the same
		return
	}
	p.timer = time.AfterFunc(delay, run)
}

// nearby lists the features nearest f, of the layer chosen in nearIn.
func (p *searchPanel) nearby(f *store.Feature) {
	p.gen++
	gen := p.gen
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.openFirst = false
	if f == nil || f.Geometry == nil {
		p.near0, p.results, p.shown = true, nil, ""
		p.info.SetText(lang.L("Select a feature first (on the map or in the results), then press Nearby."))
		p.list.Refresh()
		return
	}
	at, _ := search.PointOf(f.Geometry)
	name := p.nameOf(*f)
	p.nearFrom = f
	var layers []string
	if i := p.nearIn.SelectedIndex(); i > 0 {
		layers = []string{p.nearLayers[i-1]}
	}
	go func() {
		found, err := p.index.Nearby(context.Background(), search.Near{Point: at, Limit: nearbyLimit, Layers: layers,
			Skip: search.Ref{Layer: f.Layer, FID: f.FID}})
		p.do(func() { p.show(gen, true, name, search.Found{Results: found, Total: len(found)}, err) })
	}()
}

// nameOf is how the panel names a feature: its layer's naming field.
func (p *searchPanel) nameOf(f store.Feature) string {
	l, err := p.s.ws.Layer(f.Layer)
	if err != nil {
		return shortID(f.UUID)
	}
	return searchName(p.s.ws, l.Schema, f)
}

// show puts the results of search gen on screen, unless a newer one
// started since.
func (p *searchPanel) show(gen int, near bool, about string, found search.Found, err error) {
	if gen != p.gen {
		return
	}
	results, total := found.Results, found.Total
	p.timer = nil
	p.near0, p.shown, p.results, p.partial = near, about, results, found.Partial
	if near {
		p.nearIn.Show()
	} else {
		p.nearIn.Hide()
	}
	switch {
	case err != nil:
		p.info.SetText(lang.L("The search failed: {{.Error}}", map[string]any{"Error": err.Error()}))
	case about == "":
		p.info.SetText("")
	case near && total == 0:
		p.info.SetText(lang.L("Nothing near «{{.Name}}».", map[string]any{"Name": about}))
	case near:
		p.info.SetText(lang.N("{{.N}} features near «{{.Name}}»", total, map[string]any{"N": total, "Name": about}))
	case total == 0:
		p.info.SetText(lang.L("No result for «{{.Text}}»", map[string]any{"Text": about}))
	case total > len(results):
		p.info.SetText(lang.N("{{.N}} results, the first {{.M}} shown", total, map[string]any{"N": total, "M": len(results)}))
	default:
		p.info.SetText(lang.N("{{.N}} features found", total, map[string]any{"N": total}))
	}
	if found.Partial && err == nil && about != "" {
		p.info.SetText(p.info.Text + "\n" + lang.L("The search index of this workspace is being built: some features are not found yet."))
		p.upgrade(nil) // a layer's fields changed since the open
	}
	p.list.UnselectAll()
	p.list.Refresh()
	p.list.ScrollToTop()
	if p.openFirst && !near {
		p.openFirst = false
		if len(results) > 0 {
			p.open(0)
		}
	}
}

// open reads result i whole and hands it to onPicked, which frames it,
// selects it and shows it in Objet.
func (p *searchPanel) open(i int) {
	if i < 0 || i >= len(p.results) {
		return
	}
	r := p.results[i]
	p.opened = r
	p.opening++
	p.list.Refresh()
	go func() {
		f, err := p.s.ws.GetByFID(context.Background(), r.Layer, r.FID)
		p.do(func() {
			p.opening--
			if err != nil {
				p.info.SetText(lang.L("The search failed: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			if p.onPicked != nil {
				p.onPicked(f)
			}
		})
	}()
}

// resultRow is one result: its name (and distance, or commune) in bold,
// then its layer and what matched.
type resultRow struct {
	widget.BaseWidget
	title, detail *widget.Label
}

func newResultRow() fyne.CanvasObject {
	r := &resultRow{title: widget.NewLabel(""), detail: widget.NewLabel("")}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer stacks the two lines.
func (r *resultRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(&tightRows{}, r.title, r.detail))
}

// tightRows stacks objects without the padding between them that VBox
// puts: a label already has its own.
type tightRows struct{}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height - theme.Padding()
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h+theme.Padding()))
		y += h
	}
}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - theme.Padding()
	}
	return s.AddWidthHeight(0, theme.Padding())
}

// fillRow shows r in a row: «Mairie de Tournus — Tournus» over
// «Bâtiments communaux · Nom : Mairie de Tournus»; for a feature nearby,
// «32 m — Poteau d'incendie n° 12» over «Points d'eau incendie · Tournus».
func (p *searchPanel) fillRow(row *resultRow, r search.Result) {
	title := r.Name
	if p.near0 {
		title = distanceText(r.Distance) + " — " + r.Name
	} else if r.Commune != "" && !strings.EqualFold(r.Commune, r.Name) {
		title += " — " + r.Commune
	}
	if r.Layer == p.opened.Layer && r.FID == p.opened.FID {
		row.title.Importance = widget.HighImportance // the one opened last
	} else {
		row.title.Importance = widget.MediumImportance
	}
	row.title.SetText(title)
	detail := []string{r.LayerTitle}
	if p.near0 && r.Commune != "" {
		detail = append(detail, r.Commune)
	}
	if m, ok := shownMatch(r); ok {
		detail = append(detail, m)
	}
	row.detail.SetText(strings.Join(detail, " · "))
}

// shownMatch says what matched the query in words: «Nom : Mairie de
// Tournus», «Commune : Tournus».
func shownMatch(r search.Result) (string, bool) {
	if len(r.Matched) == 0 {
		return "", false
	}
	m := r.Matched[0]
	if m.Commune {
		return lang.L("Commune: {{.Name}}", map[string]any{"Name": m.Value}), true
	}
	return lang.L("{{.Field}}: {{.Value}}", map[string]any{"Field": m.Field, "Value": oneLine(m.Value, matchRunes)}), true
}

// matchRunes is how much of a matched value a result row shows: more than
// the panel's width, which ellipsises the rest.
const matchRunes = 80

// oneLine is s on one line — every run of spaces, tabs and line breaks
// one space — cut after max characters with an ellipsis: a value written
// on several lines (a settings row's recommendations) would otherwise
// stretch its row over ten lines of the panel.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return strings.TrimRight(string(r[:max]), " ") + "…"
	}
	return s
}

// distanceText is a distance as people say it: «32 m», «1,2 km».
func distanceText(d float64) string {
	switch {
	case math.IsInf(d, 0) || math.IsNaN(d):
		return "?"
	case d < 1000:
		return fmt.Sprintf("%.0f m", d)
	}
	return strings.Replace(fmt.Sprintf("%.1f km", d/1000), ".", lang.L("decimal point"), 1)
}

// featureName is the text that names a feature best: a name, a number or
// an identifier field, else the first text value.
func featureName(s schema.Layer, f store.Feature) string { return search.DisplayName(s, f) }

// searchName is how the search and Objet panels name a feature: numbered
// equipment as the maintenance lists do («Poteau d'incendie n° 94», not its
// manager's code), any other feature by search.DisplayName.
func searchName(ws *store.Workspace, l schema.Layer, f store.Feature) string {
	return newNumberNamer(ws).searchName(l, f)
}

// searchName is the package's searchName, for many features.
func (nn numberNamer) searchName(l schema.Layer, f store.Feature) string {
	if name := nn.name(l, f); name != "" {
		return name
	}
	return search.DisplayName(l, f)
}
