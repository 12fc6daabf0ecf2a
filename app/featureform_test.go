package app

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"terrimap/store/schema"
)

func hydrantLayer() schema.Layer {
	return schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "numero", Title: "Numéro", Type: schema.Text, Required: true},
		{Name: "type_pei", Title: "Type", Type: schema.Text, Required: true, Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau d'incendie"}, {Code: "BI", Label: "Bouche d'incendie"}}},
		{Name: "debit", Title: "Débit (m³/h)", Type: schema.Real},
		{Name: "disponible", Title: "Disponible", Type: schema.Boolean},
		{Name: "date_ct", Title: "Dernier contrôle", Type: schema.Date},
		{Name: "maj", Title: "Mis à jour", Type: schema.DateTime, ReadOnly: true},
	}}
}

func TestFeatureFormValidatesBeforeSaving(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	var saved map[string]any
	f := newFeatureForm(hydrantLayer(), false, func(changed map[string]any) { saved = changed })
	w := test.NewWindow(f.content())
	defer w.Close()
	f.load(map[string]any{"numero": "T-01", "type_pei": "PI", "debit": 60.0, "disponible": true, "date_ct": "2024-03-01", "maj": "2026-01-01T00:00:00Z"})

	debit := f.editors[2].object.(*widget.Entry)
	test.Type(debit, "x") // "60x"
	test.Tap(f.save)
	if saved != nil {
		t.Fatalf("saved an invalid value: %v", saved)
	}
	if p := f.editors[2].problem; !p.Visible() || !strings.Contains(p.Text, "nombre") {
		t.Errorf("the debit field says %q (shown %v)", p.Text, p.Visible())
	}
	if !f.status.Visible() || f.status.Text != "Impossible d'enregistrer : 1 champ à corriger : Débit (m³/h)." {
		t.Errorf("the save bar says %q", f.status.Text)
	}
	// The other values typed are kept while the problem is shown.
	if f.editors[0].object.(*widget.Entry).Text != "T-01" {
		t.Errorf("the form lost what was typed")
	}
	debit.SetText("75,5")
	f.editors[1].object.(*widget.Select).SetSelected("Bouche d'incendie")
	test.Tap(f.save)
	if saved == nil || saved["debit"] != 75.5 || saved["type_pei"] != "BI" || len(saved) != 2 {
		t.Fatalf("saved %v, want debit 75.5 and type BI only", saved)
	}
	if f.editors[2].problem.Visible() || f.status.Importance == widget.DangerImportance {
		t.Errorf("the problem is still shown: %q / %q", f.editors[2].problem.Text, f.status.Text)
	}
	if !f.editors[5].object.(*widget.Entry).Disabled() {
		t.Errorf("a read-only field is editable")
	}
}

func TestFeatureFormRequiredAndReadOnly(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "en_US.UTF-8")
	var saved map[string]any
	f := newFeatureForm(hydrantLayer(), false, func(changed map[string]any) { saved = changed })
	f.load(map[string]any{})
	test.Tap(f.save)
	if saved != nil || !strings.Contains(f.editors[0].problem.Text, "Required") || !strings.Contains(f.editors[1].problem.Text, "Required") {
		t.Errorf("required fields: %q / %q", f.editors[0].problem.Text, f.editors[1].problem.Text)
	}
	if want := "Cannot save: 2 fields to correct: Numéro, Type."; f.status.Text != want {
		t.Errorf("the save bar says %q, want %q", f.status.Text, want)
	}
	viewer := newFeatureForm(hydrantLayer(), true, nil)
	for _, e := range viewer.editors {
		if d, ok := e.object.(interface{ Disabled() bool }); ok && !d.Disabled() {
			t.Errorf("%s is editable for a viewer", e.field.Name)
		}
	}
	if viewer.bar.Visible() {
		t.Errorf("a viewer's form can be saved")
	}
}

// Every field type, left empty, blocks nothing when it is optional, is
// refused with a reason when it is required, and a value that does not fit
// is refused with what the field expects — beside the field and on the
// save bar. The save button is never greyed: it says why instead.
func TestFeatureFormEmptyAndInvalidByType(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	coded := []schema.CodedValue{{Code: "public", Label: "Public"}, {Code: "prive", Label: "Privé"}}
	cases := []struct {
		typ     schema.FieldType
		domain  []schema.CodedValue
		invalid string // "" when the widget cannot hold an invalid value
		problem string
	}{
		{schema.Text, nil, "", ""},
		{schema.Integer, nil, "5,2", "nombre entier"},
		{schema.Real, nil, "abc", "Saisissez un nombre"},
		{schema.Date, nil, "31/02/2026", "jour/mois/année"},
		{schema.DateTime, nil, "demain", "date et une heure"},
		{schema.Boolean, nil, "", ""},
		{schema.Text, coded, "", ""},
	}
	for _, c := range cases {
		for _, required := range []bool{false, true} {
			field := schema.Field{Name: "champ", Title: "Champ", Type: c.typ, Domain: c.domain, Required: required}
			layer := schema.Layer{Name: "l", GeometryType: schema.Point, Fields: []schema.Field{
				{Name: "nom", Title: "Nom", Type: schema.Text}, field}}
			name := fmt.Sprintf("%s/domain=%v/required=%v", c.typ, c.domain != nil, required)
			var saved map[string]any
			f := newFeatureForm(layer, false, func(changed map[string]any) { saved = changed })
			f.load(map[string]any{})
			f.editors[0].object.(*widget.Entry).SetText("Poteau 12")
			if f.save.Disabled() {
				t.Errorf("%s: the save button is greyed", name)
			}
			test.Tap(f.save)
			wantBlocked := required && c.typ != schema.Boolean // a box left unticked says «non»
			if blocked := saved == nil; blocked != wantBlocked {
				t.Errorf("%s: empty: saved %v, want blocked %v", name, saved, wantBlocked)
			}
			if wantBlocked {
				if p := f.editors[1].problem.Text; !strings.Contains(p, "Obligatoire") {
					t.Errorf("%s: empty: the field says %q", name, p)
				}
				if s := f.status.Text; !strings.Contains(s, "Impossible d'enregistrer") || !strings.Contains(s, "Champ") {
					t.Errorf("%s: empty: the save bar says %q", name, s)
				}
			}
			if c.invalid == "" {
				continue
			}
			saved = nil
			f.editors[1].object.(*widget.Entry).SetText(c.invalid)
			test.Tap(f.save)
			if saved != nil {
				t.Errorf("%s: %q saved as %v", name, c.invalid, saved)
			}
			if p := f.editors[1].problem.Text; !strings.Contains(p, c.problem) {
				t.Errorf("%s: %q: the field says %q, want %q", name, c.invalid, p, c.problem)
			}
			if s := f.status.Text; !strings.Contains(s, "1 champ à corriger : Champ") {
				t.Errorf("%s: %q: the save bar says %q", name, c.invalid, s)
			}
		}
	}
}

// Numbers are read as French users type them and shown back with a comma.
func TestFeatureFormFrenchNumbers(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	var saved map[string]any
	f := newFeatureForm(hydrantLayer(), false, func(changed map[string]any) { saved = changed })
	f.load(map[string]any{"numero": "T-01", "type_pei": "PI", "debit": 60.25})
	debit := f.editors[2].object.(*widget.Entry)
	if debit.Text != "60,25" {
		t.Errorf("a real is shown %q, want 60,25", debit.Text)
	}
	for in, want := range map[string]float64{"5,2": 5.2, "1 234,5": 1234.5, "1\u00a0234,5": 1234.5, "7.5": 7.5} {
		saved = nil
		debit.SetText(in)
		test.Tap(f.save)
		if saved["debit"] != want {
			t.Errorf("%q saved as %v, want %v", in, saved["debit"], want)
		}
	}
	if got := describeValue(hydrantLayer().Fields[2], 5.2); got != "5,2" {
		t.Errorf("a real is described %q", got)
	}
}

// A value shown and left alone is never saved as a change, even where the
// form shows it rounded: the seconds of a date and time.
func TestFeatureFormLeavesUntouchedValues(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	layer := hydrantLayer()
	layer.Fields[5].ReadOnly = false // «Mis à jour», a date and time
	var saved map[string]any
	f := newFeatureForm(layer, false, func(changed map[string]any) { saved = changed })
	f.load(map[string]any{"numero": "T-01", "type_pei": "PI", "debit": 1e-7, "maj": "2026-01-01T10:00:30.5Z"})
	f.editors[0].object.(*widget.Entry).SetText("T-02")
	test.Tap(f.save)
	if len(saved) != 1 || saved["numero"] != "T-02" {
		t.Errorf("saved %v, want the number only", saved)
	}
	saved = nil
	f.editors[5].object.(*widget.Entry).SetText("02/01/2026 09:15")
	test.Tap(f.save)
	want := time.Date(2026, 1, 2, 9, 15, 0, 0, time.Local).UTC().Format(time.RFC3339)
	if saved["maj"] != want {
		t.Errorf("a date and time typed saved %v, want %v", saved, want)
	}
}

// Coded values show their labels, never their codes.
func TestFeatureFormShowsLabelsNotCodes(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	f := newFeatureForm(hydrantLayer(), false, nil)
	f.load(map[string]any{"type_pei": "BI"})
	sel := f.editors[1].object.(*widget.Select)
	if sel.Selected != "Bouche d'incendie" || strings.Join(sel.Options, "|") != "Poteau d'incendie|Bouche d'incendie" {
		t.Errorf("shows %q among %q", sel.Selected, sel.Options)
	}
	viewer := newFeatureForm(hydrantLayer(), true, nil)
	viewer.load(map[string]any{"type_pei": "BI", "debit": 5.2, "date_ct": "2024-03-01"})
	for i, want := range map[int]string{1: "Bouche d'incendie", 2: "5,2", 4: "01/03/2024"} {
		if got := viewer.editors[i].object.(*widget.Label).Text; got != want {
			t.Errorf("read only: %s shows %q, want %q", viewer.editors[i].field.Name, got, want)
		}
	}
	twins := schema.Field{Name: "c", Type: schema.Text, Required: true, Domain: []schema.CodedValue{
		{Code: "a", Label: "Même"}, {Code: "b", Label: "Même"}, {Code: "sans_libelle"}}}
	labels, _ := domainChoices(twins)
	if strings.Join(labels, "|") != "Même (a)|Même (b)|sans_libelle" {
		t.Errorf("labels %q", labels)
	}
}

// The form at the side panel's narrowest width scrolls only up and down,
// its titles are whole, and the save bar is fully in view under the
// scrolled fields, however long the form.
func TestFeatureFormFitsANarrowPanel(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	layer := hydrantLayer()
	layer.Fields = append(layer.Fields,
		schema.Field{Name: "date_dispo", Title: "Date du dernier changement de disponibilité", Type: schema.Date},
		schema.Field{Name: "gest", Title: "Gestionnaire", Type: schema.Text, Domain: []schema.CodedValue{
			{Code: "regie", Label: "Régie des eaux de la Communauté de communes du Mâconnais-Tournugeois"}}},
		schema.Field{Name: "obs", Title: "Observations", Type: schema.Text, Description: "Ce que l'agent a constaté lors de sa dernière visite, en quelques mots, sans abréviation."})
	f := newFeatureForm(layer, false, nil)
	size := fyne.NewSize(450, 500)
	w := test.NewWindow(f.content())
	defer w.Close()
	w.SetPadded(false)
	w.Resize(size)
	f.load(map[string]any{"numero": "T-01", "type_pei": "PI", "gest": "regie"})
	test.Tap(f.save) // shows problems and the save bar's reason, the longest state

	if min := f.fields.MinSize().Width; min > f.scroll.Size().Width {
		t.Errorf("the fields need %v px, the panel gives %v: a horizontal scroll", min, f.scroll.Size().Width)
	}
	if f.scroll.Direction != container.ScrollVerticalOnly {
		t.Errorf("the form scrolls sideways")
	}
	for _, e := range f.editors {
		if e.title.Size().Width > f.scroll.Size().Width || e.title.MinSize().Height > 0 && e.title.Size().Height < e.title.MinSize().Height {
			t.Errorf("%s: title %v cut in %v", e.field.Name, e.title.Size(), f.scroll.Size())
		}
	}
	barPos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.save)
	if barPos.X < 0 || barPos.Y < 0 || barPos.X+f.save.Size().Width > size.Width || barPos.Y+f.save.Size().Height > size.Height {
		t.Errorf("the save button at %v size %v is not wholly in %v", barPos, f.save.Size(), size)
	}
	if f.fields.MinSize().Height <= f.scroll.Size().Height {
		t.Fatalf("the test form is too short to scroll: %v in %v", f.fields.MinSize(), f.scroll.Size())
	}
	scrollPos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.scroll)
	if scrollPos.Y+f.scroll.Size().Height > barPos.Y {
		t.Errorf("the scrolled fields (bottom %v) run under the save button (top %v)", scrollPos.Y+f.scroll.Size().Height, barPos.Y)
	}

	// The mouse wheel scrolls the form with the pointer over a number or a
	// date, as over the rest of the form.
	for _, i := range []int{2, 4} { // débit, date_ct
		f.scroll.ScrollToOffset(fyne.NewPos(0, f.editors[i].box.Position().Y))
		before := f.scroll.Offset.Y
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.editors[i].object).Add(fyne.NewPos(20, 10))
		test.Scroll(w.Canvas(), at, 0, -60)
		if f.scroll.Offset.Y <= before {
			t.Errorf("%s: the wheel over the entry left the form at %v", f.editors[i].field.Name, f.scroll.Offset.Y)
		}
	}

	// A field to correct out of view is scrolled to, its reason beside it.
	f.editors[len(f.editors)-1].object.(*widget.Entry).SetText("")
	f.editors[0].object.(*widget.Entry).SetText("")
	f.scroll.ScrollToOffset(fyne.NewPos(0, f.fields.MinSize().Height))
	test.Tap(f.save)
	numero := f.editors[0]
	if y := numero.box.Position().Y + numero.problem.Position().Y; !numero.problem.Visible() || y < f.scroll.Offset.Y || y+numero.problem.Size().Height > f.scroll.Offset.Y+f.scroll.Size().Height {
		t.Errorf("the reason at %v is out of the view %v + %v", y, f.scroll.Offset.Y, f.scroll.Size().Height)
	}
}

// The calendar speaks the user's language: «décembre 2026», weeks from
// Monday, and no «Translation failure» from a key it asks for.
func TestCalendarInFrench(t *testing.T) {
	test.NewTempApp(t)
	for _, c := range []struct {
		locale, title string
		days          []string
	}{
		{"fr_FR.UTF-8", "décembre 2026", []string{"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."}},
		{"en_US.UTF-8", "December 2026", []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}},
	} {
		useLocale(t, c.locale)
		var picked time.Time
		var logged bytes.Buffer
		log.SetOutput(&logged)
		cal := newMonthCalendar(time.Date(2026, 12, 17, 0, 0, 0, 0, time.Local), func(d time.Time) { picked = d })
		log.SetOutput(os.Stderr)
		if logged.Len() > 0 {
			t.Errorf("%s: the calendar logged %s", c.locale, logged.String())
		}
		if cal.title.Text != c.title {
			t.Errorf("%s: title %q, want %q", c.locale, cal.title.Text, c.title)
		}
		var days []string
		for _, h := range cal.headings {
			days = append(days, h.Text)
		}
		if strings.Join(days, " ") != strings.Join(c.days, " ") {
			t.Errorf("%s: days %v, want %v", c.locale, days, c.days)
		}
		// 1 December 2026 is a Tuesday: one blank, then the 1st.
		first, ok := cal.days.Objects[1].(*widget.Button)
		if !ok || first.Text != "1" {
			t.Fatalf("%s: the month starts with %#v", c.locale, cal.days.Objects[1])
		}
		test.Tap(first)
		if !picked.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local)) {
			t.Errorf("%s: tapping 1 picked %v", c.locale, picked)
		}
	}
	useLocale(t, "fr_FR.UTF-8")
	d := newDateField()
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local)
	d.pick(day)
	if d.entry.Text != "01/12/2026" {
		t.Errorf("the date picked shows %q", d.entry.Text)
	}
	// The calendar opens on the month of the date typed, that day marked.
	w := test.NewWindow(d.entry)
	defer w.Close()
	d.entry.SetText("17/03/2025")
	d.openCalendar()
	if d.cal.title.Text != "mars 2025" {
		t.Errorf("the calendar opens on %q", d.cal.title.Text)
	}
	for _, o := range d.cal.days.Objects {
		if b, ok := o.(*widget.Button); ok && (b.Importance == widget.HighImportance) != (b.Text == "17") {
			t.Errorf("day %s marked %v", b.Text, b.Importance)
		}
	}
}

// An intervention's photos are shown by its photo strip, never as a field
// of sha256 hashes; a field called photos elsewhere stays in the form.
func TestFormLeavesPhotoHashesToTheStrip(t *testing.T) {
	intervention := schema.Layer{Name: "interventions", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: fieldEquipmentID, Type: schema.Text}, {Name: "notes", Type: schema.Text}, {Name: fieldPhotos, Type: schema.Text}}}
	other := schema.Layer{Name: "batiment", GeometryType: schema.Polygon, Fields: []schema.Field{{Name: fieldPhotos, Type: schema.Text}}}
	for _, c := range []struct {
		layer schema.Layer
		want  []string
	}{
		{intervention, []string{fieldEquipmentID, "notes"}},
		{other, []string{fieldPhotos}},
	} {
		var got []string
		for _, e := range newFeatureForm(c.layer, false, nil).editors {
			got = append(got, e.field.Name)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: fields %v, want %v", c.layer.Name, got, c.want)
		}
	}
}
