package app

import (
	"context"
	"fmt"
	"image/color"
	"os/user"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dashboard"
	"terrimap/icgp"
	"terrimap/internal/paper"
	"terrimap/store"
)

// icgpLacksShown is how many tronçons a blocker lists by name; the map and
// the table show them all.
const icgpLacksShown = 8

// icgpView is Outils › Connaissance des réseaux (ICGP): for the commune
// chosen (or the whole intercommunality), the score of each service out of
// 120 with each item's points, the gates in plain French, the checklist a
// secretary ticks, and what blocks the next point with the tronçons to
// survey. Scores are computed off the UI goroutine.
type icgpView struct {
	win  fyne.Window
	ws   *store.Workspace
	do   func(func())
	now  func() time.Time
	user func(context.Context) string
	// showOnMap and openTable act on a blocker's tronçons (the main
	// window's map and attribute table); nil hides the buttons.
	showOnMap func([]icgp.Lack)
	openTable func(layer string, lacks []icgp.Lack)
	// confirm asks a yes-or-no question (a dialog; tests answer it).
	confirm func(title, message string, answer func(bool))

	chooser *communeSelect
	status  *widget.Label
	water   *fyne.Container
	sewer   *fyne.Container
	tabs    *container.AppTabs
	// report is the one shown; generation makes older computations stale.
	report     *icgp.Report
	generation int
	// checks are the declarable items' boxes of the report shown, by
	// service then item code, for tests.
	checks map[string]map[string]*widget.Check
	// mapButtons, tableButtons and declareButtons are the blockers'
	// buttons, for tests.
	mapButtons, tableButtons, declareButtons []*widget.Button
}

// showICGP opens the ICGP window.
func (m *mainWindow) showICGP() {
	if m.view == nil {
		return
	}
	s := m.sess
	v := newICGPView(fyne.CurrentApp().NewWindow(lang.L("Network knowledge (ICGP)")), s.ws, m.do)
	v.user = func(ctx context.Context) string {
		if s.client != nil {
			if name := s.client.User(ctx); name != "" {
				return name
			}
		}
		return systemUser() // a desk not linked to a platform: who is at it
	}
	v.showOnMap = m.showLacksOnMap
	v.openTable = func(layer string, lacks []icgp.Lack) { m.openLacksTable(layer, lacks) }
	m.addQuitShortcut(v.win)
	v.win.Resize(fyne.NewSize(1100, 720))
	v.win.Show()
	v.start()
}

func newICGPView(win fyne.Window, ws *store.Workspace, do func(func())) *icgpView {
	v := &icgpView{win: win, ws: ws, do: do, now: time.Now,
		user: func(context.Context) string { return "" }}
	v.confirm = func(title, message string, answer func(bool)) { dialog.ShowConfirm(title, message, answer, win) }
	v.chooser = newCommuneSelect(v.compute)
	v.status = widget.NewLabel("")
	v.water = container.NewVBox()
	v.sewer = container.NewVBox()
	v.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Drinking water (P103.2B)"), container.NewVScroll(v.water)),
		container.NewTabItem(lang.L("Sewers (P202.2B)"), container.NewVScroll(v.sewer)),
	)
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(lang.L("Commune")), v.chooser.Select), nil, v.status)
	win.SetContent(container.NewBorder(top, nil, nil, nil, v.tabs))
	return v
}

// start reads the communes off the UI goroutine, then computes the whole
// intercommunality's scores.
func (v *icgpView) start() {
	v.chooser.load(v.ws, v.do, func(err error) {
		if err != nil {
			v.status.SetText(lang.L("The communes could not be read."))
		}
		v.chooser.SetSelectedIndex(0) // computes
	})
}

// compute scores the commune chosen off the UI goroutine and shows it.
func (v *icgpView) compute() {
	v.generation++
	gen, insee, year, ws := v.generation, v.chooser.insee(), v.now().Year(), v.ws
	v.status.SetText(lang.L("Computing…"))
	go func() {
		rep, err := icgp.Compute(context.Background(), ws, icgp.Options{INSEE: insee, Year: year})
		v.do(func() {
			if gen != v.generation {
				return
			}
			if err != nil {
				v.status.SetText(lang.L("The scores could not be computed: the workspace holds no water or sewer network here."))
				v.water.RemoveAll()
				v.sewer.RemoveAll()
				return
			}
			v.status.SetText("")
			v.show(rep)
		})
	}()
}

// show fills both tabs with the report.
func (v *icgpView) show(rep *icgp.Report) {
	v.report = rep
	v.checks = map[string]map[string]*widget.Check{}
	v.mapButtons, v.tableButtons, v.declareButtons = nil, nil, nil
	v.fill(v.water, rep.Water, icgp.Water, rep.RenewalWater)
	v.fill(v.sewer, rep.Sewer, icgp.Sewer, rep.RenewalSewer)
}

// fill shows one service's score: the total, the gates, the items, what
// blocks the next point.
func (v *icgpView) fill(box *fyne.Container, s *icgp.Score, service string, renewal icgp.Renewal) {
	box.RemoveAll()
	if s == nil {
		box.Add(widget.NewLabel(lang.L("The workspace holds no network of this service here.")))
		return
	}
	total := canvas.NewText(lang.L("{{.Points}} points out of 120", map[string]any{"Points": s.Total}), theme.Color(theme.ColorNameForeground))
	total.TextSize = theme.TextSize() * 2.4
	total.TextStyle.Bold = true
	box.Add(total)
	descr := lang.L("No descriptif détaillé des réseaux: {{.N}} points of plan and inventory are missing to reach 40.", map[string]any{"N": icgp.DescriptifGate - s.PlanAndInventoryPoints()})
	if s.DescriptifDetaille {
		descr = lang.L("The service has its descriptif détaillé des réseaux (40 points of plan and inventory reached).")
	}
	box.Add(widget.NewLabelWithStyle(descr, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if plan := s.PlanPoints(); plan < icgp.PlanGate {
		gate := widget.NewLabelWithStyle(lang.L("The plan has {{.Points}} points out of 15: nothing else counts until it has 15.", map[string]any{"Points": plan}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		gate.Wrapping = fyne.TextWrapWord
		box.Add(gate)
	}
	gates := widget.NewLabel(lang.L("How the score works: the 15 points of the plan (a plan of the networks, and a written procedure to update it every year) are needed for any other point to count. With 40 points of plan and inventory the service has the descriptif détaillé des réseaux the law requires (décret 2012-97); below 40, the points of the other knowledge do not count."))
	gates.Wrapping = fyne.TextWrapWord
	box.Add(gates)
	box.Add(widget.NewLabel(lang.L("Network: {{.Length}} (service connections excluded). Renewal over {{.From}}–{{.To}}: {{.Rate}} % a year.", map[string]any{
		"Length": dashboard.Km(s.Length / 1000), "From": renewal.FromYear, "To": renewal.ToYear, "Rate": paper.Decimal(renewal.Rate, 2)})))
	box.Add(widget.NewSeparator())
	box.Add(heading(lang.L("Items of the scale")))
	v.checks[service] = map[string]*widget.Check{}
	for _, it := range s.Items {
		box.Add(v.itemRow(service, it))
	}
	box.Add(widget.NewSeparator())
	box.Add(heading(lang.L("What blocks the next point")))
	if len(s.Blockers) == 0 {
		box.Add(widget.NewLabel(lang.L("Nothing: every point is reached.")))
	}
	for _, b := range s.Blockers {
		box.Add(v.blockerRow(service, b))
	}
}

func heading(text string) fyne.CanvasObject {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// itemRow is one item: its points out of its maximum, its wording, and
// how it is known — measured in the data, or declared by whom and when,
// with a box to tick for the items a commune declares.
func (v *icgpView) itemRow(service string, it icgp.Item) fyne.CanvasObject {
	points := widget.NewLabelWithStyle(fmt.Sprintf("%d / %d", it.Points, it.Max), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	label := widget.NewLabel(it.Label)
	label.Wrapping = fyne.TextWrapWord
	how := itemSource(it, v.chooser.insee() == "")
	if it.Gated {
		how += " — " + lang.L("does not count: the gate before it is not reached")
	}
	detail := widget.NewLabelWithStyle(how, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	detail.Wrapping = fyne.TextWrapWord
	var lead fyne.CanvasObject = widget.NewIcon(theme.ComputerIcon())
	if !it.Computed {
		check := widget.NewCheck("", nil)
		check.SetChecked(it.Points > 0)
		if v.chooser.insee() == "" {
			check.Disable() // each commune declares its own
		}
		check.OnChanged = func(on bool) { v.declare(service, it.Code, on) }
		v.checks[service][it.Code] = check
		lead = check
	}
	return container.NewBorder(nil, nil, lead, points, container.NewVBox(label, detail))
}

// declare writes the commune's declaration of an item and scores again.
func (v *icgpView) declare(service, item string, on bool) {
	insee, ws, now, user := v.chooser.insee(), v.ws, v.now(), v.user
	if insee == "" {
		return
	}
	v.status.SetText(lang.L("Saving the declaration…"))
	go func() {
		ctx := context.Background()
		err := icgp.Declare(ctx, ws, icgp.Declaration{INSEE: insee, Service: service, Item: item, Value: on, Year: now.Year(), By: user(ctx), On: now})
		v.do(func() {
			if err != nil {
				showError(v.win, lang.L("The declaration could not be saved. Check that the workspace is not open in another program."))
			}
			v.compute() // the box shows what is saved
		})
	}()
}

// blockerRow says what to do for the next points and lists the tronçons
// lacking it, longest first, with the map and the table a click away.
func (v *icgpView) blockerRow(service string, b icgp.Blocker) fyne.CanvasObject {
	msg := widget.NewLabelWithStyle(b.Message, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg.Wrapping = fyne.TextWrapWord
	rows := container.NewVBox(msg)
	if len(b.Features) == 0 {
		// An item to declare: the commune's box, a click away, after a question.
		if check := v.checks[service][b.Item]; check != nil && !check.Disabled() && !check.Checked {
			label := b.Item
			for _, it := range icgp.Items(service) {
				if it.Code == b.Item {
					label = it.Label
				}
			}
			declare := widget.NewButtonWithIcon(lang.L("Declare…"), theme.ConfirmIcon(), func() {
				v.confirm(lang.L("Declare"), lang.L("Do you confirm, for {{.Commune}}: «{{.Item}}»?", map[string]any{"Commune": v.chooser.Selected, "Item": label}),
					func(ok bool) {
						if ok {
							check.SetChecked(true) // declares, then scores again
						}
					})
			})
			v.declareButtons = append(v.declareButtons, declare)
			rows.Add(container.NewHBox(declare))
		}
		return container.NewPadded(rows)
	}
	for i, l := range b.Features {
		if i == icgpLacksShown {
			rows.Add(widget.NewLabel(lang.L("…and {{.N}} more tronçons", map[string]any{"N": len(b.Features) - icgpLacksShown})))
			break
		}
		id := l.ID
		if id == "" {
			id = lang.L("(no identifier)")
		}
		rows.Add(widget.NewLabel("• " + id + " — " + paper.Metres(l.Length)))
	}
	lacks := b.Features
	var buttons []fyne.CanvasObject
	if v.showOnMap != nil {
		b := widget.NewButtonWithIcon(lang.L("Show on the map"), theme.SearchIcon(), func() { v.showOnMap(lacks) })
		v.mapButtons = append(v.mapButtons, b)
		buttons = append(buttons, b)
	}
	if v.openTable != nil {
		b := widget.NewButtonWithIcon(lang.L("Open in the table"), theme.ListIcon(), func() { v.openTable(lacks[0].Layer, lacks) })
		v.tableButtons = append(v.tableButtons, b)
		buttons = append(buttons, b)
	}
	rows.Add(container.NewHBox(buttons...))
	bg := canvas.NewRectangle(color.Transparent)
	return container.NewStack(bg, container.NewPadded(rows))
}

// systemUser is the name of the person signed in to the computer (their
// full name when the system knows it), or "".
func systemUser() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	if name := strings.TrimSpace(strings.Split(u.Name, ",")[0]); name != "" {
		return name
	}
	return u.Username
}

// itemSource says how an item is known: measured in the data (with the
// share of the length for an item measured by length), declared by whom
// and when — for the whole intercommunality, declared by every commune
// with the network, as the item counts only then (the annex's rule) —, or
// not (yet) declared.
func itemSource(it icgp.Item, whole bool) string {
	detail := it.Detail
	if it.Measured {
		share := lang.L("{{.Percent}} % of the length", map[string]any{"Percent": paper.Decimal(it.Percent, 1)})
		if detail == "" {
			detail = share
		} else {
			detail = share + " — " + detail
		}
	}
	switch {
	case it.Computed && detail != "":
		return lang.L("Measured in the data: {{.Detail}}", map[string]any{"Detail": detail})
	case it.Computed:
		return lang.L("Measured in the data")
	case whole && it.Points >= it.Max && it.Max > 0:
		return lang.L("Declared by every commune")
	case whole && it.Detail != "":
		// icgp's count, in French as its details are: «déclaré par 20
		// communes sur 24»; «what blocks the next point» names the others.
		return upperFirst(it.Detail)
	case whole:
		return lang.L("Not declared by every commune: «What blocks the next point» names those still to declare")
	case it.DeclaredBy != "" || !it.DeclaredOn.IsZero():
		by := it.DeclaredBy
		if by == "" {
			by = lang.L("someone")
		}
		return lang.L("Declared by {{.By}} on {{.On}}", map[string]any{"By": by, "On": it.DeclaredOn.Format("02/01/2006")})
	}
	return lang.L("Not declared")
}

// upperFirst puts the first letter of s in upper case.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
