package app

import (
	"strings"
	"testing"

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
	f.submit()
	if saved != nil {
		t.Fatalf("saved an invalid value: %v", saved)
	}
	if hint := f.editors[2].item.HintText; !strings.Contains(hint, "nombre") {
		t.Errorf("the debit field says %q", hint)
	}
	// The other values typed are kept while the problem is shown.
	if f.editors[0].object.(*widget.Entry).Text != "T-01" {
		t.Errorf("the form lost what was typed")
	}
	debit.SetText("75,5")
	f.editors[1].object.(*widget.Select).SetSelected("Bouche d'incendie (BI)")
	f.submit()
	if saved == nil || saved["debit"] != 75.5 || saved["type_pei"] != "BI" || len(saved) != 2 {
		t.Fatalf("saved %v, want debit 75.5 and type BI only", saved)
	}
	if f.editors[2].item.HintText != "" {
		t.Errorf("the problem is still shown: %q", f.editors[2].item.HintText)
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
	f.submit()
	if saved != nil || !strings.Contains(f.editors[0].item.HintText, "Required") || !strings.Contains(f.editors[1].item.HintText, "Required") {
		t.Errorf("required fields: %q / %q", f.editors[0].item.HintText, f.editors[1].item.HintText)
	}
	viewer := newFeatureForm(hydrantLayer(), true, nil)
	for _, e := range viewer.editors {
		if d, ok := e.object.(interface{ Disabled() bool }); ok && !d.Disabled() {
			t.Errorf("%s is editable for a viewer", e.field.Name)
		}
	}
	if viewer.form.OnSubmit != nil {
		t.Errorf("a viewer's form can be saved")
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
