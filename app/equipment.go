package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// The fields that say what a piece of equipment is, its number on the
// ground and where it stands, as the platform's layers name them (AFIGEO
// PEI, street lights, municipal buildings); the first one set wins.
var (
	kindFields    = []string{"type_pei"}
	numberFields  = []string{"ref_terr", "numero"}
	placeFields   = []string{"adresse", "situation", "voie", "rue"}
	fieldINSEE    = "insee"
	communeNaming = []string{"nom_officiel", "nom"}
)

// equipmentName names a feature as a secretary does: what it is and its
// number («Poteau d'incendie n° 12»), or what it is and its name
// («Bâtiment communal · Mairie»); never a UUID.
func equipmentName(ws *store.Workspace, l schema.Layer, f store.Feature) string {
	if name := numberedName(ws, l, f); name != "" {
		return name
	}
	return kindOf(ws, l, f) + " · " + featureName(l, f)
}

// numberedName names a piece of equipment by what it is and its number on
// the ground («Poteau d'incendie n° 94»); "" when it has no number. The
// maintenance lists, the feature choices and the search panel all name
// numbered equipment by it.
func numberedName(ws *store.Workspace, l schema.Layer, f store.Feature) string {
	return newNumberNamer(ws).name(l, f)
}

// numberNamer is numberedName for many features: it translates its pattern
// once, a translation costing tens of microseconds and an index naming
// thousands of hydrants and street lights.
type numberNamer struct {
	ws      *store.Workspace
	pattern string
}

// The marks numberNamer puts in its pattern for the kind and the number.
const (
	kindMark   = "\x00kind\x00"
	numberMark = "\x00number\x00"
)

func newNumberNamer(ws *store.Workspace) numberNamer {
	return numberNamer{ws: ws, pattern: lang.L("{{.Kind}} no. {{.N}}", map[string]any{"Kind": kindMark, "N": numberMark})}
}

// name is numberedName.
func (nn numberNamer) name(l schema.Layer, f store.Feature) string {
	n := firstValue(l, f, numberFields...)
	if n == "" {
		return ""
	}
	return strings.Replace(strings.Replace(nn.pattern, kindMark, kindOf(nn.ws, l, f), 1), numberMark, n, 1)
}

// kindOf is what f is: its own kind field («Poteau d'incendie»), else what
// every feature of its layer is.
func kindOf(ws *store.Workspace, l schema.Layer, f store.Feature) string {
	if kind := firstValue(l, f, kindFields...); kind != "" {
		return kind
	}
	return equipmentKind(ws, l)
}

// equipmentKind is what one feature of the layer is, in the singular: the
// label the interventions' equipment layer gives it («Point lumineux»),
// else the layer's title.
func equipmentKind(ws *store.Workspace, l schema.Layer) string {
	if ws != nil {
		if il, err := ws.Layer(interventionsLayer); err == nil {
			if fld, ok := il.Schema.Field(fieldEquipmentIn); ok && len(fld.Domain) > 0 {
				if label := fld.Label(l.Name); label != "" && label != l.Name {
					return label
				}
			}
		}
	}
	return l.DisplayTitle()
}

// firstValue is the first of the named fields of f that is set, as the
// form shows it; "" when none is.
func firstValue(l schema.Layer, f store.Feature, names ...string) string {
	for _, name := range names {
		if fld, ok := l.Field(name); ok {
			if v := strings.TrimSpace(describeValue(fld, f.Properties[name])); v != "" {
				return v
			}
		}
	}
	return ""
}

// communeIndex finds a commune's name from its INSEE code or from a point
// of its territory, read from the workspace's communes layer.
type communeIndex struct {
	names map[string]string
	areas []communeArea
}

type communeArea struct {
	insee, name string
	geom        orb.Geometry
}

// readCommuneIndex reads the communes layer; an empty index when there is
// none. It does I/O: run it off the UI goroutine.
func readCommuneIndex(ctx context.Context, ws *store.Workspace) communeIndex {
	idx := communeIndex{names: map[string]string{}}
	l, err := ws.Layer(communeLayer)
	if err != nil {
		return idx
	}
	_ = ws.Each(ctx, store.Query{Layer: communeLayer}, func(f store.Feature) bool {
		code := schema.CodeString(f.Properties[fieldINSEE])
		name := firstValue(l.Schema, f, communeNaming...)
		if code != "" && name != "" {
			idx.names[code] = name
		}
		if f.Geometry != nil && name != "" {
			idx.areas = append(idx.areas, communeArea{insee: code, name: name, geom: f.Geometry})
		}
		return true
	})
	return idx
}

// name returns the commune's name of an INSEE code; the code itself when
// the workspace does not know it.
func (c communeIndex) name(insee string) string {
	if n, ok := c.names[insee]; ok {
		return n
	}
	return insee
}

// at returns the commune whose territory holds g's anchor point.
func (c communeIndex) at(g orb.Geometry) (insee, name string, ok bool) {
	if g == nil {
		return "", "", false
	}
	p := anchorPoint(g)
	for _, a := range c.areas {
		if store.Intersects(a.geom, p) {
			return a.insee, a.name, true
		}
	}
	return "", "", false
}

// communeOf returns the INSEE code and name of the commune of f: its INSEE
// field when it has one, else where it lies.
func (c communeIndex) communeOf(f store.Feature) (insee, name string) {
	if code := schema.CodeString(f.Properties[fieldINSEE]); code != "" {
		return code, c.name(code)
	}
	insee, name, _ = c.at(f.Geometry)
	return insee, name
}

// equipmentPlace says where a feature is: its address, else its
// commune's name.
func equipmentPlace(l schema.Layer, f store.Feature, communes communeIndex) string {
	if a := firstValue(l, f, placeFields...); a != "" {
		if _, name := communes.communeOf(f); name != "" && !strings.Contains(store.Fold(a), store.Fold(name)) {
			return a + ", " + name
		}
		return a
	}
	_, name := communes.communeOf(f)
	return name
}
