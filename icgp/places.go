package icgp

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"terrimap/store"
	"terrimap/store/territory"
)

// layerCommunes is the layer of the communes' territories.
const layerCommunes = "communes"

// readPlaces prepares the communes of the workspace: a tronçon counts in
// the commune where the point at half its length lies (territory.Places).
// It also returns the communes' names by INSEE code.
func readPlaces(ctx context.Context, ws *store.Workspace) (*territory.Places, map[string]string, error) {
	var communes []territory.Commune
	names := map[string]string{}
	err := ws.Scan(ctx, store.ScanQuery{Layer: layerCommunes, Fields: []string{"insee", "nom_officiel", "nom"}}, func(r store.Row) bool {
		if insee, _ := r.Values[0].(string); insee != "" {
			communes = append(communes, territory.Commune{INSEE: insee, Area: r.Geometry})
			names[insee] = cmp.Or(text(r.Values[1]), text(r.Values[2]))
		}
		return true
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return nil, nil, fmt.Errorf("icgp: communes: %w", err)
	}
	return territory.NewPlaces(communes), names, nil
}
