package dashboard

import (
	"context"
	"fmt"
	"sort"

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

// newPlace prepares the communes and returns the scope of the one of the
// INSEE code ("" for everywhere) and its official name.
func newPlace(ctx context.Context, ws *store.Workspace, insee string) (territory.Scope, string, error) {
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
		return territory.Scope{}, "", err
	}
	if !found {
		return territory.Scope{}, "", fmt.Errorf("%w: %q", ErrUnknownCommune, insee)
	}
	// A commune of the layer without an area counts nothing (its scope has
	// no bound: every feature is read, none holds).
	p, _ := territory.NewPlaces(communes).Scope(insee)
	return p, name, nil
}
