package store

import (
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store/schema"
)

// TextWords splits s into the words text search compares: folded (Fold:
// lower case, no accents, œ as oe), cut at every character that is neither
// a letter nor a digit (spaces, apostrophes, hyphens, punctuation), with the
// abbreviations of saint and sainte written out ("St-Gengoux" gives saint,
// gengoux).
func TextWords(s string) []string {
	f := strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range f {
		switch w {
		case "st":
			f[i] = "saint"
		case "ste":
			f[i] = "sainte"
		}
	}
	return f
}

// nameFields are the fields that name a feature best, best first: a name,
// a number, an identifier.
var nameFields = []string{"nom_officiel", "nom", "numero", "libelle", "adresse", "id_pei", "id_gestion", "id_sdis",
	"idcana", "idappareil", "idouvrage", "type"}

// NameField returns the index in l's fields of the field that names a
// feature of properties props, or -1 when none has a value.
func NameField(l schema.Layer, props map[string]any) int {
	for _, key := range nameFields {
		for i, fld := range l.Fields {
			if fld.Name == key && FieldText(fld, props[key]) != "" {
				return i
			}
		}
	}
	for i, fld := range l.Fields {
		if fld.Type == schema.Text && FieldText(fld, props[fld.Name]) != "" {
			return i
		}
	}
	return -1
}

// DisplayName is the text that names a feature best: a name, a number or
// an identifier, else its first text value, else the end of its UUID.
func DisplayName(l schema.Layer, f Feature) string {
	if i := NameField(l, f.Properties); i >= 0 {
		return FieldText(l.Fields[i], f.Properties[l.Fields[i].Name])
	}
	if len(f.UUID) > 8 {
		return f.UUID[len(f.UUID)-8:]
	}
	return f.UUID
}

// FieldText is the text a value of a text or coded field shows: the label
// of a coded value, the text itself; "" for other types and no value.
func FieldText(fld schema.Field, v any) string {
	if v == nil {
		return ""
	}
	if len(fld.Domain) > 0 {
		return strings.TrimSpace(fld.Label(schema.CodeString(v)))
	}
	if fld.Type != schema.Text {
		return ""
	}
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// PointOf is a point that stands for g, on it where it can be: the point
// itself (the first of several), the point halfway along a line (of its
// first part), a polygon's centroid when it lies inside, else its first
// vertex (of its first part); false for a geometry with no point. Text
// search places features in communes by it, and the app anchors
// interventions on it.
func PointOf(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.LineString:
		if len(g) > 0 {
			return halfway(g), true
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	case orb.Polygon:
		if c, _ := planar.CentroidArea(g); planar.PolygonContains(g, c) {
			return c, true
		}
		if len(g) > 0 && len(g[0]) > 0 {
			return g[0][0], true
		}
	case orb.MultiPolygon:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	case nil:
		return orb.Point{}, false
	default: // a collection: the centre of its bounds
		return g.Bound().Center(), true
	}
	return orb.Point{}, false
}

// halfway returns the point of a line halfway along it (measured in
// degrees: only where the point falls, not a distance, is asked of it).
func halfway(ls orb.LineString) orb.Point {
	rest := planar.Length(ls) / 2
	for i := 1; i < len(ls); i++ {
		d := planar.Distance(ls[i-1], ls[i])
		if d >= rest && d > 0 {
			t := rest / d
			return orb.Point{ls[i-1][0] + t*(ls[i][0]-ls[i-1][0]), ls[i-1][1] + t*(ls[i][1]-ls[i-1][1])}
		}
		rest -= d
	}
	return ls[0]
}
