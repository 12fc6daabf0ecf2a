package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
)

// A hydrant moved here and on the platform: the conflict shows both
// positions over the map, mine in orange and theirs in blue.
func TestConflictShowsBothGeometries(t *testing.T) {
	ws, err := store.Open(demoWorkspaceFile(t, "conflit.gpkg"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	mine, theirs := orb.Point{4.9101, 46.5641}, orb.Point{4.9099, 46.5639}
	pic := drawConflict(r, mapview.DefaultLayers(ws, nil), mine, theirs)
	if pic == nil || pic.background == nil {
		t.Fatal("no map drawn under the conflict")
	}
	var dots []*canvas.Circle
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Circle:
			dots = append(dots, x)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(pic.object())
	if len(dots) != 2 || dots[0].FillColor != theirsColour || dots[1].FillColor != mineColour {
		t.Fatalf("dots: %d", len(dots))
	}
	for _, d := range dots {
		if p := d.Position(); p.X < 0 || p.Y < 0 || p.X > conflictMapSize.Width || p.Y > conflictMapSize.Height {
			t.Errorf("a position drawn off the little map at %v", p)
		}
	}
	if drawConflict(r, nil, nil, nil) != nil {
		t.Error("a picture for a conflict without geometry")
	}
}
