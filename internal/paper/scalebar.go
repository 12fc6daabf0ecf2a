package paper

import "math"

// ScaleBar is a graphic scale: a round ground length and its length on
// the page.
type ScaleBar struct {
	Metres   float64 // 1, 2 or 5 × 10^n
	MM       float64 // on the page
	Segments int     // alternating dark and light parts
}

// ScaleBar returns the frame's scale bar no longer than maxMM on the page:
// the view's round length (mapview.Viewport.ScaleBar), cut in five parts
// for 5 × 10^n, else in four.
func (m MapFrame) ScaleBar(maxMM float64) ScaleBar {
	metres, px := m.View.ScaleBar(maxMM / PxMM)
	if !(metres > 0) {
		return ScaleBar{}
	}
	sb := ScaleBar{Metres: metres, MM: px * PxMM, Segments: 4}
	if lead := metres / math.Pow(10, math.Floor(math.Log10(metres)+1e-9)); lead > 4.5 {
		sb.Segments = 5
	}
	return sb
}

// DrawScaleBar draws the scale bar in the map's bottom-left corner, on a
// white veil: its parts, "0", the middle and the end labelled; scale, when
// not blank, is written under the bar (Scale: "1:18 700") for a page
// without a cartouche to state it.
func (m MapFrame) DrawScaleBar(s Surface, fs *Fonts, scale string) {
	k, f := m.K, m.Rect
	sb := m.ScaleBar(math.Max(12*k, math.Min(0.22*f.W, 60*k)))
	if sb.MM <= 0 {
		return
	}
	black, dark := Black.NRGBA(), FrameGrey.NRGBA()
	font := Font{Size: 6.5 * k}
	pad, barH := 1.8*k, 1.3*k
	endLabel := Length(sb.Metres)
	w0, wEnd := fs.Width("0", font), fs.Width(endLabel, font)
	boxW := pad + w0/2 + sb.MM + wEnd/2 + pad
	boxH := pad + fs.CapHeight(font) + 1.2*k + barH + pad
	if scale != "" {
		boxW = math.Max(boxW, 2*pad+fs.Width(scale, font))
		boxH += 1.2*k + fs.CapHeight(font)
	}
	box := Rect{f.X + m.Inset, f.Bottom() - m.Inset - boxH, boxW, boxH}
	s.Polygon(box.Pts(), BoxWhite.NRGBA(), Transparent.NRGBA(), 0, nil)
	x0 := box.X + pad + w0/2
	barY := box.Y + pad + fs.CapHeight(font) + 1.2*k
	seg := sb.MM / float64(sb.Segments)
	for i := 0; i < sb.Segments; i++ {
		c := dark
		if i%2 == 1 {
			c = White.NRGBA()
		}
		s.Polygon(Rect{x0 + float64(i)*seg, barY, seg, barH}.Pts(), c, Transparent.NRGBA(), 0, nil)
	}
	s.Polygon(Rect{x0, barY, sb.MM, barH}.Pts(), Transparent.NRGBA(), dark, 0.2*k, nil)
	ly := barY - 1.0*k
	s.Text(x0-w0/2, ly, "0", font, black)
	if sb.Segments == 4 {
		mid := Length(sb.Metres / 2)
		s.Text(x0+sb.MM/2-fs.Width(mid, font)/2, ly, mid, font, black)
	}
	s.Text(x0+sb.MM-wEnd/2, ly, endLabel, font, black)
	if scale != "" {
		s.Text(box.X+pad, barY+barH+1.2*k+fs.CapHeight(font), scale, font, black)
	}
}

// DrawNorthArrow draws the north arrow in the map's top-right corner: in
// Web Mercator, north is up everywhere.
func (m MapFrame) DrawNorthArrow(s Surface, fs *Fonts) {
	k, f := m.K, m.Rect
	a := 9 * k // the arrow's height
	font := Font{Size: 7.5 * k, Bold: true}
	pad := 1.8 * k
	bw := 0.56*a + 2*pad
	bh := pad + fs.CapHeight(font) + 1.2*k + a + pad
	box := Rect{f.Right() - m.Inset - bw, f.Y + m.Inset, bw, bh}
	s.Polygon(box.Pts(), BoxWhite.NRGBA(), Transparent.NRGBA(), 0, nil)
	cx := box.X + bw/2
	s.Text(cx-fs.Width("N", font)/2, box.Y+pad+fs.CapHeight(font), "N", font, Black.NRGBA())
	top := box.Y + pad + fs.CapHeight(font) + 1.2*k
	bottom := top + a
	notch := bottom - 0.25*a
	dark := FrameGrey.NRGBA()
	s.Polygon([]Pt{{cx, top}, {cx - 0.28*a, bottom}, {cx, notch}}, dark, dark, 0.15*k, nil)
	s.Polygon([]Pt{{cx, top}, {cx, notch}, {cx + 0.28*a, bottom}}, White.NRGBA(), dark, 0.15*k, nil)
}
