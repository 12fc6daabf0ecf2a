package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// DefaultBuffer is the safety margin around the work zone, in metres, that
// the command line uses when none is given.
const DefaultBuffer = 5.0

// Options tune a selection. The zero value searches every network layer
// with no margin around the zone.
type Options struct {
	// Buffer is the safety margin around the zone, in metres (0 or more;
	// DefaultBuffer is the usual).
	Buffer float64
	// Layers names the layers to search; nil means NetworkLayers.
	Layers []string
}

// Item is one feature found in the zone or its margin.
type Item struct {
	// Layer is the feature's layer name, LayerTitle its title.
	Layer, LayerTitle string
	// FID and UUID identify the feature in the workspace and on the platform.
	FID  int64
	UUID string
	// ID is the feature's own identifier (RAEPA idcana, idappareil…, a
	// hydrant's number), or the start of its UUID.
	ID string
	// Type, Material and Operator are labels ("" when unknown): the
	// appliance's or pipe's function, its material, who runs it.
	Type, Material, Operator string
	// Diameter in millimetres and Depth (of the pipe's top) in metres; 0
	// when unknown.
	Diameter, Depth float64
	// Class is the location accuracy class.
	Class Class
	// Investigate is true for classes C and unknown: the feature must be
	// located on site before works.
	Investigate bool
	// Distance is the distance from the work zone in metres (0 inside it),
	// measured in Lambert-93.
	Distance float64
	// Geometry is in longitude/latitude; Properties are all the attributes.
	Geometry   orb.Geometry
	Properties map[string]any
}

// LayerCount sums up one searched layer.
type LayerCount struct {
	Layer, Title string
	// Found counts the layer's items, Investigate those that need it.
	Found, Investigate int
	// ByClass counts the items per class.
	ByClass map[Class]int
}

// Selection is what lies under the work zone and its margin.
type Selection struct {
	// Zone is the work zone and Buffer the margin around it, in metres.
	Zone   Zone
	Buffer float64
	// Items are the features found, by layer (in the workspace's order),
	// then nearest first, then by identifier.
	Items []Item
	// Layers counts the items of every layer searched, found or not.
	Layers []LayerCount
	// Area is the work zone's area in square metres (a route's is its
	// length times its width); Length a route's length in metres.
	Area, Length float64

	core  orb.Geometry // the zone in Lambert-93
	reach float64      // how far from core an item may be, in metres
}

// Outlines returns, in longitude/latitude, the zone as an area (a
// polygon's own rings, a route's strip of its width) and the zone with its
// margin, to draw them. They are traced on a grid, close to the truth but
// not exact: the selection itself measures exact distances.
func (s *Selection) Outlines() (zone, buffer orb.MultiPolygon) {
	if s.core == nil {
		return nil, nil
	}
	return outline(s.core, s.reach-s.Buffer), outline(s.core, s.reach)
}

// Investigate returns the number of items that need locating on site.
func (s *Selection) Investigate() int {
	n := 0
	for _, it := range s.Items {
		if it.Investigate {
			n++
		}
	}
	return n
}

// NetworkLayers returns the layers a report searches: the underground
// networks and their fittings — every line layer (water and sewer pipes,
// or any other buried line: gas, cables) and the point layers of fittings
// on those networks (RAEPA appliances and structures, fire hydrants). The
// other point layers are equipment above ground (street lights…), and
// polygon layers (communes, flood zones, building footprints) describe
// the surface: they are only drawn, for context; so is the interventions
// log (a layer with an "equipement_uuid" field), whose points repeat the
// equipment's. SearchedKinds says it in the report's words.
func NetworkLayers(ws *store.Workspace) []*store.Layer {
	var out []*store.Layer
	for _, l := range ws.Layers() {
		if isNetwork(l) {
			out = append(out, l)
		}
	}
	return out
}

// SearchedKinds says, in a contractor's words, what a report searches.
const SearchedKinds = "Sont recherchés les réseaux enterrés et leurs équipements : canalisations (eau potable, " +
	"assainissement et toute autre conduite connue), vannes, regards, branchements et autres appareils et ouvrages, " +
	"poteaux et bouches d'incendie. L'éclairage public et les autres équipements de surface ne sont pas recherchés."

// isStreets reports whether l is the plan's streets (the platform's
// "voies" layer): drawn on the report's map for context, never searched.
func isStreets(l *store.Layer) bool {
	_, typed := l.Schema.Field("type_voie")
	return typed || strings.EqualFold(l.Schema.Name, "voies")
}

func isNetwork(l *store.Layer) bool {
	if _, log := l.Schema.Field("equipement_uuid"); log {
		return false
	}
	if isStreets(l) {
		return false // the streets of the plan: where the networks run, not a network
	}
	switch l.Schema.GeometryType {
	case schema.LineString, schema.MultiLineString:
		return true
	case schema.Point, schema.MultiPoint, schema.AnyGeometry:
		// Fields that mark a point layer of fittings on a network: the
		// RAEPA appliance and structure functions, the PEI hydrant type.
		for _, name := range [...]string{"fnappaep", "fnappass", "fnouvaep", "fnouvass", "idappareil", "idouvrage", "type_pei"} {
			if _, ok := l.Schema.Field(name); ok {
				return true
			}
		}
		name := strings.ToLower(l.Schema.Name)
		return strings.HasPrefix(name, "appar") || strings.HasPrefix(name, "ouvr") || name == "pei"
	}
	return false
}

// Select finds every feature of the network layers within opts.Buffer
// metres of the zone (within Width/2 + Buffer of a route). Candidates come
// from the workspace's R-tree; each is then measured exactly, in
// Lambert-93 metres, from its geometry to the zone's.
func Select(ctx context.Context, ws *store.Workspace, zone Zone, opts Options) (*Selection, error) {
	if math.IsNaN(opts.Buffer) || opts.Buffer < 0 || math.IsInf(opts.Buffer, 0) {
		return nil, fmt.Errorf("%w: %g m", ErrNegativeBuffer, opts.Buffer)
	}
	if zone.Geometry == nil {
		return nil, ErrZoneEmpty
	}
	reach := opts.Buffer
	if zone.IsLine() {
		if !(zone.Width > 0) || math.IsInf(zone.Width, 0) {
			return nil, fmt.Errorf("%w: %g m", ErrNoWidth, zone.Width)
		}
		reach += zone.Width / 2
	} else if _, ok := zone.Geometry.(orb.MultiPolygon); !ok {
		return nil, &ShapeError{Found: zone.Geometry.GeoJSONType()}
	}
	if err := checkZone(zone.Geometry); err != nil {
		return nil, fmt.Errorf("report: select: %w", err)
	}
	layers, err := searchedLayers(ws, opts.Layers)
	if err != nil {
		return nil, err
	}
	core, err := srs.Project(zone.Geometry, srs.WGS84, srs.Lambert93)
	if err != nil {
		return nil, fmt.Errorf("report: select: %w: %w", ErrZoneCoordinates, err)
	}
	coreShape := newShape(core)
	search := padDegrees(zone.Geometry.Bound(), reach)
	if !meetsData(ws, ws.Layers(), search) {
		return nil, ErrZoneOutside
	}

	sel := &Selection{Zone: zone, Buffer: opts.Buffer, core: core, reach: reach}
	sel.Area, sel.Length = measure(core, zone.Width)
	for _, l := range layers {
		count := LayerCount{Layer: l.Name(), Title: l.Schema.DisplayTitle(), ByClass: map[Class]int{}}
		// The features whose box meets the search window, read in one
		// query (read one by one, each cost a statement: ~100 µs of CPU);
		// a layer without any costs no query.
		found := false
		ws.Index().Search(l.Name(), search, func(int64) bool { found = true; return false })
		if !found {
			sel.Layers = append(sel.Layers, count)
			continue
		}
		err := ws.Each(ctx, store.Query{Layer: l.Name(), Bound: &search}, func(f store.Feature) bool {
			d, ok := featureDistance(f.Geometry, coreShape)
			if !ok || d > reach {
				return ctx.Err() == nil
			}
			it := Item{Layer: l.Name(), LayerTitle: count.Title, FID: f.FID, UUID: f.UUID,
				Distance: math.Max(0, d-(reach-opts.Buffer)), Geometry: f.Geometry, Properties: f.Properties}
			describe(&it, l, f)
			it.Investigate = it.Class.NeedsInvestigation()
			sel.Items = append(sel.Items, it)
			count.Found++
			count.ByClass[it.Class]++
			if it.Investigate {
				count.Investigate++
			}
			return ctx.Err() == nil
		})
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		if err != nil {
			return nil, fmt.Errorf("report: select %s: %w", l.Name(), err)
		}
		sel.Layers = append(sel.Layers, count)
	}
	order := map[string]int{}
	for i, l := range layers {
		order[l.Name()] = i
	}
	slices.SortStableFunc(sel.Items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(order[a.Layer], order[b.Layer]), cmp.Compare(a.Distance, b.Distance),
			strings.Compare(a.ID, b.ID), cmp.Compare(a.FID, b.FID))
	})
	return sel, nil
}

// featureDistance measures, in Lambert-93 metres, from a feature's
// geometry to the zone; ok is false for a feature without geometry or
// outside Lambert-93's domain.
func featureDistance(g orb.Geometry, zone *shape) (float64, bool) {
	if g == nil {
		return 0, false
	}
	p, err := srs.Project(g, srs.WGS84, srs.Lambert93)
	if err != nil {
		return 0, false
	}
	d := distance(newShape(p), zone)
	return d, !math.IsInf(d, 1)
}

// searchedLayers returns the layers named, or the network layers.
func searchedLayers(ws *store.Workspace, names []string) ([]*store.Layer, error) {
	if names == nil {
		layers := NetworkLayers(ws)
		if len(layers) == 0 {
			return nil, ErrNoNetworkLayer
		}
		return layers, nil
	}
	var out []*store.Layer
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		l, err := ws.Layer(strings.TrimSpace(n))
		if err != nil {
			return nil, fmt.Errorf("report: select: %w", err)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, ErrNoNetworkLayer
	}
	return out, nil
}

// metresPerDegree is a degree of latitude, rounded down: pads computed with
// it are never too small.
const metresPerDegree = 110_000

// padDegrees grows a longitude/latitude bound by at least metres on every
// side: more than enough for the scale error of Lambert-93 (under 0.3 % in
// France) and the float32 rounding of the R-tree.
func padDegrees(b orb.Bound, metres float64) orb.Bound {
	m := metres*1.02 + 0.5
	lat := math.Min(89, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+m/metresPerDegree)
	dLat := m / metresPerDegree
	dLon := m / (metresPerDegree * math.Cos(lat*math.Pi/180))
	return orb.Bound{Min: orb.Point{b.Min[0] - dLon, b.Min[1] - dLat}, Max: orb.Point{b.Max[0] + dLon, b.Max[1] + dLat}}
}

// meetsData reports whether b meets the extent of one of the layers.
func meetsData(ws *store.Workspace, layers []*store.Layer, b orb.Bound) bool {
	for _, l := range layers {
		if lb, ok := ws.Index().Bound(l.Name()); ok && lb.Intersects(b) {
			return true
		}
	}
	return false
}
