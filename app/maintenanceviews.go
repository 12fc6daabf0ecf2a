package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// The hydrants' layer and fields the "to check" view reads (AFIGEO PEI).
const (
	hydrantsLayer    = "pei"
	fieldLastCheck   = "date_ct"
	fieldAvailable   = "disponible"
	hydrantCheckYear = 2 // a hydrant is checked at least every two years
)

// checkDue says whether a hydrant is due for a check, and why.
type checkDue int

const (
	checkNotDue checkDue = iota
	checkUnavailable
	checkNever   // no last check date, or one that cannot be read
	checkOverdue // the last check is more than two years old
)

// day returns the calendar day of t (in t's location) as midnight UTC, so
// that days compare and add without time-zone surprises.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// parseDay reads a date field's value; false when missing or unreadable.
func parseDay(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(schema.DateLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// hydrantCheckDue says whether a hydrant is due for a check on today: it
// is unavailable (disponible false), or its last check (date_ct) is
// missing or more than two years before today. A hydrant checked two
// years ago to the day is not due yet.
func hydrantCheckDue(props map[string]any, today time.Time) checkDue {
	if available, ok := props[fieldAvailable].(bool); ok && !available {
		return checkUnavailable
	}
	last, ok := parseDay(props[fieldLastCheck])
	if !ok {
		return checkNever
	}
	if last.Before(day(today).AddDate(-hydrantCheckYear, 0, 0)) {
		return checkOverdue
	}
	return checkNotDue
}

// weekOf returns the Monday and the Sunday of today's week.
func weekOf(today time.Time) (monday, sunday time.Time) {
	d := day(today)
	back := (int(d.Weekday()) + 6) % 7 // days since Monday
	monday = d.AddDate(0, 0, -back)
	return monday, monday.AddDate(0, 0, 6)
}

// plannedThisWeek reports whether an intervention is planned (statut
// planifiee) on a day of today's week, Monday to Sunday included.
func plannedThisWeek(props map[string]any, today time.Time) bool {
	if schema.CodeString(props[fieldStatus]) != statusPlanned {
		return false
	}
	d, ok := parseDay(props[fieldDate])
	if !ok {
		return false
	}
	monday, sunday := weekOf(today)
	return !d.Before(monday) && !d.After(sunday)
}

// maintenanceView is a list of features an agent expects: of one layer,
// those keep selects on a day.
type maintenanceView struct {
	title string
	layer string
	// fields are those the view needs, one at least.
	fields []string
	query  store.Query
	keep   func(props map[string]any, today time.Time) bool
	// sort orders the features found; line writes one's line. line does
	// I/O (an intervention's equipment): it runs off the UI goroutine.
	sort func(a, b store.Feature, today time.Time) int
	line func(ws *store.Workspace, l *store.Layer, f store.Feature, today time.Time, communes communeIndex) maintenanceLine
}

// maintenanceLine is how a maintenance list shows one feature: what it is
// (and why it is listed), and where.
type maintenanceLine struct {
	title, place string
}

// maintenanceViews are the views offered, in order.
func maintenanceViews() []maintenanceView {
	return []maintenanceView{
		{
			title: lang.L("Fire hydrants to check"), layer: hydrantsLayer, fields: []string{fieldLastCheck, fieldAvailable},
			keep: func(props map[string]any, today time.Time) bool { return hydrantCheckDue(props, today) != checkNotDue },
			sort: func(a, b store.Feature, today time.Time) int {
				// Unavailable first, then never checked, then the oldest check.
				return cmp.Or(cmp.Compare(hydrantCheckDue(a.Properties, today), hydrantCheckDue(b.Properties, today)),
					cmp.Compare(schema.CodeString(a.Properties[fieldLastCheck]), schema.CodeString(b.Properties[fieldLastCheck])), cmp.Compare(a.FID, b.FID))
			},
			line: func(ws *store.Workspace, l *store.Layer, f store.Feature, today time.Time, communes communeIndex) maintenanceLine {
				return maintenanceLine{title: joinSet(" · ", equipmentName(ws, l.Schema, f), hydrantDueReason(f, today)), place: equipmentPlace(l.Schema, f, communes)}
			},
		},
		{
			title: lang.L("Interventions planned this week"), layer: interventionsLayer, fields: []string{fieldStatus, fieldDate},
			query: store.Query{Equals: map[string]any{fieldStatus: statusPlanned}},
			keep:  plannedThisWeek,
			sort: func(a, b store.Feature, _ time.Time) int {
				return cmp.Or(cmp.Compare(schema.CodeString(a.Properties[fieldDate]), schema.CodeString(b.Properties[fieldDate])), cmp.Compare(a.FID, b.FID))
			},
			line: describePlanned,
		},
	}
}

// describePlanned is a planned intervention's line: its date, type and
// agent, then its equipment and where it stands.
func describePlanned(ws *store.Workspace, l *store.Layer, f store.Feature, _ time.Time, communes communeIndex) maintenanceLine {
	line := maintenanceLine{title: strings.Join(describeFields(l, f, fieldDate, "type", fieldAgent), " · ")}
	layer, id := schema.CodeString(f.Properties[fieldEquipmentIn]), schema.CodeString(f.Properties[fieldEquipmentID])
	where := equipmentPlace(l.Schema, f, communes)
	var what string
	if el, err := ws.Layer(layer); err == nil {
		if eq, err := ws.Get(context.Background(), layer, id); err == nil {
			what, where = equipmentName(ws, el.Schema, eq), equipmentPlace(el.Schema, eq, communes)
		} else {
			what = removedEquipment(ws, el.Schema)
		}
	}
	line.place = joinSet(" · ", what, where)
	return line
}

// joinSet joins the parts that are not empty.
func joinSet(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// hydrantDueReason says why a hydrant is due for a check.
func hydrantDueReason(f store.Feature, today time.Time) string {
	why := ""
	switch hydrantCheckDue(f.Properties, today) {
	case checkUnavailable:
		why = lang.L("unavailable")
	case checkNever:
		why = lang.L("never checked")
	case checkOverdue:
		last, _ := parseDay(f.Properties[fieldLastCheck])
		why = lang.L("last checked on {{.Date}}", map[string]any{"Date": last.Format("02/01/2006")})
	}
	return why
}

// maintenancePanel offers the maintenance views from a drop-down above
// the search: a view's features replace the search results, in the user's
// commune first (or all of them, on request), each with its name and
// where it is. A tap selects one and frames it on the map, leaving the
// list where it is; «Ouvrir la fiche» or a double tap opens its form. The
// map can be filtered to them, until the filter is removed.
type maintenancePanel struct {
	v *workspaceView
	// now gives today (tests set it).
	now func() time.Time

	item    *container.TabItem
	choice  *widget.Select
	close   *widget.Button
	search  fyne.CanvasObject
	results *fyne.Container
	info    *widget.Label
	refresh *widget.Button
	filter  *widget.Button
	bar     *fyne.Container
	banner  *widget.Label
	clear   *widget.Button
	list    *widget.List
	// communeChoice narrows the view to a commune, or «Toutes les
	// communes»; open opens the selected item's form.
	communeChoice *widget.Select
	open          *widget.Button

	views   []maintenanceView
	current int // index in views; -1 for none
	found   []store.Feature
	lines   []maintenanceLine // found's lines
	// selected is the index in found of the item selected; -1 for none.
	selected int
	// communes names the workspace's communes; communeCodes are the INSEE
	// codes communeChoice offers after «Toutes les communes»; commune is
	// the one chosen ("" for all), set to the user's own at the first load.
	communes     communeIndex
	communeCodes []string
	commune      string
	communeSet   bool
	// gen numbers loads, so that a slow old one never shows over a newer.
	gen int
	// filtered is the layer the map is filtered to; "" for none.
	filtered string
}

func newMaintenancePanel(v *workspaceView) *maintenancePanel {
	return &maintenancePanel{v: v, now: time.Now, current: -1, selected: -1}
}

// tab returns the search tab with the views' drop-down above the search.
func (p *maintenancePanel) tab(title string, search fyne.CanvasObject) *container.TabItem {
	p.search = search
	p.item = container.NewTabItem(title, p.build())
	return p.item
}

func (p *maintenancePanel) build() fyne.CanvasObject {
	p.views = maintenanceViews()
	titles := make([]string, len(p.views))
	for i, mv := range p.views {
		titles[i] = mv.title
	}
	p.choice = widget.NewSelect(titles, func(string) { p.choose(p.choice.SelectedIndex()) })
	p.choice.PlaceHolder = lang.L("Maintenance lists…")
	p.close = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { p.choice.ClearSelected() })
	p.close.Importance = widget.LowImportance
	p.close.Hide()
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.refresh = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), p.reload)
	p.refresh.Importance = widget.LowImportance
	p.filter = widget.NewButtonWithIcon(lang.L("Filter the map"), theme.VisibilityIcon(), p.applyFilter)
	p.filter.Disable()
	p.open = widget.NewButtonWithIcon(lang.L("Open the form"), theme.DocumentIcon(), p.openSelected)
	p.open.Disable()
	p.communeChoice = widget.NewSelect([]string{lang.L("All communes")}, func(string) { p.chooseCommune(p.communeChoice.SelectedIndex()) })
	p.banner = widget.NewLabel("")
	p.banner.Wrapping = fyne.TextWrapWord
	p.banner.Importance = widget.WarningImportance
	p.clear = widget.NewButtonWithIcon(lang.L("Remove the filter"), theme.CancelIcon(), p.clearFilter)
	p.clear.Importance = widget.WarningImportance
	p.bar = container.NewVBox(p.banner, container.NewHBox(p.clear))
	p.bar.Hide()
	p.list = widget.NewList(
		func() int { return len(p.found) },
		func() fyne.CanvasObject { return newMaintenanceRow(p) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.lines) {
				o.(*maintenanceRow).show(i, p.lines[i])
			}
		},
	)
	p.list.OnSelected = p.selectItem
	p.list.OnUnselected = func(widget.ListItemID) { p.selected = -1; p.open.Disable() }
	head := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Commune")), nil, p.communeChoice),
		container.NewBorder(nil, nil, nil, p.refresh, p.info),
		container.NewHBox(p.open, p.filter))
	p.results = container.NewBorder(head, nil, nil, nil, p.list)
	p.results.Hide()
	if p.search == nil {
		p.search = container.NewStack()
	}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, p.close, p.choice), p.bar)
	return container.NewBorder(top, nil, nil, nil, container.NewStack(p.search, p.results))
}

// choose shows the view i in place of the search; -1 goes back to the
// search.
func (p *maintenancePanel) choose(i int) {
	p.current = i
	if i < 0 {
		p.gen++
		p.results.Hide()
		p.close.Hide()
		p.search.Show()
		return
	}
	p.search.Hide()
	p.results.Show()
	p.close.Show()
	p.reload()
}

// chooseCommune narrows the view to the i-th commune offered; 0 is «Toutes
// les communes».
func (p *maintenancePanel) chooseCommune(i int) {
	code := chosenCommune(p.communeCodes, i)
	if code == p.commune && p.communeSet {
		return
	}
	p.commune, p.communeSet = code, true
	p.reload()
}

// describe is the line of a feature the view lists, as the list shows it.
func (p *maintenancePanel) describe(f store.Feature) string {
	for i, g := range p.found {
		if g.UUID == f.UUID && i < len(p.lines) {
			if p.lines[i].place == "" {
				return p.lines[i].title
			}
			return p.lines[i].title + "\n" + p.lines[i].place
		}
	}
	return ""
}

// selectItem selects the i-th item on the map and frames it, leaving the
// list shown so that the user can go through it.
func (p *maintenancePanel) selectItem(i widget.ListItemID) {
	if i < 0 || i >= len(p.found) {
		return
	}
	p.selected = i
	p.open.Enable()
	f := p.found[i]
	p.v.frame(f)
	p.v.highlight(&f)
}

// openSelected opens the selected item's form in the Objet tab.
func (p *maintenancePanel) openSelected() {
	if p.selected < 0 || p.selected >= len(p.found) {
		return
	}
	f := p.found[p.selected]
	p.v.selectFeature(&f)
}

// userCommune is the commune a list opens on: the INSEE code of the
// user's commune when they have exactly one, "" (all communes) otherwise.
// It does I/O: run it off the UI goroutine.
func userCommune(ctx context.Context, c *client.Client, access map[string]protocol.Access, communes communeIndex) string {
	if mine := userCommunes(ctx, c, access, communes); len(mine) == 1 {
		return mine[0]
	}
	return ""
}

// userCommunes are the INSEE codes of the user's communes: those of the
// organisations they belong to, as the platform said at sign-in, else
// those in any of the territories where they may edit.
func userCommunes(ctx context.Context, c *client.Client, access map[string]protocol.Access, communes communeIndex) []string {
	var out []string
	if c != nil {
		for _, m := range c.Memberships(ctx) {
			if _, known := communes.names[m.Org]; known {
				out = append(out, m.Org)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, area := range communes.areas {
		p := anchorPoint(area.geom)
		for _, a := range access {
			if a.Territory != nil && store.Intersects(a.Territory, p) {
				out = append(out, area.insee)
				break
			}
		}
	}
	return out
}

// reload finds the chosen view's features in the background, in the
// commune chosen, with their lines.
func (p *maintenancePanel) reload() {
	p.gen++
	if p.current < 0 {
		return
	}
	mv := p.views[p.current]
	gen, today := p.gen, p.now()
	p.found, p.lines, p.selected = nil, nil, -1
	p.list.UnselectAll()
	p.list.Refresh()
	p.filter.Disable()
	p.open.Disable()
	l, err := p.v.s.ws.Layer(mv.layer)
	if err != nil || !slices.ContainsFunc(mv.fields, func(name string) bool { _, ok := l.Schema.Field(name); return ok }) {
		p.info.SetText(lang.L("This workspace has no layer for this view."))
		return
	}
	p.info.SetText(lang.L("Loading…"))
	ws, c, access := p.v.s.ws, p.v.s.client, p.v.s.access
	communes, commune, set := p.communes, p.commune, p.communeSet
	go func() {
		ctx := context.Background()
		if communes.names == nil {
			communes = readCommuneIndex(ctx, ws)
		}
		if !set {
			commune = userCommune(ctx, c, access, communes)
		}
		q := mv.query
		q.Layer = mv.layer
		var found []store.Feature
		err := ws.Each(ctx, q, func(f store.Feature) bool {
			if !mv.keep(f.Properties, today) {
				return true
			}
			if code, _ := communes.communeOf(f); commune == "" || code == commune {
				found = append(found, f)
			}
			return true
		})
		slices.SortStableFunc(found, func(a, b store.Feature) int { return mv.sort(a, b, today) })
		lines := make([]maintenanceLine, len(found))
		for i, f := range found {
			lines[i] = mv.line(ws, l, f, today, communes)
		}
		p.v.do(func() {
			if gen != p.gen {
				return
			}
			if !p.communeSet {
				p.communes, p.commune, p.communeSet = communes, commune, true
				p.offerCommunes()
			}
			p.showResults(found, lines, err)
		})
	}()
}

// offerCommunes fills the commune drop-down: «Toutes les communes», then
// the workspace's communes by name, the one chosen selected.
func (p *maintenancePanel) offerCommunes() {
	var chosen int
	p.communeCodes, p.communeChoice.Options, chosen = p.communes.choices(p.commune)
	p.communeChoice.SetSelectedIndex(chosen) // p.commune already chosen: no reload
}

func (p *maintenancePanel) showResults(found []store.Feature, lines []maintenanceLine, err error) {
	p.found, p.lines = found, lines
	p.list.Refresh()
	switch {
	case err != nil:
		p.info.SetText(lang.L("This view could not be read."))
	case len(found) == 0:
		p.info.SetText(lang.L("Nothing to do here."))
	default:
		p.info.SetText(lang.L("{{.N}} results", map[string]any{"N": len(found)}))
		p.filter.Enable()
	}
	// A filter of this view's layer follows what the view now lists.
	if p.filtered != "" && p.filtered == p.views[p.current].layer && err == nil {
		p.setFilter(p.filtered, found)
	}
}

// maintenanceRow is a line of a maintenance list: what the feature is
// (and why it is listed) above where it is. A tap selects it, a double
// tap opens its form.
type maintenanceRow struct {
	widget.BaseWidget
	p            *maintenancePanel
	id           widget.ListItemID
	title, place *widget.Label
}

func newMaintenanceRow(p *maintenancePanel) *maintenanceRow {
	r := &maintenanceRow{p: p, title: widget.NewLabel(""), place: widget.NewLabel("")}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.place.Truncation = fyne.TextTruncateEllipsis
	r.place.TextStyle.Italic = true
	r.ExtendBaseWidget(r)
	return r
}

func (r *maintenanceRow) show(id widget.ListItemID, line maintenanceLine) {
	r.id = id
	r.title.SetText(line.title)
	r.place.SetText(line.place)
}

// Tapped selects the row's feature.
func (r *maintenanceRow) Tapped(*fyne.PointEvent) { r.p.list.Select(r.id) }

// DoubleTapped selects the row's feature and opens its form.
func (r *maintenanceRow) DoubleTapped(*fyne.PointEvent) {
	r.p.list.Select(r.id)
	r.p.openSelected()
}

// CreateRenderer lays the two lines one above the other, tightly.
func (r *maintenanceRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), r.title, r.place))
}

// applyFilter shows on the map only the features the view lists, and
// frames them.
func (p *maintenancePanel) applyFilter() {
	if p.current < 0 || len(p.found) == 0 {
		return
	}
	layer := p.views[p.current].layer
	s := p.v.s
	if s.hidden[layer] {
		s.hidden[layer] = false
		p.v.layers.reload(p.v.do)
	}
	p.setFilter(layer, p.found)
	var gs []orb.Geometry
	for _, f := range p.found {
		gs = append(gs, f.Geometry)
	}
	b, ok := boundOf(gs...)
	if !ok {
		return
	}
	p.v.mapw.ZoomTo(b.Pad(math.Max(math.Max(b.Right()-b.Left(), b.Top()-b.Bottom())*0.1, 0.002)))
}

// setFilter filters the map's layer to the features, one filter at a time.
func (p *maintenancePanel) setFilter(layer string, features []store.Feature) {
	s := p.v.s
	set := make(map[int64]bool, len(features))
	for _, f := range features {
		set[f.FID] = true
	}
	s.only = map[string]map[int64]bool{layer: set}
	s.applyLayers()
	p.filtered = layer
	p.banner.SetText(lang.L("The map shows only the {{.N}} features of “{{.View}}”.", map[string]any{"N": len(features), "View": p.views[p.current].title}))
	p.bar.Show()
	p.markTab(true)
	p.v.mapw.Refresh()
}

// clearFilter shows every feature again.
func (p *maintenancePanel) clearFilter() {
	p.v.s.only = nil
	p.v.s.applyLayers()
	p.filtered = ""
	p.bar.Hide()
	p.markTab(false)
	p.v.mapw.Refresh()
}

// markTab marks the search tab while the map is filtered, so that it shows
// whatever tab is open.
func (p *maintenancePanel) markTab(filtered bool) {
	if p.item == nil {
		return
	}
	if filtered {
		p.item.Icon = theme.VisibilityIcon()
	} else {
		p.item.Icon = nil
	}
	if p.v.tabs != nil {
		p.v.tabs.Refresh()
	}
}
