package dtdict

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"terrimap/store"
	"terrimap/store/territory"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// ErrOutsideTerritory: neither the declaration's zone nor any commune
// lies in the territory where the user may write the register (a
// territory the communes layer does not know).
var ErrOutsideTerritory = errors.New("dtdict: ni la zone des travaux ni aucune commune connue de cet espace de travail ne se trouve dans le territoire où vous pouvez écrire : demandez à l'intercommunalité d'enregistrer cette déclaration")

// communesLayer is the layer of the territory's communes, with their INSEE
// code (insee) and name (nom_officiel, or nom).
const communesLayer = "communes"

// registerAccess is what the user may do on the register, as the last
// sync recorded it (the platform refuses the rest).
type registerAccess struct {
	// readOnly: the layer cannot be edited here at all.
	readOnly bool
	// known: the platform said what the user may do; a workspace never
	// synced may write anything.
	known  bool
	access protocol.Access
	// area is access.Territory prepared; nil when it is nil or cannot be.
	area *territory.Territory
}

// writeAccess reads the user's access to the register's layer l.
func writeAccess(ctx context.Context, ws *store.Workspace, l *store.Layer) registerAccess {
	a := registerAccess{readOnly: l.ReadOnly()}
	a.access, a.known = client.LayerAccess(ctx, ws, l.Name())
	if a.known && a.access.Territory != nil {
		a.area, _ = territory.New(a.access.Territory) // unusable: nothing lies in it, as on the platform
	}
	return a
}

// within reports whether g lies where the user may write: anywhere without
// a territory, else in it (store/territory's rule, the platform's own).
func (a registerAccess) within(g orb.Geometry) bool {
	if !a.known || a.access.Territory == nil {
		return true
	}
	return a.area != nil && a.area.Contains(g)
}

// allows says why the user may not create (exists false) or update the
// entry cur; nil when they may.
func (a registerAccess) allows(exists bool, cur Entry) error {
	if a.readOnly {
		return fmt.Errorf("%w : la couche %s est en lecture seule dans cet espace de travail", ErrRegisterReadOnly, RegisterLayer)
	}
	if !a.known {
		return nil
	}
	op := protocol.OpCreate
	if exists {
		op = protocol.OpUpdate
	}
	if !a.access.Allows(op) {
		if a.access.Reason != "" {
			return fmt.Errorf("%w : %s", ErrRegisterReadOnly, a.access.Reason)
		}
		return ErrRegisterReadOnly
	}
	if exists && !a.within(cur.Geometry) {
		return fmt.Errorf("%w : cette déclaration y a été enregistrée hors de votre territoire. %s", ErrRegisterReadOnly, a.access.Reason)
	}
	return nil
}

// place is where an entry stands in the register.
type place struct {
	geometry orb.Geometry
	commune  string
}

// placeOf chooses an entry's geometry: the zone when it lies where the
// user may write; else the interior point of a commune where they may: the
// zone's commune (by its INSEE code), else one the zone meets, else the
// one nearest the zone — a declaration sent to Tournus about works
// elsewhere is still Tournus's to answer, and is recorded at Tournus.
// The name of the commune is the communes layer's when it knows the code.
func placeOf(ctx context.Context, ws *store.Workspace, d *Declaration, a registerAccess) (place, error) {
	communes, err := readCommunes(ctx, ws)
	if err != nil {
		return place{}, err
	}
	p := place{commune: d.Place.Commune}
	for _, c := range communes {
		if c.insee == d.Place.INSEE && c.name != "" {
			p.commune = c.name
		}
	}
	if len(d.Zone) > 0 && a.within(d.Zone) {
		p.geometry = d.Zone
		return p, nil
	}
	var centre orb.Point
	if len(d.Zone) > 0 {
		centre = d.Zone.Bound().Center()
	}
	// rank orders the communes: the zone's own, those it meets, then by
	// distance from the zone.
	rank := func(c commune, at orb.Point) (int, float64) {
		switch {
		case c.insee == d.Place.INSEE:
			return 0, 0
		case len(d.Zone) > 0 && c.shape.Bound().Intersects(d.Zone.Bound()):
			return 1, 0
		case len(d.Zone) > 0:
			return 2, geo.Distance(at, centre)
		}
		return 2, 0
	}
	best, bestRank, bestDistance := orb.Point{}, -1, 0.0
	for _, c := range communes {
		// A commune's records with no place of their own stand at its
		// interior point (the ICGP declarations do too).
		pt := territory.InteriorPoint(c.shape)
		if !a.within(pt) {
			continue
		}
		r, dist := rank(c, pt)
		if bestRank < 0 || r < bestRank || r == bestRank && dist < bestDistance {
			best, bestRank, bestDistance = pt, r, dist
		}
	}
	switch {
	case bestRank >= 0:
		p.geometry = best
		return p, nil
	case len(d.Zone) == 0 && a.within(nil):
		return p, nil // no zone, no commune known: an entry without position
	}
	return place{}, ErrOutsideTerritory
}

// commune is a feature of the communes layer.
type commune struct {
	insee, name string
	shape       orb.MultiPolygon
}

// readCommunes reads the communes layer; none when the workspace lacks it.
func readCommunes(ctx context.Context, ws *store.Workspace) ([]commune, error) {
	features, err := ws.Query(ctx, store.Query{Layer: communesLayer})
	if errors.Is(err, store.ErrLayerNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dtdict: communes: %w", err)
	}
	var out []commune
	for _, f := range features {
		c := commune{}
		c.insee, _ = f.Properties["insee"].(string)
		// The official name keeps the article (La Truchère) the COG's drops.
		for _, field := range []string{"nom", "nom_officiel"} {
			if name, _ := f.Properties[field].(string); name != "" {
				c.name = name
			}
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			c.shape = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			c.shape = g
		default:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
