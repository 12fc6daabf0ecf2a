package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
)

// Identify a hydrant, type a wrong value, see the problem beside the field,
// fix it, save: the feature changes and the journal holds the edit.
func TestIdentifyEditValidateSave(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "tournus.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	v := m.view
	ctx := context.Background()

	vp := mapview.Viewport{Center: orb.Point{4.910, 46.564}, Zoom: 16, Width: 800, Height: 600, Scale: 1}
	hits, err := v.s.tiles.HitTest(ctx, vp, vp.LonLatToPixel(orb.Point{4.910, 46.564}), 6)
	if err != nil || len(hits) == 0 {
		t.Fatalf("hit test: %v %v", hits, err)
	}
	v.identified(orb.Point{4.910, 46.564}, hits)
	q.runUntil(t, func() bool { return v.selected != nil })
	if v.tabs.Selected() != v.featTab || !strings.Contains(v.feature.title.Text, "T-02") {
		t.Fatalf("feature panel shows %q", v.feature.title.Text)
	}
	form := v.feature.form
	debit := form.editors[2].object.(*widget.Entry)
	debit.SetText("soixante")
	form.submit()
	if !strings.Contains(form.editors[2].problem.Text, "nombre") {
		t.Errorf("no problem shown beside the field: %q", form.editors[2].problem.Text)
	}
	before, _ := v.s.ws.Pending(ctx, 0)
	debit.SetText("85")
	form.submit()
	q.runUntil(t, func() bool { return v.selected != nil && v.selected.Properties["debit"] == 85.0 })
	f, err := v.s.ws.Get(ctx, "pei", v.selected.UUID)
	if err != nil || f.Properties["debit"] != 85.0 {
		t.Fatalf("saved feature: %+v %v", f.Properties, err)
	}
	after, _ := v.s.ws.Pending(ctx, 0)
	if len(after) != len(before)+1 || after[len(after)-1].Op != store.OpUpdate || after[len(after)-1].Properties["debit"] != 85.0 {
		t.Errorf("journal: %d → %d entries, last %+v", len(before), len(after), after[len(after)-1])
	}
	q.runUntil(t, func() bool { return v.sync.idle() })
	if !strings.Contains(v.sync.summary.Text, "4 modifications en attente") {
		t.Errorf("sync summary: %q", v.sync.summary.Text)
	}
}

// A workspace whose layers are all read-only (an élu's) shows no edit tools.
func TestViewerSeesNoEditTools(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "elu.gpkg")
	readOnlyLayer(t, path, "pei")
	_, m := newTestShell(t, Options{})
	openInShell(t, m, path)
	want := []string{lang.L("Navigate"), lang.L("Identify"), lang.L("Measure a distance"), lang.L("Measure an area")}
	if got := m.view.tools.Options; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tools offered to a viewer: %q, want %q", got, want)
	}
}

// The tool list is wide enough for its longest name in French: «Tracer un
// polygone» showed as «Tracer un p…» while she drew the before-works zone.
func TestToolNamesShownWhole(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	openInShell(t, m, demoWorkspaceFile(t, "tools.gpkg"))
	sel := m.view.tools
	th := sel.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	room := sel.MinSize().Width - 4*pad - th.Size(theme.SizeNameInlineIcon)
	for _, name := range sel.Options {
		if w := fyne.MeasureText(name, th.Size(theme.SizeNameText), fyne.TextStyle{}).Width; w > room {
			t.Errorf("tool %q needs %g, the list shows %g", name, w, room)
		}
	}
}

// pathTo returns the objects from o down to target, o first; nil when
// target is not under o.
func pathTo(o, target fyne.CanvasObject) []fyne.CanvasObject {
	if o == target {
		return []fyne.CanvasObject{o}
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if p := pathTo(c, target); p != nil {
			return append([]fyne.CanvasObject{o}, p...)
		}
	}
	return nil
}

// The scale bar's «1 km» sits on a background, like the other map
// controls, so that the map's features never cover it.
func TestScaleBarOnABackground(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	openInShell(t, m, demoWorkspaceFile(t, "echelle.gpkg"))
	v := m.view
	path := pathTo(m.window.Canvas().Content(), v.scaleText)
	if path == nil {
		t.Fatal("the scale's text is not in the window")
	}
	drv := fyne.CurrentApp().Driver()
	at, size := drv.AbsolutePositionForObject(v.scaleText), v.scaleText.MinSize()
	for _, o := range path {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) < 2 {
			continue
		}
		bg, ok := c.Objects[0].(*canvas.Rectangle)
		if !ok || bg == v.scaleBar {
			continue
		}
		_, _, _, a := bg.FillColor.RGBA()
		from := drv.AbsolutePositionForObject(bg)
		if a >= 0xc000 && from.X <= at.X && from.Y <= at.Y &&
			from.X+bg.Size().Width >= at.X+size.Width && from.Y+bg.Size().Height >= at.Y+size.Height {
			return
		}
	}
	t.Error("no background behind the scale's text")
}
