package demo

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"terrimap/assets"
	"terrimap/store/territory"
)

// Names of the embedded data files, under assets.DemoDir.
const (
	communesFile  = "ccmt-communes.geojson"
	perimeterFile = "ccmt-perimetre.geojson"
	saoneFile     = "ne_10m_saone_ccmt_clip.geojson"
)

// ErrData is returned (wrapped) when the embedded data of the territory
// cannot be read: a build without the files or with broken ones.
var ErrData = errors.New("demo: unreadable embedded territory data")

// Commune is one of the 24 communes of the Communauté de communes du
// Mâconnais-Tournugeois, as the embedded IGN Admin Express data gives it.
type Commune struct {
	// INSEE is the commune's INSEE code, e.g. "71543".
	INSEE string
	// Name is the official name, with its article ("La Truchère").
	Name string
	// COGName is the name in the 2018 COG, which drops the article ("Truchère").
	COGName string
	// Population is the municipal population (INSEE, in force in 2026).
	Population int
	// Territory is the commune's territory in longitude/latitude.
	Territory orb.MultiPolygon
	// Centre is where the generated networks start, standing for the bourg:
	// the centroid of the territory when it lies inside, else a point inside.
	Centre orb.Point
}

// Communes returns the communes of the territory, sorted by INSEE code. Each
// call parses the embedded data anew, so the caller owns the result.
func Communes() ([]Commune, error) {
	fc, err := readCollection(communesFile)
	if err != nil {
		return nil, err
	}
	out := make([]Commune, 0, len(fc.Features))
	for i, f := range fc.Features {
		c := Commune{
			INSEE:      f.Properties.MustString("code", ""),
			Name:       f.Properties.MustString("nom_officiel", ""),
			COGName:    f.Properties.MustString("nom", ""),
			Population: int(f.Properties.MustFloat64("population_municipale", 0)),
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			c.Territory = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			c.Territory = g
		}
		if len(c.INSEE) != 5 || c.Name == "" || len(c.Territory) == 0 {
			return nil, fmt.Errorf("%w: %s: feature %d lacks code, nom_officiel or a polygon", ErrData, communesFile, i)
		}
		c.Centre = interiorPoint(c.Territory)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Commune) int { return cmp.Compare(a.INSEE, b.INSEE) })
	return out, nil
}

// perimeter returns the dissolved outline of the territory.
func perimeter() (orb.MultiPolygon, error) {
	fc, err := readCollection(perimeterFile)
	if err != nil {
		return nil, err
	}
	var mp orb.MultiPolygon
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = append(mp, g)
		case orb.MultiPolygon:
			mp = append(mp, g...)
		}
	}
	if len(mp) == 0 {
		return nil, fmt.Errorf("%w: %s has no polygon", ErrData, perimeterFile)
	}
	return mp, nil
}

// saone returns the Saône centreline over the territory.
func saone() (orb.LineString, error) {
	fc, err := readCollection(saoneFile)
	if err != nil {
		return nil, err
	}
	var ls orb.LineString
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.LineString:
			ls = append(ls, g...)
		case orb.MultiLineString:
			for _, l := range g {
				ls = append(ls, l...)
			}
		}
	}
	if len(ls) < 2 {
		return nil, fmt.Errorf("%w: %s has no line", ErrData, saoneFile)
	}
	return ls, nil
}

func readCollection(name string) (*geojson.FeatureCollection, error) {
	raw, err := fs.ReadFile(assets.DemoFS, assets.DemoDir+"/"+name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrData, name, err)
	}
	return fc, nil
}

// interiorPoint returns a point inside mp: territory.InteriorPoint.
func interiorPoint(mp orb.MultiPolygon) orb.Point { return territory.InteriorPoint(mp) }
