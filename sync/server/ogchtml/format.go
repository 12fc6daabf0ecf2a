package ogchtml

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"terrimap/store/schema"
)

// French typography: thousands are grouped with a narrow no-break space
// and the decimal mark is a comma.
const thinSpace = "\u202f"

// Count writes a whole number the French way: 12 345.
func Count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(thinSpace)
		}
		b.WriteRune(c)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// Decimal writes x with at most digits decimals, the French way: 1 234,5.
func Decimal(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil { // beyond int: leave it ungrouped
		return strings.Replace(s, ".", ",", 1)
	}
	out := Count(n)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "−0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// Longitude writes a longitude in degrees: 4,8812° E or 0,5° O.
func Longitude(x float64) string { return degrees(x, "E", "O") }

// Latitude writes a latitude in degrees: 46,5601° N.
func Latitude(y float64) string { return degrees(y, "N", "S") }

func degrees(v float64, pos, neg string) string {
	side := pos
	if v < 0 {
		side, v = neg, -v
	}
	return Decimal(v, 5) + "°" + "\u00a0" + side
}

// GeometryName names a layer's geometry type in French.
func GeometryName(t schema.GeometryType) string {
	switch t {
	case schema.Point:
		return "points"
	case schema.MultiPoint:
		return "groupes de points"
	case schema.LineString:
		return "lignes"
	case schema.MultiLineString:
		return "groupes de lignes"
	case schema.Polygon:
		return "surfaces"
	case schema.MultiPolygon:
		return "groupes de surfaces"
	}
	return "géométries de tout type"
}

// Value writes a field's value for a person: the label of a coded value,
// oui or non, a date as 01/05/2024, a number the French way; an empty
// value is "".
func Value(f schema.Field, v any) string {
	if v == nil {
		return ""
	}
	if len(f.Domain) > 0 {
		code := schema.CodeString(v)
		if label := f.Label(code); label != code {
			return label
		}
		return code
	}
	switch f.Type {
	case schema.Boolean:
		if b, ok := schema.Truth(v); ok {
			if b {
				return "oui"
			}
			return "non"
		}
	case schema.Date:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(schema.DateLayout, s); err == nil {
				return t.Format("02/01/2006")
			}
		}
	case schema.DateTime:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t.UTC().Format("02/01/2006 15:04") + " UTC"
			}
		}
	case schema.Integer, schema.Real:
		switch x := v.(type) {
		case int64:
			return Count(int(x))
		case float64:
			if f.Type == schema.Integer && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return Count(int(x))
			}
			return Decimal(x, 6)
		}
	}
	return fmt.Sprint(v)
}

// Geometry summarises a geometry in words: a point's coordinates, a
// line's length, a surface's area, with the number of vertices.
func Geometry(g orb.Geometry) string {
	switch x := g.(type) {
	case nil:
		return "Aucune géométrie."
	case orb.Point:
		return "Point : " + Longitude(x[0]) + ", " + Latitude(x[1]) + "."
	case orb.MultiPoint:
		return fmt.Sprintf("Groupe de %s.", plural(len(x), "point", "points"))
	case orb.LineString:
		return fmt.Sprintf("Ligne de %s, longueur %s.", plural(len(x), "sommet", "sommets"), length(geo.Length(x)))
	case orb.MultiLineString:
		total := 0.0
		for _, l := range x {
			total += geo.Length(l)
		}
		return fmt.Sprintf("Groupe de %s, longueur totale %s.", plural(len(x), "ligne", "lignes"), length(total))
	case orb.Polygon:
		return fmt.Sprintf("Surface de %s, aire %s.", plural(vertices(x), "sommet", "sommets"), area(geo.Area(x)))
	case orb.MultiPolygon:
		total, n := 0.0, 0
		for _, p := range x {
			total += geo.Area(p)
			n += vertices(p)
		}
		return fmt.Sprintf("Groupe de %s (%s), aire totale %s.", plural(len(x), "surface", "surfaces"), plural(n, "sommet", "sommets"), area(total))
	}
	return "Géométrie de type " + g.GeoJSONType() + "."
}

func vertices(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// length writes a length in metres, or kilometres from 1 km.
func length(m float64) string {
	if m >= 1000 {
		return Decimal(m/1000, 2) + "\u00a0km"
	}
	return Decimal(m, 1) + "\u00a0m"
}

// area writes an area in m², or hectares from 1 ha.
func area(m2 float64) string {
	m2 = math.Abs(m2)
	if m2 >= 10000 {
		return Decimal(m2/10000, 2) + "\u00a0ha"
	}
	return Decimal(m2, 0) + "\u00a0m²"
}

// plural writes a count with its noun, singular for 0 and 1 as French does.
func plural(n int, one, many string) string {
	if n <= 1 {
		return Count(n) + "\u00a0" + one
	}
	return Count(n) + "\u00a0" + many
}
