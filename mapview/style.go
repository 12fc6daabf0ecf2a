package mapview

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrInvalidStyle is returned (wrapped) for a style the map cannot use.
var ErrInvalidStyle = errors.New("mapview: invalid style")

// Symbol is the shape drawn at a point.
type Symbol string

// The point symbols.
const (
	Circle   Symbol = "circle"
	Square   Symbol = "square"
	Triangle Symbol = "triangle"
	Diamond  Symbol = "diamond"
	Star     Symbol = "star"
	Cross    Symbol = "cross"
)

func (s Symbol) valid() bool {
	switch s {
	case Circle, Square, Triangle, Diamond, Star, Cross:
		return true
	}
	return false
}

// Style says how a layer's features are drawn. It is data: the JSON the
// platform publishes per layer, with the keys of Paint at the top level:
//
//	{"stroke": "#1f78b4", "width": 2, "dash": [6, 3], "label": "nom",
//	 "rules": [
//	   {"field": "materiau", "values": {"11": {"stroke": "#08519c", "title": "Fonte"}}},
//	   {"field": "diametre", "ranges": [{"max": 100, "width": 1}, {"min": 100, "width": 2.5}]}]}
//
// Each rule whose field value matches overrides the keys it sets; later
// rules override earlier ones.
type Style struct {
	Paint
	// Label names the field written beside each feature: "nom", or an
	// object {"field": "nom", "size": 13, "bold": true, "minzoom": 14…}.
	Label *Label `json:"label,omitempty"`
	// Order places the layer among the others when the map lists them
	// itself (DefaultLayers): lower orders are drawn first, underneath.
	Order int `json:"order,omitempty"`
	// Rules change the paint by attribute value.
	Rules []Rule `json:"rules,omitempty"`
}

// Paint is what a style or one of its rules sets. Unset keys keep the
// value from the style (or, in the style itself, the map's default).
// Sizes are in logical pixels.
type Paint struct {
	// Title names the class in the legend ("Fonte", "Indisponible").
	Title string `json:"title,omitempty"`
	// Stroke colours lines, polygon outlines and symbol outlines.
	Stroke *Color `json:"stroke,omitempty"`
	// Width is the stroke's width.
	Width *Num `json:"width,omitempty"`
	// Fill colours polygons and symbols.
	Fill *Color `json:"fill,omitempty"`
	// Dash alternates drawn and skipped lengths along lines and outlines;
	// [] is a solid line.
	Dash []float64 `json:"dash,omitempty"`
	// Cap ends lines: "round" (default for solid lines), "butt" (default
	// for dashes) or "square". Join joins segments: "round" or "miter".
	Cap  string `json:"cap,omitempty"`
	Join string `json:"join,omitempty"`
	// Symbol is the shape drawn at points, Size its diameter.
	Symbol Symbol `json:"symbol,omitempty"`
	Size   *Num   `json:"size,omitempty"`
	// MinZoom and MaxZoom bound the zooms at which features are drawn
	// (MinZoom ≤ zoom < MaxZoom).
	MinZoom *float64 `json:"minzoom,omitempty"`
	MaxZoom *float64 `json:"maxzoom,omitempty"`
}

// Label is how a layer's features are labelled.
type Label struct {
	// Field holds the text; a coded value shows its label.
	Field string `json:"field"`
	// Size is the text's size in logical pixels (12 when 0).
	Size float64 `json:"size,omitempty"`
	// Color and Halo colour the text and the outline that keeps it
	// readable over anything (dark grey on white by default).
	Color *Color `json:"color,omitempty"`
	Halo  *Color `json:"halo,omitempty"`
	Bold  bool   `json:"bold,omitempty"`
	// MinZoom and MaxZoom bound the zooms at which labels are shown.
	MinZoom float64 `json:"minzoom,omitempty"`
	MaxZoom float64 `json:"maxzoom,omitempty"`
	// Priority, from 0 to 10 (5 when unset), decides which labels are
	// placed first; among equals, the top layer's.
	Priority *int `json:"priority,omitempty"`
}

func (l *Label) priority() int {
	if l.Priority == nil {
		return 5
	}
	return *l.Priority
}

// Rule overrides the paint of the features whose Field value is one of
// Values' keys (codes as stored: "11", "true", "faible"; "" for no value)
// or lies in one of Ranges (the first that matches).
type Rule struct {
	Field  string           `json:"field"`
	Values map[string]Paint `json:"values,omitempty"`
	Ranges []Range          `json:"ranges,omitempty"`
}

// Range matches numeric values v with Min ≤ v < Max; a missing bound is open.
type Range struct {
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	Paint
}

// Num is a length that is constant (2) or follows the zoom, linearly
// between stops ({"stops": [[12, 0.5], [16, 3]]}) and flat beyond them.
type Num struct {
	Value float64
	Stops [][2]float64
}

// N returns a constant Num, for building styles in Go.
func N(v float64) *Num { return &Num{Value: v} }

// At returns the value at a zoom.
func (n Num) At(zoom float64) float64 {
	if len(n.Stops) == 0 {
		return n.Value
	}
	if zoom <= n.Stops[0][0] {
		return n.Stops[0][1]
	}
	for i := 1; i < len(n.Stops); i++ {
		a, b := n.Stops[i-1], n.Stops[i]
		if zoom < b[0] {
			t := (zoom - a[0]) / (b[0] - a[0])
			return a[1] + t*(b[1]-a[1])
		}
	}
	return n.Stops[len(n.Stops)-1][1]
}

// MarshalJSON writes a number, or an object with stops.
func (n Num) MarshalJSON() ([]byte, error) {
	if len(n.Stops) == 0 {
		return json.Marshal(n.Value)
	}
	return json.Marshal(struct {
		Stops [][2]float64 `json:"stops"`
	}{n.Stops})
}

// UnmarshalJSON reads a number or {"stops": [[zoom, value]…]}.
func (n *Num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Stops [][2]float64 `json:"stops"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return fmt.Errorf("%w: stops must be [[zoom, value], …]", ErrInvalidStyle)
		}
		if len(o.Stops) == 0 {
			return fmt.Errorf("%w: stops are empty", ErrInvalidStyle)
		}
		*n = Num{Stops: o.Stops}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: a length must be a number or {\"stops\": …}", ErrInvalidStyle)
	}
	*n = Num{Value: v}
	return nil
}

func (n *Num) check(what string, maxV float64) error {
	if n == nil {
		return nil
	}
	vals := []float64{n.Value}
	for i, s := range n.Stops {
		if !finite(s[0]) || (i > 0 && s[0] <= n.Stops[i-1][0]) {
			return fmt.Errorf("%w: %s stops must have increasing zooms", ErrInvalidStyle, what)
		}
		vals = append(vals, s[1])
	}
	for _, v := range vals {
		if !finite(v) || v < 0 || v > maxV {
			return fmt.Errorf("%w: %s must be between 0 and %g", ErrInvalidStyle, what, maxV)
		}
	}
	return nil
}

// MarshalJSON writes a label that only names its field as a string.
func (l Label) MarshalJSON() ([]byte, error) {
	if l == (Label{Field: l.Field}) {
		return json.Marshal(l.Field)
	}
	type plain Label
	return json.Marshal(plain(l))
}

// UnmarshalJSON reads a field name or a label object.
func (l *Label) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var f string
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("%w: label: %v", ErrInvalidStyle, err)
		}
		*l = Label{Field: f}
		return nil
	}
	type plain Label
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("%w: label must be a field name or an object: %v", ErrInvalidStyle, err)
	}
	*l = Label(p)
	return nil
}

// ParseStyle reads and checks a style's JSON. Unknown keys are ignored, so
// that a platform may publish keys a later version draws.
func ParseStyle(data []byte) (*Style, error) {
	var s Style
	if err := json.Unmarshal(data, &s); err != nil {
		if errors.Is(err, ErrInvalidStyle) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidStyle, err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Check reports the first thing wrong with a style.
func (s *Style) Check() error {
	if err := s.Paint.check("style"); err != nil {
		return err
	}
	if l := s.Label; l != nil {
		if strings.TrimSpace(l.Field) == "" {
			return fmt.Errorf("%w: label has no field", ErrInvalidStyle)
		}
		if !finite(l.Size) || l.Size < 0 || l.Size > 72 {
			return fmt.Errorf("%w: label size must be between 0 and 72", ErrInvalidStyle)
		}
		if !finite(l.MinZoom) || !finite(l.MaxZoom) {
			return fmt.Errorf("%w: label zooms must be numbers", ErrInvalidStyle)
		}
		if l.Priority != nil && (*l.Priority < 0 || *l.Priority > 10) {
			return fmt.Errorf("%w: label priority must be between 0 and 10", ErrInvalidStyle)
		}
	}
	for i, r := range s.Rules {
		where := fmt.Sprintf("rule %d", i+1)
		if strings.TrimSpace(r.Field) == "" {
			return fmt.Errorf("%w: %s has no field", ErrInvalidStyle, where)
		}
		if len(r.Values) == 0 && len(r.Ranges) == 0 {
			return fmt.Errorf("%w: %s (%s) has neither values nor ranges", ErrInvalidStyle, where, r.Field)
		}
		for k, p := range r.Values {
			if err := p.check(fmt.Sprintf("%s (%s=%q)", where, r.Field, k)); err != nil {
				return err
			}
		}
		for j, rg := range r.Ranges {
			w := fmt.Sprintf("%s (%s) range %d", where, r.Field, j+1)
			if (rg.Min != nil && !finite(*rg.Min)) || (rg.Max != nil && !finite(*rg.Max)) {
				return fmt.Errorf("%w: %s bounds must be numbers", ErrInvalidStyle, w)
			}
			if rg.Min != nil && rg.Max != nil && *rg.Min >= *rg.Max {
				return fmt.Errorf("%w: %s has min ≥ max", ErrInvalidStyle, w)
			}
			if err := rg.Paint.check(w); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *Paint) check(where string) error {
	if err := p.Width.check(where+" width", 100); err != nil {
		return err
	}
	if err := p.Size.check(where+" size", 200); err != nil {
		return err
	}
	if p.Symbol != "" && !p.Symbol.valid() {
		return fmt.Errorf("%w: %s: unknown symbol %q (circle, square, triangle, diamond, star, cross)", ErrInvalidStyle, where, p.Symbol)
	}
	if len(p.Dash) > maxDash {
		return fmt.Errorf("%w: %s: a dash has at most %d lengths", ErrInvalidStyle, where, maxDash)
	}
	total := 0.0
	for _, d := range p.Dash {
		if !finite(d) || d < 0 || d > 1000 {
			return fmt.Errorf("%w: %s: dash lengths must be between 0 and 1000", ErrInvalidStyle, where)
		}
		total += d
	}
	if len(p.Dash) > 0 && total < 0.5 {
		return fmt.Errorf("%w: %s: dash lengths add up to nothing", ErrInvalidStyle, where)
	}
	if !slices.Contains([]string{"", "round", "butt", "square"}, p.Cap) {
		return fmt.Errorf("%w: %s: cap must be round, butt or square", ErrInvalidStyle, where)
	}
	if !slices.Contains([]string{"", "round", "miter"}, p.Join) {
		return fmt.Errorf("%w: %s: join must be round or miter", ErrInvalidStyle, where)
	}
	for _, z := range []*float64{p.MinZoom, p.MaxZoom} {
		if z != nil && !finite(*z) {
			return fmt.Errorf("%w: %s: zooms must be numbers", ErrInvalidStyle, where)
		}
	}
	return nil
}

// Fields returns the attribute fields the style reads: its rules' fields
// and its label's.
func (s *Style) Fields() []string {
	var out []string
	for _, r := range s.Rules {
		if !slices.Contains(out, r.Field) {
			out = append(out, r.Field)
		}
	}
	if s.Label != nil && !slices.Contains(out, s.Label.Field) {
		out = append(out, s.Label.Field)
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
