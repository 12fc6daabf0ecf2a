package mapview

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"terrimap/store"
	"terrimap/store/schema"
)

// Layer is a workspace layer as the map draws it. Layers are given bottom
// first; a hidden layer is simply left out.
type Layer struct {
	// Name is the workspace layer's name.
	Name string
	// Style says how to draw it; nil means the default style for the
	// layer's name, or a plain one for its geometry type.
	Style *Style
	// Opacity in (0, 1] fades the whole layer; 0 means opaque.
	Opacity float64
	// Only, when not nil, filters the layer: only the features whose fid
	// it holds are drawn, labelled, hit and snapped to ("show only the
	// hydrants to check"); an empty set shows none. The map reads it from
	// its drawing goroutines: never change a set once given, give another.
	Only map[int64]bool
}

// FeatureRef names a feature of the workspace by layer and local fid.
type FeatureRef struct {
	Layer string
	FID   int64
}

// DefaultLayers returns every layer of the workspace, ordered for drawing:
// by their styles' Order, then polygons under lines under points, then in
// the workspace's order. styles gives each layer's style by name (the
// platform's, or DefaultStyles()); layers missing from it get the
// renderer's default.
func DefaultLayers(ws *store.Workspace, styles map[string]*Style) []Layer {
	type item struct {
		l     Layer
		order int
		class geomClass
		i     int
	}
	var items []item
	for i, l := range ws.Layers() {
		s := styles[l.Schema.Name]
		it := item{l: Layer{Name: l.Schema.Name, Style: s}, class: schemaClass(l.Schema.GeometryType), i: i}
		if s != nil {
			it.order = s.Order
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b item) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(-int(a.class), -int(b.class)), cmp.Compare(a.i, b.i))
	})
	out := make([]Layer, len(items))
	for i, it := range items {
		out[i] = it.l
	}
	return out
}

// schemaClass is the geometry class of a layer type; layers of any
// geometry count as points (drawn last, never merged as dots).
func schemaClass(t schema.GeometryType) geomClass {
	switch t {
	case schema.LineString, schema.MultiLineString:
		return lineClass
	case schema.Polygon, schema.MultiPolygon:
		return polygonClass
	}
	return pointClass
}

// scene is what the renderer draws: the layers, their resolved styles and
// schemas, the selection and the device scale. It is immutable.
type scene struct {
	layers []sceneLayer
	sel    map[FeatureRef]bool // layer names lower-cased
	// scale is the device scale, which shifts the style zooms; size
	// scales line widths, symbols and labels: the device scale, times
	// TileCache.SetMagnification's factor.
	scale, size float64
	stylers     *stylerCache // shared by the copies of the scene
}

// stylerCache keeps the stylers of a scene's layers, made once for all
// the tiles and layouts of a zoom.
type stylerCache struct {
	mu sync.Mutex
	m  map[stylerKey]*styler
}

type stylerKey struct {
	layer       *Style
	class       geomClass
	zoom, scale float64
}

// maxStylers bounds a stylerCache; past it, it starts again.
const maxStylers = 1024

// styler returns the styler of the scene layer's style for features of
// class c at a zoom, at the scene's size.
func (sc *scene) styler(l *sceneLayer, c geomClass, zoom float64) *styler {
	k := stylerKey{l.style, c, zoom, sc.size}
	sc.stylers.mu.Lock()
	defer sc.stylers.mu.Unlock()
	st, ok := sc.stylers.m[k]
	if !ok {
		if sc.stylers.m == nil || len(sc.stylers.m) >= maxStylers {
			sc.stylers.m = map[stylerKey]*styler{}
		}
		st = newStyler(l.style, c, zoom, sc.size)
		sc.stylers.m[k] = st
	}
	return st
}

type sceneLayer struct {
	name    string // as the workspace spells it
	key     string // lower-cased
	style   *Style
	opacity float64
	schema  schema.Layer
	class   geomClass
	only    map[int64]bool // Layer.Only
	fields  []string       // read with each feature: those the style and label use
}

// keeps reports whether the layer's filter lets the feature fid show.
func (l *sceneLayer) keeps(fid int64) bool { return l.only == nil || l.only[fid] }

// newScene resolves layers against the workspace; unknown layers are skipped.
func (r *Renderer) newScene(layers []Layer, sel []FeatureRef, scale float64) *scene {
	sc := &scene{scale: scale, size: scale, stylers: &stylerCache{}}
	for _, l := range layers {
		wl, err := r.ws.Layer(l.Name)
		if err != nil {
			continue
		}
		sl := sceneLayer{name: wl.Schema.Name, key: strings.ToLower(wl.Schema.Name), style: l.Style,
			opacity: l.Opacity, schema: wl.Schema, class: schemaClass(wl.Schema.GeometryType), only: l.Only}
		if sl.style == nil {
			sl.style = r.defaultStyle(wl.Schema)
		}
		sl.fields = styleFields(sl.style, wl.Schema)
		if sl.opacity <= 0 || sl.opacity > 1 {
			sl.opacity = 1
		}
		sc.layers = append(sc.layers, sl)
	}
	sc.sel = selectionSet(sel)
	return sc
}

func selectionSet(sel []FeatureRef) map[FeatureRef]bool {
	if len(sel) == 0 {
		return nil
	}
	m := make(map[FeatureRef]bool, len(sel))
	for _, f := range sel {
		m[FeatureRef{Layer: strings.ToLower(f.Layer), FID: f.FID}] = true
	}
	return m
}

// withSelection returns a copy of the scene with another selection.
func (sc *scene) withSelection(sel []FeatureRef) *scene {
	out := *sc
	out.sel = selectionSet(sel)
	return &out
}

func (sc *scene) selected(layerKey string, fid int64) bool {
	return sc.sel != nil && sc.sel[FeatureRef{Layer: layerKey, FID: fid}]
}

func (sc *scene) hasSelectionIn(layerKey string) bool {
	for f := range sc.sel {
		if f.Layer == layerKey {
			return true
		}
	}
	return false
}

// styleFields returns the fields of the layer that a style's rules and
// label read, sorted.
func styleFields(s *Style, sch schema.Layer) []string {
	var out []string
	add := func(name string) {
		if _, ok := sch.Field(name); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, r := range s.Rules {
		add(r.Field)
	}
	if s.Label != nil {
		add(s.Label.Field)
	}
	slices.Sort(out)
	return out
}
