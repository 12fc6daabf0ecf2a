package app

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store"
	"terrimap/store/schema"
)

// tableCommune keeps a table's rows to the features of one commune, as
// communeIndex.communeOf places them: by their INSEE field when they have
// one, else by where they lie. The first SQLite does (In); the second
// needs the geometries, read once per commune through the R*Tree within
// the commune's bounds.
type tableCommune struct {
	ws    *store.Workspace
	layer string
	code  string
	// named is whether the layer has an INSEE field.
	named bool
	areas []placedArea
	// bound holds the commune's territory (empty when unknown).
	bound orb.Bound
	known bool
}

// placedArea is a commune's territory with its bounds computed once.
type placedArea struct {
	insee string
	polys orb.MultiPolygon
	bound orb.Bound
}

// communeArea is the commune filter of the commune chosen; nil when the
// table shows every commune or cannot place features.
func (t *attributeTable) communeArea() *tableCommune {
	if t.commune == "" || t.layer.Name == communeLayer || len(t.communes.names) == 0 {
		return nil
	}
	c := &tableCommune{ws: t.ws, layer: t.layer.Name, code: t.commune}
	_, c.named = t.layer.Field(fieldINSEE)
	for _, a := range t.communes.areas {
		var polys orb.MultiPolygon
		switch g := a.geom.(type) {
		case orb.Polygon:
			polys = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			polys = g
		default:
			continue
		}
		p := placedArea{insee: a.insee, polys: polys, bound: polys.Bound()}
		c.areas = append(c.areas, p)
		if a.insee == c.code {
			if c.known {
				c.bound = c.bound.Union(p.bound)
			} else {
				c.bound, c.known = p.bound, true
			}
		}
	}
	return c
}

// at is the INSEE code of the first commune whose territory holds p, as
// communeIndex.at finds it.
func (c *tableCommune) at(p orb.Point) string {
	for _, a := range c.areas {
		if a.bound.Contains(p) && planar.MultiPolygonContains(a.polys, p) {
			return a.insee
		}
	}
	return ""
}

// fids are the features within the commune's bounds that communeOf places
// in it. It does I/O: run it off the UI goroutine.
func (c *tableCommune) fids(ctx context.Context) ([]int64, error) {
	out := []int64{}
	if !c.known {
		return out, nil
	}
	q := store.ScanQuery{Layer: c.layer, Bound: &c.bound}
	if c.named {
		q.Fields = []string{fieldINSEE}
	}
	err := c.ws.Scan(ctx, q, func(r store.Row) bool {
		if c.named {
			if code := schema.CodeString(r.Values[0]); code != "" {
				if code == c.code {
					out = append(out, r.FID)
				}
				return true
			}
		}
		if r.Geometry != nil && c.at(anchorPoint(r.Geometry)) == c.code {
			out = append(out, r.FID)
		}
		return true
	})
	return out, err
}

// cond keeps the rows of the commune: those whose INSEE field names it
// and the fids placed in it.
func (c *tableCommune) cond(fids []int64) store.Cond {
	if c.named {
		return store.AnyOf(store.In(fieldINSEE, c.code), store.FIDIn(fids))
	}
	return store.FIDIn(fids)
}
