package dashboard

import (
	"context"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"terrimap/store"
	"terrimap/store/territory"
)

// Commune is one commune of the workspace's communes layer.
type Commune struct {
	INSEE, Name string
}

// Communes returns the communes of the workspace, sorted by name, for a
// commune chooser. A workspace without a communes layer has none.
func Communes(ctx context.Context, ws *store.Workspace) ([]Commune, error) {
	var out []Commune
	err := eachRow(ctx, ws, layerCommunes, []string{"insee", "nom_officiel", "nom"}, nil, func(r row) {
		if c := communeOf(r); c.INSEE != "" {
			out = append(out, c)
		}
	})
	if err != nil {
		return nil, err
	}
	c := collate.New(language.French, collate.Loose)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out, nil
}

// communeOf reads a row of the communes layer (insee, nom_officiel, nom).
func communeOf(r row) Commune {
	c := Commune{INSEE: text(r.vals[0]), Name: text(r.vals[1])}
	if c.Name == "" {
		c.Name = text(r.vals[2])
	}
	return c
}

// place decides which features count: those of one commune, by
// territory.Places's rule (a point where it stands, a tronçon where the
// point at half its length lies), or every feature for the whole
// intercommunality (insee "").
type place struct {
	insee  string
	places *territory.Places
	// bound is the commune's bounding box in longitude/latitude; nil for
	// everywhere. The rows read are those whose box meets it: a tronçon
	// whose midpoint lies in the commune, a point in it, always do.
	bound *orb.Bound
}

// newPlace prepares the communes and returns the official name of the one
// of the INSEE code ("" for everywhere).
func newPlace(ctx context.Context, ws *store.Workspace, insee string) (*place, string, error) {
	var communes []territory.Commune
	name, found := "", insee == ""
	err := eachRow(ctx, ws, layerCommunes, []string{"insee", "nom_officiel", "nom"}, nil, func(r row) {
		c := communeOf(r)
		communes = append(communes, territory.Commune{INSEE: c.INSEE, Area: r.geom})
		if c.INSEE == insee && insee != "" {
			name, found = c.Name, true
		}
	})
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", fmt.Errorf("%w: %q", ErrUnknownCommune, insee)
	}
	p := &place{insee: insee, places: territory.NewPlaces(communes)}
	if b, ok := p.places.Bound(insee); ok {
		p.bound = &b
	}
	return p, name, nil
}

// holds reports whether a point in Lambert-93 counts for the place.
func (p *place) holds(pt orb.Point) bool {
	return p.insee == "" || p.places.CommuneOf(pt) == p.insee
}

// point returns where a point feature stands, in Lambert-93.
func (p *place) point(g orb.Geometry) (orb.Point, bool) { return p.places.Point(g) }

// line measures a line feature in Lambert-93 and tells whether it counts
// for the place.
func (p *place) line(g orb.Geometry, buf []orb.Point) (length float64, counts bool, _ []orb.Point) {
	length, half, ok, buf := p.places.Line(g, buf)
	if !ok {
		return 0, false, buf
	}
	return length, p.holds(half), buf
}
