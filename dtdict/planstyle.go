package dtdict

import (
	"image/color"

	"terrimap/internal/paper"
	"terrimap/report"
)

// lineStyle is how a plan draws the features of a location class: in
// colour, the report's class colour (report.ClassColour); in black and
// white, black; in both, a line style of the class — solid for A, long
// dashes for B, short dashes for C and unknown — so that a photocopy still
// tells them apart.
type lineStyle struct {
	Stroke color.NRGBA
	Width  float64   // of a line, in mm
	Dash   []float64 // in mm: drawn, skipped…; nil is solid
	Title  string    // in the legend
}

// lineWidth is a network line's width on a plan, in mm.
const lineWidth = 0.7

func styleOf(c report.Class, colour bool) lineStyle {
	s := lineStyle{Stroke: paper.Black.NRGBA(), Width: lineWidth}
	if colour {
		s.Stroke = report.ClassColour(c)
	}
	switch c {
	case report.ClassA:
		s.Title = "Classe A (incertitude < 40" + paper.NBSP + "cm)"
	case report.ClassB:
		s.Title = "Classe B (de 40" + paper.NBSP + "cm à 1,50" + paper.NBSP + "m)"
		s.Dash = []float64{3, 1.2}
	default:
		s.Title = "Classe C (>" + paper.NBSP + "1,50" + paper.NBSP + "m) ou inconnue"
		s.Dash = []float64{1, 1}
	}
	return s
}

// planClasses are the classes a plan's legend lists, in its order; the
// unknown class is drawn as C.
var planClasses = [...]report.Class{report.ClassA, report.ClassB, report.ClassC}

// zoneStyle is how a plan draws the works zone: outlined in violet (black
// in black and white), lightly filled.
func zoneStyle(colour bool) (stroke, fill color.NRGBA) {
	if colour {
		return color.NRGBA{0x6a, 0x1b, 0x9a, 0xff}, color.NRGBA{0x6a, 0x1b, 0x9a, 0x1c}
	}
	return paper.Black.NRGBA(), color.NRGBA{0, 0, 0, 0x14}
}

// zoneDash is the works zone's outline, dash-dotted, in mm.
var zoneDash = []float64{4, 1.2, 0.8, 1.2}

// planLegend is a plan's legend: the zone, then the classes of our
// networks' tronçons and fittings.
func planLegend(colour bool) []paper.LegendGroup {
	px := func(mm float64) float64 { return mm / paper.PxMM }
	pxs := func(mm []float64) []float64 {
		out := make([]float64, len(mm))
		for i, v := range mm {
			out[i] = px(v)
		}
		return out
	}
	stroke, fill := zoneStyle(colour)
	zone := paper.Swatch{Kind: paper.PolygonSwatch, Stroke: stroke, Fill: fill, Width: px(0.5), Dash: pxs(zoneDash)}
	groups := []paper.LegendGroup{{Title: "Emprise des travaux déclarée", Swatch: &zone}}
	var items []paper.LegendItem
	for _, c := range planClasses {
		s := styleOf(c, colour)
		items = append(items, paper.LegendItem{Title: s.Title, Swatch: paper.Swatch{Kind: paper.LineSwatch,
			Stroke: s.Stroke, Width: px(s.Width), Dash: pxs(s.Dash)}})
	}
	groups = append(groups, paper.LegendGroup{Title: "Nos ouvrages, par classe de précision", Items: items})
	return groups
}
