package dashboard

import (
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/golang/freetype/truetype"
)

// Chart is one chart of the dashboard, drawn as an image.
type Chart struct {
	// Key names the chart for programs ("water-material", "hydrants"…).
	Key string
	// Title is the chart's title in French, also drawn on the image.
	Title string
	// Image is the chart, of the size Charts was asked for.
	Image image.Image
}

// Chart keys, in the order Charts returns them.
const (
	KeyWaterMaterial = "water-material"
	KeySewerMaterial = "sewer-material"
	KeyWaterDiameter = "water-diameter"
	KeySewerDiameter = "sewer-diameter"
	KeyWaterDecade   = "water-decade"
	KeySewerDecade   = "sewer-decade"
	KeyWaterLocation = "water-location"
	KeySewerLocation = "sewer-location"
	KeyHydrants      = "hydrants"
	KeyMonths        = "interventions-months"
	KeyTypes         = "interventions-types"
)

// The project's colours: those of the layers' map styles.
var (
	colourWater        = drawing.ColorFromHex("1f78b4")
	colourSewer        = drawing.ColorFromHex("8c510a")
	colourUnknown      = drawing.ColorFromHex("9e9e9e")
	colourIntervention = drawing.ColorFromHex("ff7f00")
	colourGood         = drawing.ColorFromHex("1a9641")
	colourFair         = drawing.ColorFromHex("f0a030")
	colourBad          = drawing.ColorFromHex("d7191c")
	colourText         = drawing.ColorFromHex("1a1a1a")
	colourAxis         = drawing.ColorFromHex("555555")
	// colourSeries tells the intervention types apart; grey is kept for
	// «Autre», as it is for what is unknown.
	colourSeries = []drawing.Color{
		drawing.ColorFromHex("1f78b4"), drawing.ColorFromHex("ff7f00"), drawing.ColorFromHex("33a02c"),
		drawing.ColorFromHex("e31a1c"), drawing.ColorFromHex("6a3d9a"), drawing.ColorFromHex("8c510a"),
		drawing.ColorFromHex("17becf"), drawing.ColorFromHex("e377c2"), drawing.ColorFromHex("bcbd22"),
	}
)

// maxMaterials is how many materials a chart shows; the others are summed
// as «Autres».
const maxMaterials = 6

// MinWidth and MinHeight are the smallest chart Charts draws, in pixels:
// below them text no longer fits.
const (
	MinWidth  = 320
	MinHeight = 200
)

// Charts draws the statistics as charts of the given size in pixels: the
// water and sewer networks by material, diameter class and decade of
// laying (bars, km), their location classes (donuts), the hydrants
// (donut), and the interventions by month (bars) and by type (donut).
// Text is sized from the image's height so that it stays readable on a
// projector. A chart with nothing to show says so instead of drawing
// empty bars.
func Charts(s *Stats, size image.Point) ([]Chart, error) {
	if s == nil {
		return nil, fmt.Errorf("dashboard: charts: no statistics")
	}
	if size.X < MinWidth || size.Y < MinHeight {
		return nil, fmt.Errorf("dashboard: charts: %dx%d is smaller than %dx%d", size.X, size.Y, MinWidth, MinHeight)
	}
	font, err := chart.GetDefaultFont()
	if err != nil {
		return nil, fmt.Errorf("dashboard: charts: %w", err)
	}
	d := drawer{size: size, font: font}
	type job struct {
		key, title string
		draw       func(title string) (image.Image, error)
	}
	jobs := []job{
		{KeyWaterMaterial, "Eau potable : km par matériau", func(t string) (image.Image, error) {
			return d.lengthBars(t, topMaterials(s.Water.ByMaterial), colourWater)
		}},
		{KeySewerMaterial, "Assainissement : km par matériau", func(t string) (image.Image, error) {
			return d.lengthBars(t, topMaterials(s.Sewer.ByMaterial), colourSewer)
		}},
		{KeyWaterDiameter, "Eau potable : km par diamètre (mm)", func(t string) (image.Image, error) {
			return d.lengthBars(t, classBars(s.Water.ByDiameter), colourWater)
		}},
		{KeySewerDiameter, "Assainissement : km par diamètre (mm)", func(t string) (image.Image, error) {
			return d.lengthBars(t, classBars(s.Sewer.ByDiameter), colourSewer)
		}},
		{KeyWaterDecade, "Eau potable : km par décennie de pose", func(t string) (image.Image, error) {
			return d.lengthBars(t, decadeBars(s.Water.ByDecade), colourWater)
		}},
		{KeySewerDecade, "Assainissement : km par décennie de pose", func(t string) (image.Image, error) {
			return d.lengthBars(t, decadeBars(s.Sewer.ByDecade), colourSewer)
		}},
		{KeyWaterLocation, "Eau potable : précision du tracé", func(t string) (image.Image, error) {
			return d.donut(t, locationSlices(s.Water.ByLocation), "km")
		}},
		{KeySewerLocation, "Assainissement : précision du tracé", func(t string) (image.Image, error) {
			return d.donut(t, locationSlices(s.Sewer.ByLocation), "km")
		}},
		{KeyHydrants, "Poteaux et bouches d'incendie", func(t string) (image.Image, error) {
			return d.donut(t, hydrantSlices(s.Hydrants), "")
		}},
		{KeyMonths, monthsTitle(s.Interventions.Months), func(t string) (image.Image, error) {
			return d.countBars(t, monthBars(s.Interventions), colourIntervention, typeSlices(s.Interventions))
		}},
		{KeyTypes, "Interventions par type (12 derniers mois)", func(t string) (image.Image, error) {
			return d.donut(t, typeSlices(s.Interventions), "")
		}},
	}
	out := make([]Chart, 0, len(jobs))
	for _, j := range jobs {
		img, err := j.draw(j.title)
		if err != nil {
			return nil, fmt.Errorf("dashboard: chart %s: %w", j.key, err)
		}
		out = append(out, Chart{Key: j.key, Title: j.title, Image: img})
	}
	return out, nil
}

// bar is one bar of a chart: its label, its value and, when set, its
// colour; parts, when given, stack the value by kind (they add up to it).
type bar struct {
	label  string
	value  float64
	colour *drawing.Color
	parts  []slice
}

// slice is one part of a donut.
type slice struct {
	label  string
	value  float64
	colour drawing.Color
}

func topMaterials(shares []Share) []bar {
	var out []bar
	var others, unknown float64
	hasUnknown := false
	for _, s := range shares {
		switch {
		case s.Key == Unknown:
			unknown, hasUnknown = s.Length, true
		case len(out) < maxMaterials:
			out = append(out, bar{label: s.Label, value: s.Length})
		default:
			others += s.Length
		}
	}
	if others > 0 {
		out = append(out, bar{label: "Autres", value: others})
	}
	if hasUnknown {
		out = append(out, bar{label: "Inconnu", value: unknown, colour: &colourUnknown})
	}
	return out
}

func classBars(shares []Share) []bar {
	out := make([]bar, 0, len(shares))
	for _, s := range shares {
		b := bar{label: strings.TrimSuffix(s.Label, " mm"), value: s.Length}
		if s.Key == Unknown {
			b.colour = &colourUnknown
		}
		out = append(out, b)
	}
	return out
}

func decadeBars(shares []Share) []bar {
	out := make([]bar, 0, len(shares))
	for _, s := range shares {
		b := bar{label: s.Key, value: s.Length}
		if s.Key == Unknown {
			b.label, b.colour = s.Label, &colourUnknown
		}
		out = append(out, b)
	}
	return out
}

func locationSlices(shares []Share) []slice {
	colours := map[string]drawing.Color{"A": colourGood, "B": colourFair, "C": colourBad, Unknown: colourUnknown}
	var out []slice
	for _, s := range shares {
		out = append(out, slice{label: s.Label, value: s.Length, colour: colours[s.Key]})
	}
	return out
}

func hydrantSlices(h Hydrants) []slice {
	return []slice{
		{label: "Disponibles et contrôlés (moins de 2 ans)", value: float64(h.AvailableChecked), colour: colourGood},
		{label: "Disponibles, contrôle à refaire", value: float64(h.Available - h.AvailableChecked), colour: colourFair},
		{label: "Indisponibles", value: float64(h.Total - h.Available), colour: colourBad},
	}
}

// monthsTitle names the months' chart with its first and last month.
func monthsTitle(months []time.Time) string {
	if len(months) == 0 {
		return "Interventions par mois"
	}
	a, b := months[0], months[len(months)-1]
	from := monthsShort[a.Month()-1]
	if a.Year() != b.Year() {
		from += " " + strconv.Itoa(a.Year())
	}
	return "Interventions par mois (" + from + " à " + monthsShort[b.Month()-1] + " " + strconv.Itoa(b.Year()) + ")"
}

var monthsShort = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// monthBars are the interventions of each month, stacked by type in the
// types' colours.
func monthBars(iv Interventions) []bar {
	counts := iv.ByMonth()
	out := make([]bar, len(iv.Months))
	for m, month := range iv.Months {
		out[m] = bar{label: monthsShort[month.Month()-1], value: float64(counts[m])}
		for t, k := range iv.Types {
			if n := iv.Counts[t][m]; n > 0 {
				out[m].parts = append(out[m].parts, slice{label: k.Label, value: float64(n), colour: typeColour(iv, t)})
			}
		}
	}
	return out
}

func typeSlices(iv Interventions) []slice {
	counts := iv.ByType()
	var out []slice
	for i, t := range iv.Types {
		if counts[i] == 0 {
			continue // a type never done does not crowd the legend
		}
		out = append(out, slice{label: t.Label, value: float64(counts[i]), colour: typeColour(iv, i)})
	}
	return out
}

// typeColour is the colour of the i-th intervention type, the same on
// every chart.
func typeColour(iv Interventions, i int) drawing.Color {
	if iv.Types[i].Code == "autre" {
		return colourUnknown
	}
	return colourSeries[i%len(colourSeries)]
}

// drawer draws charts of one size with text scaled to it.
type drawer struct {
	size image.Point
	font *truetype.Font
}

// text sizes in pixels (the charts are drawn at 72 DPI, where a point is a pixel).
func (d drawer) titleSize() float64 { return math.Max(14, float64(d.size.Y)/15) }
func (d drawer) labelSize() float64 { return math.Max(11, float64(d.size.Y)/22) }

func (d drawer) titleStyle() chart.Style {
	return chart.Style{Font: d.font, FontSize: d.titleSize(), FontColor: colourText,
		Padding: chart.Box{Top: int(d.titleSize() / 2)}}
}

func (d drawer) textStyle() chart.Style {
	return chart.Style{Font: d.font, FontSize: d.labelSize(), FontColor: colourText, StrokeColor: colourAxis}
}

// renderer is what go-chart's charts have in common.
type renderer interface {
	Render(rp chart.RendererProvider, w io.Writer) error
}

// render runs a go-chart chart and returns its image.
func render(c renderer) (image.Image, error) {
	w := &chart.ImageWriter{}
	if err := c.Render(chart.PNG, w); err != nil {
		return nil, err
	}
	return w.Image()
}

// title draws the chart's title centred at the top of the image.
func (d drawer) title(r chart.Renderer, t string) {
	box := chart.Box{Top: int(d.titleSize() / 3), Left: 8, Right: d.size.X - 8, Bottom: int(d.titleSize() * 1.8)}
	st := d.titleStyle()
	st.TextHorizontalAlign = chart.TextHorizontalAlignCenter
	st.TextVerticalAlign = chart.TextVerticalAlignTop
	st.TextWrap = chart.TextWrapWord
	chart.Draw.TextWithin(r, t, box, st)
}

// top is where a chart's drawing starts below its title.
func (d drawer) top() int { return int(d.titleSize() * 2) }

// lengthBars draws lengths in metres as bars labelled in kilometres.
func (d drawer) lengthBars(title string, bars []bar, colour drawing.Color) (image.Image, error) {
	for i := range bars {
		bars[i].value /= 1000
	}
	return d.bars(title, bars, colour, Km, "Aucune canalisation", nil)
}

// countBars draws counts as bars.
// countBars draws counts as bars; a legend, when given, names the colours
// of the bars' parts in a line under the title.
func (d drawer) countBars(title string, bars []bar, colour drawing.Color, legend []slice) (image.Image, error) {
	return d.bars(title, bars, colour, func(v float64) string { return Count(int(math.Round(v))) }, "Aucune intervention", legend)
}

func (d drawer) bars(title string, bars []bar, colour drawing.Color, format func(float64) string, none string, legend []slice) (image.Image, error) {
	max := 0.0
	for _, b := range bars {
		max = math.Max(max, b.value)
	}
	if max <= 0 {
		return d.empty(title, none)
	}
	label := d.textStyle()
	label.TextWrap = chart.TextWrapWord
	label.FontSize = d.axisLabelSize(bars)
	values := make([]chart.Value, len(bars))
	for i, b := range bars {
		c := colour
		if b.colour != nil {
			c = *b.colour
		}
		if len(b.parts) > 0 || (legend != nil && b.value == 0) {
			c = drawing.ColorTransparent // drawn by its parts (barValues)
		}
		values[i] = chart.Value{Label: b.label, Value: b.value, Style: chart.Style{FillColor: c, StrokeColor: c, StrokeWidth: 1}}
	}
	top := niceCeil(max * 1.15)
	yr := &chart.ContinuousRange{Min: 0, Max: top}
	bc := chart.BarChart{
		Width: d.size.X, Height: d.size.Y, DPI: 72,
		Background: chart.Style{Padding: chart.Box{Top: d.top() + int(d.labelSize()*1.3) + d.legendLineHeight(legend), Left: 12, Right: 12,
			Bottom: int(label.FontSize*3.9) + 6}},
		TitleStyle: chart.Style{Hidden: true},
		XAxis:      chart.Style{Hidden: true}, // labels are drawn by barLabels
		// No value axis: each bar carries its value, larger than ticks would be.
		YAxis:      chart.YAxis{Style: chart.Style{Hidden: true}, Range: yr},
		BarSpacing: int(float64(d.size.X) / float64(len(bars)) * 0.25),
		BarWidth:   int(float64(d.size.X) / float64(len(bars)) * 0.75),
		Bars:       values,
	}
	bc.Elements = []chart.Renderable{func(r chart.Renderer, canvas chart.Box, _ chart.Style) {
		d.title(r, title)
		d.legendLine(r, legend)
		d.barValues(r, canvas, bc, bars, top, format, label)
	}}
	return render(bc)
}

// barValues writes each bar's value above it. Bars are placed as go-chart's
// BarChart places them (its calculateScaledTotalWidth, unexported).
func (d drawer) barValues(r chart.Renderer, canvas chart.Box, bc chart.BarChart, bars []bar, top float64, format func(float64) string, label chart.Style) {
	n := len(bc.Bars)
	w, sp := bc.GetBarWidth(), bc.GetBarSpacing()
	if n*(w+sp) > canvas.Width() {
		if less := canvas.Width() - n*w; less > 0 {
			sp = int(math.Ceil(float64(less) / float64(n)))
		} else {
			sp = 0
		}
	}
	if n*(w+sp) > canvas.Width() {
		if t := canvas.Width() - n*sp; t > 0 {
			w = int(math.Ceil(float64(t) / float64(n)))
		} else {
			w = 0
		}
	}
	st := d.textStyle()
	st.FontSize = d.labelSize() * 0.95
	st.WriteToRenderer(r)
	x := canvas.Left
	r.SetStrokeColor(colourAxis)
	r.SetStrokeWidth(1)
	r.MoveTo(canvas.Left, canvas.Bottom)
	r.LineTo(canvas.Left+n*(w+sp), canvas.Bottom)
	r.Stroke()
	for i, b := range bc.Bars {
		cx := x + sp/2 + w/2
		// The bar's parts, stacked from the axis over go-chart's bar.
		y0 := float64(canvas.Bottom)
		for _, p := range bars[i].parts {
			h := p.value / top * float64(canvas.Height())
			chart.Draw.Box(r, chart.Box{Left: x + sp/2, Right: x + sp/2 + w, Top: int(math.Round(y0 - h)), Bottom: int(math.Round(y0))},
				chart.Style{FillColor: p.colour, StrokeColor: drawing.ColorWhite, StrokeWidth: 1})
			y0 -= h
		}
		if b.Value != 0 {
			vs := st
			vs.WriteToRenderer(r)
			s := format(b.Value)
			tb := r.MeasureText(s)
			if room := w + sp - 6; tb.Width() > room && room > 0 { // a neighbour's value too close
				vs.FontSize *= float64(room) / float64(tb.Width())
				vs.WriteToRenderer(r)
				tb = r.MeasureText(s)
			}
			y := canvas.Bottom - int(b.Value/top*float64(canvas.Height())) - int(d.labelSize()*0.3)
			r.Text(s, cx-tb.Width()/2, y)
		}
		ls := label
		ls.FontSize = math.Min(label.FontSize, d.labelFit(b.Label, n))
		ls.WriteToRenderer(r)
		y := canvas.Bottom + int(label.FontSize*0.3)
		for _, l := range wrap(r, b.Label, w+sp-4) {
			tb := r.MeasureText(l)
			y += int(label.FontSize * 1.15)
			r.Text(l, cx-tb.Width()/2, y)
		}
		x += w + sp
	}
}

// wrap breaks text into lines no wider than width, between words and
// after hyphens; a word wider than width stands on its own line.
func wrap(r chart.Renderer, text string, width int) []string {
	var words []string
	for _, w := range strings.Fields(text) {
		for {
			i := strings.Index(w, "-")
			if i < 0 || i == len(w)-1 {
				break
			}
			words = append(words, w[:i+1])
			w = w[i+1:]
		}
		words = append(words, w)
	}
	var lines []string
	line := ""
	for _, w := range words {
		try := w
		if line != "" && !strings.HasSuffix(line, "-") {
			try = line + " " + w
		} else if line != "" {
			try = line + w
		}
		if line != "" && r.MeasureText(try).Width() > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// donut draws shares as a donut with a legend on its right; unit follows
// each value in the legend ("km": values are metres, written in km).
func (d drawer) donut(title string, slices []slice, unit string) (image.Image, error) {
	total := 0.0
	for _, s := range slices {
		total += s.value
	}
	if total <= 0 {
		return d.empty(title, "Aucune donnée")
	}
	var values []chart.Value
	for _, s := range slices {
		if s.value <= 0 {
			continue
		}
		label := ""
		if s.value/total >= 0.06 {
			label = Percent(s.value / total)
		}
		values = append(values, chart.Value{Label: label, Value: s.value,
			Style: chart.Style{FillColor: s.colour, StrokeColor: drawing.ColorWhite, StrokeWidth: 2,
				FontColor: colourText, FontSize: d.labelSize()}})
	}
	legendLeft := d.size.X * 45 / 100
	dc := chart.DonutChart{
		Width: d.size.X, Height: d.size.Y, DPI: 72,
		Background: chart.Style{Padding: chart.Box{Top: d.top(), Left: 8, Right: d.size.X - legendLeft, Bottom: 8}},
		TitleStyle: chart.Style{Hidden: true},
		Values:     values,
	}
	dc.Elements = []chart.Renderable{func(r chart.Renderer, _ chart.Box, _ chart.Style) {
		d.title(r, title)
		d.legend(r, legendLeft, slices, total, unit)
	}}
	return render(dc)
}

// legend lists the slices: a colour square, the label, then the value and
// its share.
func (d drawer) legend(r chart.Renderer, left int, slices []slice, total float64, unit string) {
	// The legend's text is the label size, made smaller (down to 60 %) when
	// the entries would not all fit in the chart's height.
	var (
		st, small          chart.Style
		line, sq, textLeft int
		height             int
		lines              [][]string
	)
	for _, scale := range []float64{1, 0.9, 0.8, 0.7, 0.6} {
		size := d.labelSize() * scale
		st = d.textStyle()
		st.FontSize = size
		st.TextWrap = chart.TextWrapWord
		small = st
		small.FontSize = size * 0.85
		small.FontColor = colourAxis
		line, sq = int(size*1.25), int(size*0.9)
		textLeft = left + sq + int(size*0.5)
		width := d.size.X - textLeft - 8
		height = 0
		lines = make([][]string, len(slices))
		for i, s := range slices {
			st.WriteToRenderer(r)
			lines[i] = chart.Text.WrapFit(r, s.label, width, st)
			height += len(lines[i])*line + line + line/3
		}
		if height <= d.size.Y-d.top()-4 {
			break
		}
	}
	y := d.top() + max(0, (d.size.Y-d.top()-height)/2)
	for i, s := range slices {
		r.SetFillColor(s.colour)
		r.SetStrokeColor(s.colour)
		r.SetStrokeWidth(1)
		r.MoveTo(left, y+2)
		r.LineTo(left+sq, y+2)
		r.LineTo(left+sq, y+2+sq)
		r.LineTo(left, y+2+sq)
		r.Close()
		r.FillStroke()
		st.WriteToRenderer(r)
		for _, l := range lines[i] {
			y += line
			r.Text(l, textLeft, y-line/5)
		}
		v := Count(int(math.Round(s.value)))
		if unit == "km" {
			v = Km(s.value / 1000)
		}
		small.WriteToRenderer(r)
		y += line
		r.Text(v+" ("+Percent(s.value/total)+")", textLeft, y-line/5)
		y += line / 3
	}
}

// empty draws the title and a sentence saying there is nothing to show.
func (d drawer) empty(title, none string) (image.Image, error) {
	r, err := chart.PNG(d.size.X, d.size.Y)
	if err != nil {
		return nil, err
	}
	font, err := chart.GetDefaultFont()
	if err != nil {
		return nil, err
	}
	r.SetDPI(72)
	chart.Draw.Box(r, chart.Box{Right: d.size.X, Bottom: d.size.Y}, chart.Style{FillColor: drawing.ColorWhite, StrokeColor: drawing.ColorWhite})
	ts := d.titleStyle()
	ts.Font = font
	tst := d.textStyle()
	tst.Font = font
	tst.FontColor = colourAxis
	tst.TextHorizontalAlign = chart.TextHorizontalAlignCenter
	tst.TextVerticalAlign = chart.TextVerticalAlignMiddle
	r.SetFont(font)
	d.title(r, title)
	chart.Draw.TextWithin(r, none, chart.Box{Top: d.top(), Left: 8, Right: d.size.X - 8, Bottom: d.size.Y - 8}, tst)
	w := &chart.ImageWriter{}
	if err := r.Save(w); err != nil {
		return nil, err
	}
	return w.Image()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// axisLabelSize is the size of the bars' labels: the label size, made
// smaller when the longest word of a label would not fit under its bar.
// The unknown's bar (drawn in its own colour) is left out: its label is
// made smaller alone (labelFit) rather than every year of a decade chart.
func (d drawer) axisLabelSize(bars []bar) float64 {
	size := d.labelSize()
	for _, b := range bars {
		if b.colour == nil {
			size = math.Min(size, d.labelFit(b.label, len(bars)))
		}
	}
	return size
}

// labelFit is the largest size at which every word of label fits under
// one of n bars (a Roboto letter is about 0.56 em wide), at least 9.
func (d drawer) labelFit(label string, n int) float64 {
	size := d.labelSize()
	slot := float64(d.size.X-24) / float64(n)
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return r == ' ' || r == '-' }) {
		if fit := slot * 0.92 / (0.56 * float64(utf8.RuneCountInString(w))); fit < size {
			size = fit
		}
	}
	return math.Max(size, 9)
}

// legendSize is the text size of a legend line under a title.
func (d drawer) legendSize() float64 { return d.labelSize() * 0.8 }

// legendLineHeight is the room a legend line takes: none without a legend,
// two lines when it does not hold in one.
func (d drawer) legendLineHeight(legend []slice) int {
	if len(legend) == 0 {
		return 0
	}
	return int(d.legendSize() * 1.4 * float64(len(d.legendRows(legend))))
}

// legendRows splits the legend's entries into rows no wider than the
// chart, measured as labelFit does (about 0.56 em a letter).
func (d drawer) legendRows(legend []slice) [][]slice {
	var rows [][]slice
	var row []slice
	width, room := 0.0, float64(d.size.X-24)
	for _, s := range legend {
		w := d.legendSize() * (1.6 + 0.56*float64(utf8.RuneCountInString(s.label)))
		if len(row) > 0 && width+w > room {
			rows, row, width = append(rows, row), nil, 0
		}
		row, width = append(row, s), width+w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// legendLine draws the legend's entries — a colour square and a name —
// centred in rows under the title.
func (d drawer) legendLine(r chart.Renderer, legend []slice) {
	if len(legend) == 0 {
		return
	}
	st := d.textStyle()
	st.FontSize = d.legendSize()
	st.FontColor = colourAxis
	sq := int(st.FontSize * 0.8)
	y := d.top() + int(st.FontSize*0.2)
	for _, row := range d.legendRows(legend) {
		st.WriteToRenderer(r)
		total := 0
		for _, s := range row {
			total += sq + int(st.FontSize*0.4) + r.MeasureText(s.label).Width() + int(st.FontSize)
		}
		x := (d.size.X - total) / 2
		for _, s := range row {
			chart.Draw.Box(r, chart.Box{Left: x, Right: x + sq, Top: y, Bottom: y + sq},
				chart.Style{FillColor: s.colour, StrokeColor: s.colour, StrokeWidth: 1})
			x += sq + int(st.FontSize*0.4)
			st.WriteToRenderer(r)
			r.Text(s.label, x, y+sq)
			x += r.MeasureText(s.label).Width() + int(st.FontSize)
		}
		y += int(st.FontSize * 1.4)
	}
}
