package store

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// problemKey identifies problems counted together.
type problemKey struct {
	kind  DXFProblemKind
	layer string
	typ   string
	field string
}

// valueProblems gathers the mapping problems met while mapping features,
// once per key, with the first value that showed it.
type valueProblems struct {
	keys   []problemKey
	values map[problemKey]string
	counts map[problemKey]int
}

func (b *valueProblems) add(k problemKey, value string) {
	if b.counts == nil {
		b.values, b.counts = map[problemKey]string{}, map[problemKey]int{}
	}
	if b.counts[k] == 0 {
		b.keys = append(b.keys, k)
		b.values[k] = value
	}
	b.counts[k]++
}

// problems turns the gathered mapping problems into blocking problems.
func (b *valueProblems) problems(target string) []DXFProblem {
	out := make([]DXFProblem, 0, len(b.keys))
	for _, k := range b.keys {
		pb := DXFProblem{Kind: k.kind, DXFLayer: k.layer, Field: k.field, Count: b.counts[k], Blocking: true}
		switch k.kind {
		case DXFUnknownField:
			pb.Message = fmt.Sprintf("the mapping gives a value to field %q, which layer %s lacks", k.field, target)
		case DXFInvalidValue:
			pb.Message = fmt.Sprintf("DXF layer %s: value %q does not fit field %q of layer %s", k.layer, b.values[k], k.field, target)
		case DXFMissingRequired:
			pb.Message = fmt.Sprintf("DXF layer %s: required field %q gets no value; give it one in the mapping (such as *;%s;…)", k.layer, k.field, k.field)
		}
		out = append(out, pb)
	}
	return out
}

// entityProblems turns the counts of entities left out into problems, in
// a stable order.
func entityProblems(counts map[problemKey]int, target schema.Layer) []DXFProblem {
	keys := make([]problemKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.layer != b.layer {
			return a.layer < b.layer
		}
		return a.typ < b.typ
	})
	out := make([]DXFProblem, 0, len(keys))
	for _, k := range keys {
		n := counts[k]
		pb := DXFProblem{Kind: k.kind, DXFLayer: k.layer, EntityType: k.typ, Count: n}
		switch k.kind {
		case DXFGeometryMismatch:
			pb.Message = fmt.Sprintf("%d %s of DXF layer %s do not fit layer %s, %s: not imported",
				n, entityNoun(k.typ, n), k.layer, target.Name, layerKind(target.GeometryType))
		case DXFUnsupportedEntity:
			pb.Message = fmt.Sprintf("%d entities %s of DXF layer %s are not imported (type not supported)", n, k.typ, k.layer)
		case DXFInvalidGeometry:
			pb.Message = fmt.Sprintf("%d entities %s of DXF layer %s have an empty or zero-length geometry: not imported", n, k.typ, k.layer)
		case DXFOutsideTerritory:
			pb.Message = fmt.Sprintf("%d entities of DXF layer %s lie outside the territory, away from the rest of the plan: not imported", n, k.layer)
		}
		out = append(out, pb)
	}
	return out
}

// entityNoun names entities of a DXF type.
func entityNoun(typ string, n int) string {
	s := ""
	if n > 1 {
		s = "s"
	}
	switch typ {
	case formats.DXFPoint:
		return "point" + s
	case formats.DXFInsert:
		return "block" + s + " (INSERT)"
	case formats.DXFLine:
		return "line" + s + " (LINE)"
	case formats.DXFArc:
		return "arc" + s
	}
	return "polyline" + s + " (" + typ + ")"
}

// layerKind says what a layer of the geometry type holds.
func layerKind(t schema.GeometryType) string {
	switch t {
	case schema.Point, schema.MultiPoint:
		return "made of points"
	case schema.LineString, schema.MultiLineString:
		return "made of lines"
	case schema.Polygon, schema.MultiPolygon:
		return "made of polygons (only closed polylines go there)"
	}
	return "of another type"
}

// mappingProblems says which DXF layers the mapping does not name, and
// which layers it names that the plan lacks.
func mappingProblems(m formats.DXFMapping, layers []DXFLayerSummary) []DXFProblem {
	var out []DXFProblem
	present := map[string]bool{}
	for _, s := range layers {
		present[strings.ToUpper(s.Name)] = true
		if imported := s.Points + s.Lines; imported > 0 && len(m.Layers) > 0 && !m.Lists(s.Name) {
			out = append(out, DXFProblem{Kind: DXFUnmappedLayer, DXFLayer: s.Name, Count: imported,
				Message: fmt.Sprintf("DXF layer %s is not in the mapping: its %d feature(s) take the common values and the defaults", s.Name, imported)})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Layers)) {
		if !present[strings.ToUpper(name)] {
			out = append(out, DXFProblem{Kind: DXFUnusedMapping, DXFLayer: name,
				Message: fmt.Sprintf("the mapping names DXF layer %s, which the plan lacks", name)})
		}
	}
	return out
}
