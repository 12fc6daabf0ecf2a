package export

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
)

// The legend lists, top layer first, the layers that show something in
// the extent at the export's zoom. A layer drawn one way gets one swatch;
// a layer styled by attribute gets its title, then one swatch per class
// present in the extent: a rule's value (titled by the rule, else by the
// schema's code list) or range. Swatches are drawn from the styles as the
// map draws them, at the same size on paper.

// swatch is a resolved paint, and whether its style chose the ends of
// its lines.
type swatch struct {
	paper.Swatch
	capSet bool
}

func (s swatch) key() string { return fmt.Sprint(s) }

// maxLegendScan bounds the features read per layer to find its classes;
// past it every class of the style is listed.
const maxLegendScan = 200_000

// defaultSwatch is the paint of a layer whose style sets nothing, as the
// map engine draws it.
func defaultSwatch(k paper.SwatchKind) swatch {
	grey := color.NRGBA{0x55, 0x55, 0x55, 0xff}
	s := swatch{Swatch: paper.Swatch{Kind: k, Width: 1, Symbol: mapview.Circle, RoundCap: true}}
	switch k {
	case paper.PointSwatch:
		s.Fill = color.NRGBA{0x7f, 0x7f, 0x7f, 0xff}
		s.Size = 6
	default:
		s.Stroke = grey
	}
	return s
}

func kindOf(t schema.GeometryType) paper.SwatchKind {
	switch t {
	case schema.LineString, schema.MultiLineString:
		return paper.LineSwatch
	case schema.Polygon, schema.MultiPolygon:
		return paper.PolygonSwatch
	}
	return paper.PointSwatch
}

// apply overrides the swatch with what p sets, at zoom.
func (s swatch) apply(p *mapview.Paint, zoom float64) swatch {
	if p.Stroke != nil {
		s.Stroke = color.NRGBA(*p.Stroke)
	}
	if p.Fill != nil {
		s.Fill = color.NRGBA(*p.Fill)
	}
	if p.Width != nil {
		s.Width = p.Width.At(zoom)
	}
	if p.Size != nil {
		s.Size = p.Size.At(zoom)
	}
	if p.Symbol != "" {
		s.Symbol = p.Symbol
	}
	if p.Dash != nil {
		s.Dash = slices.Clone(p.Dash)
	}
	switch p.Cap {
	case "round", "square":
		s.RoundCap, s.capSet = true, true
	case "butt":
		s.RoundCap, s.capSet = false, true
	}
	return s
}

// finish applies the engine's rule for dashes (butt ends unless a cap is
// chosen) and the layer's opacity.
func (s swatch) finish(opacity float64) swatch {
	if !s.capSet && len(s.Dash) > 0 {
		s.RoundCap = false
	}
	if opacity > 0 && opacity < 1 {
		s.Stroke.A = uint8(float64(s.Stroke.A)*opacity + 0.5)
		s.Fill.A = uint8(float64(s.Fill.A)*opacity + 0.5)
	}
	return s
}

// listed reports whether a class goes in the legend: it changes how
// features look (not only the zooms they show at), or the style names it.
func listed(p *mapview.Paint) bool {
	return p.Stroke != nil || p.Fill != nil || p.Width != nil || p.Size != nil || p.Symbol != "" || p.Dash != nil ||
		strings.TrimSpace(p.Title) != ""
}

// match is what a feature matched in one rule: a value key (matched
// false when none) and a range index (-1 when none).
type match struct {
	key     string
	matched bool
	rng     int
}

// classify returns what a feature's attributes match in each rule and
// whether the style shows it at zoom, as the engine decides.
func classify(st *mapview.Style, props map[string]any, zoom float64, out []match) ([]match, bool) {
	lo, hi := math.Inf(-1), math.Inf(1)
	narrow := func(p *mapview.Paint) {
		if p.MinZoom != nil {
			lo = *p.MinZoom
		}
		if p.MaxZoom != nil {
			hi = *p.MaxZoom
		}
	}
	narrow(&st.Paint)
	out = out[:0]
	for i := range st.Rules {
		r := &st.Rules[i]
		m := match{rng: -1}
		v := props[r.Field]
		if r.Values != nil {
			k := mapview.ValueKey(v)
			if p, ok := r.Values[k]; ok {
				m.key, m.matched = k, true
				narrow(&p)
			}
		}
		if len(r.Ranges) > 0 {
			if x, ok := mapview.NumericValue(v); ok {
				for j := range r.Ranges {
					rg := &r.Ranges[j]
					if (rg.Min == nil || x >= *rg.Min) && (rg.Max == nil || x < *rg.Max) {
						m.rng = j
						narrow(&rg.Paint)
						break
					}
				}
			}
		}
		out = append(out, m)
	}
	return out, zoom >= lo && zoom < hi
}

// presence is what the features in the extent matched.
type presence struct {
	shown     int
	values    []map[string]bool // per rule
	ranges    [][]bool          // per rule, per range
	unmatched []bool            // per rule: a shown feature matched none of its values
	all       bool              // too many to scan: list every class
}

func scanLayer(ctx context.Context, ws *store.Workspace, l mapview.Layer, name string, vp mapview.Viewport) (*presence, error) {
	st := l.Style
	zoom := vp.Zoom
	pr := &presence{values: make([]map[string]bool, len(st.Rules)), ranges: make([][]bool, len(st.Rules)), unmatched: make([]bool, len(st.Rules))}
	for i, r := range st.Rules {
		pr.values[i] = map[string]bool{}
		pr.ranges[i] = make([]bool, len(r.Ranges))
	}
	b := vp.Bound()
	var buf []match
	n := 0
	err := ws.Each(ctx, store.Query{Layer: name, Bound: &b}, func(f store.Feature) bool {
		if n++; n > maxLegendScan {
			pr.all = true
			return false
		}
		if n%512 == 0 && ctx.Err() != nil {
			return false
		}
		if f.Geometry == nil {
			return true
		}
		var shown bool
		buf, shown = classify(st, f.Properties, zoom, buf)
		if !shown {
			return true
		}
		pr.shown++
		for i, m := range buf {
			if m.matched {
				pr.values[i][m.key] = true
			} else if st.Rules[i].Values != nil {
				pr.unmatched[i] = true
			}
			if m.rng >= 0 {
				pr.ranges[i][m.rng] = true
			}
		}
		return true
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("export: legend of %s: %w", name, err)
	}
	if pr.all {
		pr.shown = 1
	}
	return pr, nil
}

// Legend returns the legend of layers (bottom first) as a map printed of
// the view shows them, top layer first: each layer that shows something in
// the view, drawn one way or class by class, its swatches from the style
// the renderer draws it with. Layers r's workspace lacks are left out.
func Legend(ctx context.Context, r *mapview.Renderer, layers []mapview.Layer, vp mapview.Viewport) ([]paper.LegendGroup, error) {
	return buildLegend(ctx, r.Workspace(), resolveStyles(r, layers), vp)
}

// buildLegend returns the legend of the layers (given bottom first) for
// the view, top layer first.
func buildLegend(ctx context.Context, ws *store.Workspace, layers []mapview.Layer, vp mapview.Viewport) ([]paper.LegendGroup, error) {
	var out []paper.LegendGroup
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		wl, err := ws.Layer(l.Name)
		if err != nil || l.Style == nil {
			continue
		}
		pr, err := scanLayer(ctx, ws, l, wl.Schema.Name, vp)
		if err != nil {
			return nil, err
		}
		if pr.shown == 0 {
			continue
		}
		if g, ok := layerLegend(wl.Schema, l, pr, vp.Zoom); ok {
			out = append(out, g)
		}
	}
	return out, nil
}

func layerLegend(sc schema.Layer, l mapview.Layer, pr *presence, zoom float64) (paper.LegendGroup, bool) {
	st := l.Style
	title := strings.TrimSpace(st.Title)
	if title == "" {
		title = sc.DisplayTitle()
	}
	base := defaultSwatch(kindOf(sc.GeometryType)).apply(&st.Paint, zoom)
	g := paper.LegendGroup{Title: title}
	seen := map[string]bool{}
	add := func(title string, sw swatch) {
		sw = sw.finish(l.Opacity)
		k := title + "\x00" + sw.key()
		if seen[k] {
			return
		}
		seen[k] = true
		g.Items = append(g.Items, paper.LegendItem{Title: title, Swatch: sw.Swatch})
	}
	otherDone := false
	for i := range st.Rules {
		r := &st.Rules[i]
		fld, ok := sc.Field(r.Field)
		if !ok {
			fld = schema.Field{Name: r.Field}
		}
		if len(r.Values) > 0 {
			var keys []string
			for k := range r.Values {
				p := r.Values[k]
				if (pr.all || pr.values[i][k]) && listed(&p) && shownAt(st, &p, zoom) {
					keys = append(keys, k)
				}
			}
			slices.SortFunc(keys, func(a, b string) int {
				return cmp.Or(cmp.Compare(domainIndex(fld, a), domainIndex(fld, b)), cmp.Compare(a, b))
			})
			for _, k := range keys {
				p := r.Values[k]
				add(valueTitle(&p, fld, k), base.apply(&p, zoom))
			}
			// Features matching none of the values of the first rule that
			// recolours keep the base paint: say so.
			if !otherDone && recolours(r) {
				otherDone = true
				if pr.all || pr.unmatched[i] {
					add("Autre "+lowerFirst(fld.DisplayTitle()), base)
				}
			}
		}
		for j := range r.Ranges {
			rg := &r.Ranges[j]
			if (pr.all || pr.ranges[i][j]) && listed(&rg.Paint) && shownAt(st, &rg.Paint, zoom) {
				add(rangeTitle(rg, fld), base.apply(&rg.Paint, zoom))
			}
		}
	}
	if len(g.Items) == 0 {
		sw := base.finish(l.Opacity)
		g.Swatch = &sw.Swatch
	}
	return g, true
}

// recolours reports whether a rule changes the colour or the symbol of
// some values, rather than only their size.
func recolours(r *mapview.Rule) bool {
	for _, p := range r.Values {
		if p.Stroke != nil || p.Fill != nil || p.Symbol != "" {
			return true
		}
	}
	return false
}

// shownAt reports whether features of a class can show at zoom.
func shownAt(st *mapview.Style, p *mapview.Paint, zoom float64) bool {
	lo, hi := math.Inf(-1), math.Inf(1)
	for _, q := range []*mapview.Paint{&st.Paint, p} {
		if q.MinZoom != nil {
			lo = *q.MinZoom
		}
		if q.MaxZoom != nil {
			hi = *q.MaxZoom
		}
	}
	return zoom >= lo && zoom < hi
}

func domainIndex(f schema.Field, code string) int {
	for i, cv := range f.Domain {
		if cv.Code == code {
			return i
		}
	}
	return len(f.Domain)
}

// valueTitle names a class: the rule's title, else the code's label from
// the schema's code list, else the value itself.
func valueTitle(p *mapview.Paint, f schema.Field, key string) string {
	if t := strings.TrimSpace(p.Title); t != "" {
		return t
	}
	switch {
	case key == "":
		return f.DisplayTitle() + " non renseigné"
	case f.Type == schema.Boolean && (key == "true" || key == "false"):
		v := map[string]string{"true": "oui", "false": "non"}[key]
		return f.DisplayTitle() + " : " + v
	}
	if len(f.Domain) > 0 {
		return f.Label(key)
	}
	return key
}

// rangeTitle names a range class: its title, else its bounds.
func rangeTitle(rg *mapview.Range, f schema.Field) string {
	if t := strings.TrimSpace(rg.Title); t != "" {
		return t
	}
	name := f.DisplayTitle()
	switch {
	case rg.Min != nil && rg.Max != nil:
		return name + " de " + paper.Decimal(*rg.Min, 2) + paper.NBSP + "à" + paper.NBSP + paper.Decimal(*rg.Max, 2)
	case rg.Min != nil:
		return name + " ≥" + paper.NBSP + paper.Decimal(*rg.Min, 2)
	case rg.Max != nil:
		return name + " <" + paper.NBSP + paper.Decimal(*rg.Max, 2)
	}
	return name
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	// Keep acronyms: "PEI" stays.
	if len(s) > n {
		r2, _ := utf8.DecodeRuneInString(s[n:])
		if unicode.IsUpper(r2) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}
