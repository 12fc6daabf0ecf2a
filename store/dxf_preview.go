package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// previewDXF is PreviewDXF on a drawing already read.
func previewDXF(dwg *formats.DXFDrawing, target schema.Layer, opts DXFOptions, territory orb.Bound) (*DXFPreview, error) {
	p := &DXFPreview{File: dwg.Name, Layer: target.Name, GeometryType: target.GeometryType, Entities: map[string]int{}}
	layers := map[string]*DXFLayerSummary{}
	summary := func(name string) *DXFLayerSummary {
		key := strings.ToUpper(name)
		if s, ok := layers[key]; ok {
			return s
		}
		s := &DXFLayerSummary{Name: name}
		if opts.Mapping.Lists(name) {
			s.Values = opts.Mapping.Values(name)
		}
		layers[key] = s
		return s
	}
	for _, name := range dwg.Layers {
		summary(name)
	}
	// The entities that count for the coordinate system: those with a
	// geometry the mapping keeps (all of them if it keeps none).
	var candidates []int
	for i, e := range dwg.Entities {
		if e.Geometry != nil && !opts.Mapping.Skips(e.Layer) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		for i, e := range dwg.Entities {
			if e.Geometry != nil {
				candidates = append(candidates, i)
			}
		}
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w: %w: plan %s has no line or point to import (%d entities)", ErrImport, ErrDXFEmpty, dwg.Name, len(dwg.Entities))
	}
	crs, detected, wgs, err := chooseCRS(dwg, candidates, opts.CRS, territory)
	if err != nil {
		return nil, err
	}
	p.CRS, p.Detected = crs, detected

	counts := map[problemKey]int{}
	note := func(kind DXFProblemKind, layer, typ string) { counts[problemKey{kind, layer, typ, ""}]++ }
	fileBase := strings.TrimSuffix(dwg.Name, filepath.Ext(dwg.Name))
	var bad valueProblems
	first := true
	for i, e := range dwg.Entities {
		s := summary(e.Layer)
		s.Entities++
		p.Entities[e.Type]++
		switch {
		case opts.Mapping.Skips(e.Layer):
			s.Skipped++
			continue
		case e.Geometry == nil:
			s.Unsupported++
			if isDXFGeometryType(e.Type) {
				note(DXFInvalidGeometry, s.Name, e.Type)
			} else {
				note(DXFUnsupportedEntity, s.Name, e.Type)
			}
			continue
		}
		g, ok := wgs[i]
		if !ok {
			s.Outside++
			note(DXFOutsideTerritory, s.Name, "")
			continue
		}
		g, fits, valid := fitGeometry(g, e.Closed, target.GeometryType)
		if !valid {
			s.Unsupported++
			note(DXFInvalidGeometry, s.Name, e.Type)
			continue
		}
		if !fits {
			s.Mismatched++
			note(DXFGeometryMismatch, s.Name, e.Type)
			continue
		}
		vars := map[string]string{"{n}": strconv.Itoa(len(p.Features) + 1), "{calque}": e.Layer, "{id}": e.Handle, "{fichier}": fileBase}
		props := mappedProperties(target, opts.Mapping.Values(e.Layer), vars, s.Name, &bad)
		p.Features = append(p.Features, DXFFeature{DXFLayer: e.Layer, EntityType: e.Type, Handle: e.Handle, Geometry: g, Properties: props})
		if _, point := g.(orb.Point); point {
			s.Points++
			p.Points++
		} else {
			s.Lines++
			p.Lines++
		}
		if first {
			p.Bound, p.SourceBound, first = g.Bound(), e.Geometry.Bound(), false
		} else {
			p.Bound, p.SourceBound = p.Bound.Union(g.Bound()), p.SourceBound.Union(e.Geometry.Bound())
		}
	}
	for _, name := range dwg.Layers {
		s := summary(name)
		p.Layers = append(p.Layers, *s)
	}
	p.Problems = append(p.Problems, entityProblems(counts, target)...)
	p.Problems = append(p.Problems, bad.problems(target.Name)...)
	p.Problems = append(p.Problems, mappingProblems(opts.Mapping, p.Layers)...)
	if dwg.ChordedArcs > 0 {
		p.Problems = append(p.Problems, DXFProblem{Kind: DXFChordedArcs, Count: dwg.ChordedArcs,
			Message: fmt.Sprintf("%d arcs of the plan are drawn as straight segments: the plan has too many curves", dwg.ChordedArcs)})
	}
	return p, nil
}

// isDXFGeometryType reports whether Terrimap imports entities of type typ.
func isDXFGeometryType(typ string) bool {
	switch typ {
	case formats.DXFLine, formats.DXFLWPolyline, formats.DXFPolyline, formats.DXFArc, formats.DXFPoint, formats.DXFInsert:
		return true
	}
	return false
}

// fitGeometry returns g in a form the layer type takes: a point for point
// layers, a line for line layers, a polygon from a closed polyline for
// polygon layers (fits false otherwise); valid is false for a line of zero
// length.
func fitGeometry(g orb.Geometry, closed bool, want schema.GeometryType) (out orb.Geometry, fits, valid bool) {
	switch x := g.(type) {
	case orb.Point:
		return x, want == schema.Point || want == schema.MultiPoint || want == schema.AnyGeometry, true
	case orb.LineString:
		if b := x.Bound(); len(x) < 2 || b.Min == b.Max {
			return nil, false, false
		}
		switch want {
		case schema.LineString, schema.MultiLineString, schema.AnyGeometry:
			return x, true, true
		case schema.Polygon, schema.MultiPolygon:
			if closed && len(x) >= 4 {
				return orb.Polygon{orb.Ring(x)}, true, true
			}
		}
		return x, false, true
	}
	return nil, false, false
}

// mappedProperties returns a feature's values: the mapping's values with
// their templates expanded, coded values given by label turned into
// codes. Values that do not fit are recorded in bad and left out.
func mappedProperties(target schema.Layer, values map[string]string, vars map[string]string, dxfLayer string, bad *valueProblems) map[string]any {
	props := make(map[string]any, len(values))
	for name, raw := range values {
		f, ok := target.Field(name)
		if !ok {
			f, ok = fieldFolded(target, name)
		}
		if !ok {
			bad.add(problemKey{DXFUnknownField, "", "", name}, "")
			continue
		}
		v := expandTemplate(raw, vars)
		v = codeOf(f, v)
		if _, err := f.Coerce(v); err != nil {
			bad.add(problemKey{DXFInvalidValue, dxfLayer, "", f.Name}, v)
			continue
		}
		props[f.Name] = v
	}
	withDefaults := target.Defaults()
	for k, v := range props {
		withDefaults[k] = v
	}
	if _, errs := target.CoerceProperties(withDefaults, true); len(errs) > 0 {
		for _, fe := range errs {
			if errors.Is(fe.Reason, schema.ErrRequired) {
				bad.add(problemKey{DXFMissingRequired, dxfLayer, "", fe.Field}, "")
			}
		}
	}
	return props
}

// fieldFolded finds a field by name ignoring case.
func fieldFolded(target schema.Layer, name string) (schema.Field, bool) {
	for _, f := range target.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return schema.Field{}, false
}

// expandTemplate replaces {n}, {calque}, {id} and {fichier} in a value.
func expandTemplate(v string, vars map[string]string) string {
	if !strings.Contains(v, "{") {
		return v
	}
	for k, x := range vars {
		v = strings.ReplaceAll(v, k, x)
	}
	return v
}

// codeOf turns the label of a coded value into its code, ignoring case and
// accents ("fonte ductile" → "11"); other values are returned as they are.
func codeOf(f schema.Field, v string) string {
	if len(f.Domain) == 0 {
		return v
	}
	for _, cv := range f.Domain {
		if cv.Code == v {
			return v
		}
	}
	folded := strings.ToLower(Fold(strings.TrimSpace(v)))
	for _, cv := range f.Domain {
		if strings.ToLower(Fold(cv.Label)) == folded {
			return cv.Code
		}
	}
	return v
}
