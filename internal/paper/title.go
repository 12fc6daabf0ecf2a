package paper

// TitleBlock is a sheet's title and subtitle, wrapped to their width.
type TitleBlock struct {
	Title, Sub         []string // lines
	TitleFont, SubFont Font
	k                  float64
}

// FitTitle wraps the title in width w millimetres, at the largest size
// from 16 down to 12 points (times k, the sheet's size relative to A4) at
// which it takes one line, else two, else at 12 points on as many lines
// as it needs; the subtitle is at 10 points (times k).
func FitTitle(fs *Fonts, title, subtitle string, w, k float64) TitleBlock {
	t := TitleBlock{SubFont: Font{Size: 10 * k}, k: k}
	for _, most := range []int{1, 2} {
		for pt := 16.0; pt >= 12; pt -= 0.5 {
			t.TitleFont = Font{Size: pt * k, Bold: true}
			if t.Title = fs.Wrap(title, t.TitleFont, w); len(t.Title) <= most {
				t.Sub = fs.Wrap(subtitle, t.SubFont, w)
				return t
			}
		}
	}
	t.Sub = fs.Wrap(subtitle, t.SubFont, w)
	return t
}

// Height is the height of the title and subtitle lines, in millimetres.
func (t TitleBlock) Height() float64 {
	h := float64(len(t.Title))*LineHeight(t.TitleFont) + float64(len(t.Sub))*LineHeight(t.SubFont)
	if h > 0 {
		h += 0.25 * LineHeight(t.TitleFont)
	}
	return h
}

// Draw writes the title and subtitle from the top of r, then, when rule
// is set, a rule across r under them; it returns where what follows may
// start.
func (t TitleBlock) Draw(s Surface, r Rect, rule bool) float64 {
	y := r.Y
	for _, line := range t.Title {
		y += LineHeight(t.TitleFont)
		s.Text(r.X, y-0.22*LineHeight(t.TitleFont), line, t.TitleFont, Black.NRGBA())
	}
	for _, line := range t.Sub {
		y += LineHeight(t.SubFont)
		s.Text(r.X, y-0.22*LineHeight(t.SubFont), line, t.SubFont, InkGrey.NRGBA())
	}
	if y > r.Y && rule {
		y += 0.35 * LineHeight(t.SubFont)
		s.Polyline([]Pt{{r.X, y}, {r.Right(), y}}, RuleGrey.NRGBA(), 0.25*t.k, nil, false)
		y += 0.6 * LineHeight(t.SubFont)
	}
	return y
}
