package dashboard

import (
	"cmp"
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
	out, _, err := readCommunes(ctx, ws)
	if err != nil {
		return nil, err
	}
	c := collate.New(language.French, collate.Loose)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out, nil
}

// readCommunes reads the communes layer: each commune with a code, and
// their areas, in the layer's order.
func readCommunes(ctx context.Context, ws *store.Workspace) ([]Commune, []territory.Commune, error) {
	var communes []Commune
	var areas []territory.Commune
	err := eachRow(ctx, ws, layerCommunes, []string{"insee", "nom_officiel", "nom"}, nil, func(r row) {
		c := Commune{INSEE: text(r.vals[0]), Name: cmp.Or(text(r.vals[1]), text(r.vals[2]))}
		if c.INSEE != "" {
			communes = append(communes, c)
			areas = append(areas, territory.Commune{INSEE: c.INSEE, Area: r.geom})
		}
	})
	return communes, areas, err
}

// newPlace prepares the communes and returns the scope of the one of the
// INSEE code ("" for everywhere) and its official name.
func newPlace(ctx context.Context, ws *store.Workspace, insee string) (territory.Scope, string, error) {
	communes, areas, err := readCommunes(ctx, ws)
	if err != nil {
		return territory.Scope{}, "", err
	}
	name, found := "", insee == ""
	for _, c := range communes {
		if c.INSEE == insee && insee != "" {
			name, found = c.Name, true
		}
	}
	if !found {
		return territory.Scope{}, "", fmt.Errorf("%w: %q", ErrUnknownCommune, insee)
	}
	// A commune of the layer without an area counts nothing (its scope has
	// no bound: every feature is read, none holds).
	p, _ := territory.NewPlaces(areas).Scope(insee)
	return p, name, nil
}
