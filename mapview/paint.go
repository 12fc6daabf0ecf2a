package mapview

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// maxDash bounds the lengths of a dash pattern.
const maxDash = 8

// geomClass is what a geometry draws as.
type geomClass uint8

const (
	pointClass geomClass = iota
	lineClass
	polygonClass
	nClasses
)

func classOf(g orb.Geometry) (geomClass, bool) {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return pointClass, true
	case orb.LineString, orb.MultiLineString:
		return lineClass, true
	case orb.Polygon, orb.MultiPolygon, orb.Ring:
		return polygonClass, true
	}
	return 0, false
}

// Cap and join kinds of a resolved paint.
const (
	capRound uint8 = iota
	capButt
	capSquare
)

const (
	joinRound uint8 = iota
	joinMiter
)

// paint is a style resolved for one feature at one zoom, in device pixels.
// It is comparable: features that resolve to the same paint are drawn in
// one pass.
type paint struct {
	stroke, fill Color
	width, size  float32
	symbol       Symbol
	dash         [maxDash]float32
	ndash        uint8
	cap, join    uint8
	hidden       bool
}

func (p *paint) dashes() []float32 { return p.dash[:p.ndash] }

// override is a Paint evaluated at one zoom and device scale.
type override struct {
	src     *Paint
	width   float32
	size    float32
	dash    [maxDash]float32
	ndash   uint8
	hasDash bool
}

func newOverride(p *Paint, zoom, scale float64) override {
	o := override{src: p}
	if p.Width != nil {
		o.width = float32(p.Width.At(zoom) * scale)
	}
	if p.Size != nil {
		o.size = float32(p.Size.At(zoom) * scale)
	}
	if p.Dash != nil {
		o.hasDash = true
		for i, d := range p.Dash {
			if i < maxDash {
				o.dash[i] = float32(d * scale)
				o.ndash++
			}
		}
	}
	return o
}

// zoomRange narrows [lo, hi) by the paint's bounds.
func (o *override) zoomRange(lo, hi *float64) {
	if o.src.MinZoom != nil {
		*lo = *o.src.MinZoom
	}
	if o.src.MaxZoom != nil {
		*hi = *o.src.MaxZoom
	}
}

func (o *override) apply(p *paint) {
	s := o.src
	if s.Stroke != nil {
		p.stroke = *s.Stroke
	}
	if s.Fill != nil {
		p.fill = *s.Fill
	}
	if s.Width != nil {
		p.width = o.width
	}
	if s.Size != nil {
		p.size = o.size
	}
	if s.Symbol != "" && s.Symbol.valid() {
		p.symbol = s.Symbol
	}
	if o.hasDash {
		p.dash, p.ndash = o.dash, o.ndash
	}
	switch s.Cap {
	case "round":
		p.cap = capRound
	case "butt":
		p.cap = capButt
	case "square":
		p.cap = capSquare
	}
	switch s.Join {
	case "round":
		p.join = joinRound
	case "miter":
		p.join = joinMiter
	}
}

type rangeEval struct {
	lo, hi float64
	o      override
}

type ruleEval struct {
	field  string
	values map[string]override
	ranges []rangeEval
}

// styler resolves a style for the features of one geometry class at one
// zoom and device scale. It is read-only once made.
type styler struct {
	zoom   float64
	base   paint
	baseLo float64
	baseHi float64
	rules  []ruleEval
	// capSet and dashCap: whether the style chose caps, else dashes get butt.
	capSet bool
}

func defaultPaint(c geomClass, scale float64) paint {
	grey := Color{0x55, 0x55, 0x55, 0xff}
	p := paint{width: float32(scale), cap: capRound, join: joinRound, symbol: Circle}
	switch c {
	case pointClass:
		p.fill = Color{0x7f, 0x7f, 0x7f, 0xff}
		p.size = float32(6 * scale)
	case lineClass:
		p.stroke = grey
	case polygonClass:
		p.stroke = grey
	}
	return p
}

func newStyler(s *Style, c geomClass, zoom, scale float64) *styler {
	st := &styler{zoom: zoom, base: defaultPaint(c, scale), baseLo: math.Inf(-1), baseHi: math.Inf(1)}
	base := newOverride(&s.Paint, zoom, scale)
	base.apply(&st.base)
	base.zoomRange(&st.baseLo, &st.baseHi)
	st.capSet = s.Cap != ""
	for i := range s.Rules {
		r := &s.Rules[i]
		re := ruleEval{field: r.Field}
		if len(r.Values) > 0 {
			re.values = make(map[string]override, len(r.Values))
			for k := range r.Values {
				p := r.Values[k]
				re.values[k] = newOverride(&p, zoom, scale)
				if p.Cap != "" {
					st.capSet = true
				}
			}
		}
		for j := range r.Ranges {
			rg := &r.Ranges[j]
			lo, hi := math.Inf(-1), math.Inf(1)
			if rg.Min != nil {
				lo = *rg.Min
			}
			if rg.Max != nil {
				hi = *rg.Max
			}
			re.ranges = append(re.ranges, rangeEval{lo: lo, hi: hi, o: newOverride(&rg.Paint, zoom, scale)})
			if rg.Cap != "" {
				st.capSet = true
			}
		}
		st.rules = append(st.rules, re)
	}
	return st
}

// resolve returns the paint of a feature with these properties.
func (st *styler) resolve(a attrs) paint {
	p := st.base
	lo, hi := st.baseLo, st.baseHi
	for i := range st.rules {
		r := &st.rules[i]
		v := a.get(r.field)
		if r.values != nil {
			if o, ok := r.values[ValueKey(v)]; ok {
				o.apply(&p)
				o.zoomRange(&lo, &hi)
			}
		}
		if len(r.ranges) > 0 {
			if x, ok := NumericValue(v); ok {
				for j := range r.ranges {
					rg := &r.ranges[j]
					if x >= rg.lo && x < rg.hi {
						rg.o.apply(&p)
						rg.o.zoomRange(&lo, &hi)
						break
					}
				}
			}
		}
	}
	if !st.capSet && p.ndash > 0 {
		p.cap = capButt
	}
	p.hidden = st.zoom < lo || st.zoom >= hi
	return p
}

// visibleAtAll reports whether any feature may be drawn at the styler's
// zoom: within the style's zoom range, or within that of a rule's value.
func (st *styler) visibleAtAll() bool {
	if !st.hiddenAt() {
		return true
	}
	in := func(o *override) bool {
		lo, hi := st.baseLo, st.baseHi
		o.zoomRange(&lo, &hi)
		return st.zoom >= lo && st.zoom < hi
	}
	for _, r := range st.rules {
		for _, o := range r.values {
			if in(&o) {
				return true
			}
		}
		for _, rg := range r.ranges {
			if in(&rg.o) {
				return true
			}
		}
	}
	return false
}

// hiddenAt reports whether the style's own zoom range excludes the zoom.
func (st *styler) hiddenAt() bool { return st.zoom < st.baseLo || st.zoom >= st.baseHi }

// bleed returns how far, in pixels, a feature's drawing may reach beyond
// its geometry: half a symbol, or a stroke's width, whichever paint the
// rules pick.
func (st *styler) bleed() float64 {
	b := bleedOf(st.base.size, st.base.width)
	for _, r := range st.rules {
		for _, o := range r.values {
			b = max(b, st.overrideBleed(&o))
		}
		for _, rg := range r.ranges {
			b = max(b, st.overrideBleed(&rg.o))
		}
	}
	return b
}

func (st *styler) overrideBleed(o *override) float64 {
	size, width := st.base.size, st.base.width
	if o.src.Size != nil {
		size = o.size
	}
	if o.src.Width != nil {
		width = o.width
	}
	return bleedOf(size, width)
}

func bleedOf(size, width float32) float64 {
	return float64(size)*0.7 + float64(width)*miterLimit/2 + 2
}

// uniform reports whether every feature resolves to the base paint, so
// that features need not be read to be drawn as a dot.
func (st *styler) uniform() bool { return len(st.rules) == 0 }

// ValueKey is how an attribute value is written as a key of Rule.Values.
func ValueKey(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// NumericValue reads a number out of an attribute value, for Rule.Ranges.
func NumericValue(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}
