package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// Near asks for the features nearest a point.
type Near struct {
	// Point is in WGS84 longitude, latitude.
	Point orb.Point
	// Layers are the layers to look in (names); empty for every layer of
	// points or lines that holds equipment (NearbyLayers).
	Layers []string
	// Limit caps the results (10 when 0).
	Limit int
	// Skip leaves out one feature (the one the point stands for).
	Skip Ref
}

// Ref names one feature of a workspace.
type Ref struct {
	Layer string
	FID   int64
}

// NearbyLayers are the layers Nearby looks in by default: those of points
// and lines (hydrants, valves, pipes, lights…), but not those whose
// features record something about another feature (interventions, which
// carry their equipment's UUID and sit on it).
func NearbyLayers(ws *store.Workspace) []string {
	var out []string
	for _, l := range ws.Layers() {
		switch l.Schema.GeometryType {
		case schema.Point, schema.MultiPoint, schema.LineString, schema.MultiLineString:
		default:
			continue
		}
		if _, record := l.Schema.Field("equipement_uuid"); record {
			continue
		}
		out = append(out, l.Name())
	}
	return out
}

// First and last radii of Nearby's search, in metres.
const (
	firstRadius = 50
	lastRadius  = 100_000
)

// Nearby returns the features nearest n.Point, nearest first, each with its
// distance in metres measured on the Lambert-93 plane (to the nearest
// point of a line, 0 inside a polygon). It reads from the in-memory R-tree
// boxes within a growing radius, and measures only those.
func (ix *Index) Nearby(ctx context.Context, n Near) ([]Result, error) {
	limit := n.Limit
	if limit <= 0 {
		limit = 10
	}
	layers := n.Layers
	if len(layers) == 0 {
		layers = NearbyLayers(ix.ws)
	}
	for _, name := range layers {
		if _, err := ix.ws.Layer(name); err != nil {
			return nil, fmt.Errorf("search: nearby: %w", err)
		}
	}
	origin, err := toLambert93(n.Point)
	if err != nil {
		return nil, fmt.Errorf("search: nearby: %w", err)
	}
	type key struct {
		layer string
		fid   int64
	}
	measured := map[key]float64{}
	for r := float64(firstRadius); ; r *= 4 {
		box := degreeBox(n.Point, r)
		for _, layer := range layers {
			var fids []int64
			ix.ws.Index().Search(layer, box, func(fid int64) bool {
				k := key{layer, fid}
				if _, done := measured[k]; !done && !(strings.EqualFold(layer, n.Skip.Layer) && fid == n.Skip.FID) {
					measured[k] = math.Inf(1)
					fids = append(fids, fid)
				}
				return true
			})
			err := ix.ws.EachByFID(ctx, store.FIDQuery{Layer: layer, FIDs: fids}, func(row store.Row) bool {
				measured[key{layer, row.FID}] = metres(row.Geometry, origin)
				return true
			})
			if err != nil {
				return nil, fmt.Errorf("search: nearby: %w", err)
			}
		}
		within := 0
		for _, d := range measured {
			if d <= r {
				within++
			}
		}
		if within >= limit || r >= lastRadius {
			break
		}
	}
	type near struct {
		key
		d float64
	}
	var nearest []near
	for k, d := range measured {
		if !math.IsInf(d, 1) {
			nearest = append(nearest, near{k, d})
		}
	}
	slices.SortFunc(nearest, func(a, b near) int {
		return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.layer, b.layer), cmp.Compare(a.fid, b.fid))
	})
	nearest = nearest[:min(limit, len(nearest))]
	byLayer := map[string][]int64{}
	for _, n := range nearest {
		byLayer[n.layer] = append(byLayer[n.layer], n.fid)
	}
	docs := map[key]docRow{}
	for layer, fids := range byLayer {
		found, err := ix.docsByFID(ctx, layer, fids)
		if err != nil {
			return nil, err
		}
		for fid, d := range found {
			docs[key{layer, fid}] = d
		}
	}
	ready, err := ix.Ready(ctx)
	if err != nil {
		return nil, err
	}
	communes, err := ix.readCommunes(ctx, !ready)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(nearest))
	for _, n := range nearest {
		d, indexed := docs[n.key]
		if !indexed { // not indexed yet: named from the feature itself
			f, err := ix.ws.GetByFID(ctx, n.layer, n.fid)
			if errors.Is(err, store.ErrFeatureNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("search: nearby: %w", err)
			}
			l, _ := ix.ws.Layer(n.layer)
			d = docRow{layer: n.layer, fid: n.fid, uuid: f.UUID, name: store.DisplayName(l.Schema, f)}
		}
		res, ok := ix.result(d, communes)
		if !ok {
			continue
		}
		res.Distance = n.d
		out = append(out, res)
	}
	return out, ix.rename(ctx, out)
}

// measure sets the distance of every result to p (WGS84); +Inf for a
// feature without geometry.
func (ix *Index) measure(ctx context.Context, results []Result, p orb.Point) error {
	origin, err := toLambert93(p)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	byLayer := map[string][]int{}
	for i := range results {
		results[i].Distance = math.Inf(1)
		byLayer[results[i].Layer] = append(byLayer[results[i].Layer], i)
	}
	for layer, idx := range byLayer {
		at := make(map[int64]int, len(idx))
		fids := make([]int64, len(idx))
		for j, i := range idx {
			at[results[i].FID] = i
			fids[j] = results[i].FID
		}
		err := ix.ws.EachByFID(ctx, store.FIDQuery{Layer: layer, FIDs: fids}, func(row store.Row) bool {
			results[at[row.FID]].Distance = metres(row.Geometry, origin)
			return true
		})
		if err != nil {
			return fmt.Errorf("search: measure: %w", err)
		}
	}
	return nil
}

// ErrBadPoint is returned (wrapped) for a point that is no longitude and
// latitude Lambert-93 can project.
var ErrBadPoint = errors.New("search: not a longitude and latitude")

func toLambert93(p orb.Point) (orb.Point, error) {
	if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
		return orb.Point{}, fmt.Errorf("%w: %v", ErrBadPoint, p)
	}
	g, err := srs.Project(p, srs.WGS84, srs.Lambert93)
	if err != nil {
		return orb.Point{}, fmt.Errorf("%w: %w", ErrBadPoint, err)
	}
	return g.(orb.Point), nil
}

// metres is the distance from g (WGS84) to origin (Lambert-93): to its
// nearest point, 0 inside a polygon; +Inf when g is nil or cannot be
// projected.
func metres(g orb.Geometry, origin orb.Point) float64 {
	if g == nil {
		return math.Inf(1)
	}
	p, err := srs.Project(g, srs.WGS84, srs.Lambert93)
	if err != nil {
		return math.Inf(1)
	}
	switch poly := p.(type) {
	case orb.Polygon:
		if planar.PolygonContains(poly, origin) {
			return 0
		}
	case orb.MultiPolygon:
		if planar.MultiPolygonContains(poly, origin) {
			return 0
		}
	}
	return planar.DistanceFrom(p, origin)
}

// degreeBox is a WGS84 box that holds every point within r metres of p,
// with a tenth to spare for the projection's scale and the Earth's shape.
func degreeBox(p orb.Point, r float64) orb.Bound {
	dlat := r * 1.1 / 110_000
	dlon := dlat / math.Max(math.Cos(p[1]*math.Pi/180), 0.01)
	return orb.Bound{Min: orb.Point{p[0] - dlon, p[1] - dlat}, Max: orb.Point{p[0] + dlon, p[1] + dlat}}
}
