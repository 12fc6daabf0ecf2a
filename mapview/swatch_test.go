package mapview

import (
	"image"
	"testing"
)

// runs counts the stretches of drawn pixels along row y of img.
func runs(img *image.RGBA, y int) int {
	n, in := 0, false
	for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
		drawn := img.RGBAAt(x, y).A > 0x40
		if drawn && !in {
			n++
		}
		in = drawn
	}
	return n
}

// TestDrawSwatch checks that a legend swatch is drawn as the map draws the
// feature: a dashed pipe dashed, a solid one solid, a point's symbol in
// its colour, a rule's class in its own colour.
func TestDrawSwatch(t *testing.T) {
	styles := DefaultStyles()
	sewer := DrawSwatch(styles["canalass"], SwatchLine, nil, 16, 40, 14, 1)
	if n := runs(sewer, 7); n < 3 {
		t.Errorf("the sewer pipe's swatch shows %d stretches, want its dashes", n)
	}
	water := DrawSwatch(styles["canalaep"], SwatchLine, nil, 16, 40, 14, 1)
	if n := runs(water, 7); n != 1 {
		t.Errorf("the water pipe's swatch shows %d stretches, want one solid line", n)
	}
	if c := DrawSwatch(styles["canalaep"], SwatchLine, nil, 16, 40, 14, 3).RGBAAt(60, 21); c.R != 0x1f || c.G != 0x78 || c.B != 0xb4 {
		t.Errorf("the water pipe's swatch is %v, want the style's #1f78b4", c)
	}
	hydrant := DrawSwatch(styles["pei"], SwatchPoint, nil, 16, 20, 20, 1)
	if c := hydrant.RGBAAt(10, 10); c.R != 0xe3 || c.G != 0x1a || c.B != 0x1c {
		t.Errorf("the hydrant's symbol is %v at its centre, want #e31a1c", c)
	}
	if c := hydrant.RGBAAt(0, 0); c.A != 0 {
		t.Errorf("the hydrant's swatch is painted in its corner: %v", c)
	}
	off := DrawSwatch(styles["pei"], SwatchPoint, map[string]any{"disponible": false}, 16, 20, 20, 1)
	if c := off.RGBAAt(10, 10); c.R != 0x9e {
		t.Errorf("an unavailable hydrant's symbol is %v, want grey #9e9e9e", c)
	}
	hidpi := DrawSwatch(styles["canalaep"], SwatchLine, nil, 16, 40, 14, 2)
	if b := hidpi.Bounds(); b.Dx() != 80 || b.Dy() != 28 {
		t.Errorf("a swatch at scale 2 is %v, want 80×28", b.Size())
	}
	area := DrawSwatch(styles["zone_inondable"], SwatchPolygon, nil, 16, 30, 16, 1)
	if c := area.RGBAAt(15, 8); c.A == 0 {
		t.Error("the flood zone's swatch is not filled")
	}
}
