// Package jsonref is the reference that internal/jsonscan's GeoJSON
// geometry reader is held to by the fuzz targets (jsonscan's and the
// GeoJSON importer's): the same reading done with encoding/json, slowly and
// plainly (only the wording of a JSON value's kind is jsonscan's). Only
// tests import it.
package jsonref

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
)

// DecodeGeometry reads a GeoJSON geometry object, or null, as
// jsonscan.ReadGeometry does, with encoding/json: the same geometry, or an
// error of the same words. emptyPointIsNil is jsonscan.GeometryOptions'.
func DecodeGeometry(raw []byte, emptyPointIsNil bool) (orb.Geometry, error) {
	if IsNull(raw) {
		return nil, nil
	}
	return decodeGeometry(raw, 0, emptyPointIsNil)
}

// geometryObject holds the members of a geometry object.
type geometryObject struct {
	Type        *string         `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  json.RawMessage `json:"geometries"`
}

// StrictUnmarshal decodes a JSON object, refusing other JSON values.
func StrictUnmarshal(data []byte, v any) error {
	d := bytes.TrimLeft(data, " \t\r\n")
	if len(d) == 0 {
		return errors.New("empty document")
	}
	if d[0] != '{' {
		return fmt.Errorf("a JSON object is expected, found %s", jsonscan.Kind(d[0]))
	}
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("member %q cannot be %s", te.Field, te.Value)
	}
	return err
}

// IsNull reports whether raw is JSON null.
func IsNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// maxDepth bounds the nesting of GeometryCollections.
const maxDepth = 16

// errTooDeep is the one error of collections nested too deeply, with no
// path (one message, not one per level).
var errTooDeep = errors.New("geometry collections nested deeper than 16")

// decodeGeometry decodes a GeoJSON geometry object into an orb geometry.
func decodeGeometry(raw json.RawMessage, depth int, emptyPointIsNil bool) (orb.Geometry, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	var g geometryObject
	if err := StrictUnmarshal(raw, &g); err != nil {
		return nil, err
	}
	if g.Type == nil {
		return nil, errors.New(`no "type" member`)
	}
	typ := *g.Type
	if typ == "GeometryCollection" {
		var members []json.RawMessage
		if err := json.Unmarshal(g.Geometries, &members); err != nil || len(g.Geometries) == 0 {
			return nil, errors.New(`GeometryCollection needs a "geometries" array`)
		}
		c := make(orb.Collection, 0, len(members))
		for i, m := range members {
			mg, err := decodeGeometry(m, depth+1, emptyPointIsNil)
			if errors.Is(err, errTooDeep) {
				return nil, err // one message, not one per level
			}
			if err != nil {
				return nil, fmt.Errorf("geometries[%d]: %w", i, err)
			}
			if mg != nil {
				c = append(c, mg)
			}
		}
		return c, nil
	}
	switch typ {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, fmt.Errorf("unknown geometry type %q", typ)
	}
	if len(g.Coordinates) == 0 || IsNull(g.Coordinates) {
		return nil, fmt.Errorf(`%s has no "coordinates"`, typ)
	}
	// Coordinates decode straight into float64 slices, far faster than
	// element by element; JSON null would silently read as 0, so refuse it.
	if bytes.Contains(g.Coordinates, []byte("null")) {
		return nil, fmt.Errorf("%s coordinates: a position cannot hold null", typ)
	}
	bad := func(err error) error {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s coordinates: positions must be arrays of numbers, found %s", typ, te.Value)
		}
		return fmt.Errorf("%s coordinates: %w", typ, err)
	}
	switch typ {
	case "Point":
		if isEmptyArray(g.Coordinates) && emptyPointIsNil {
			return nil, nil
		}
		var p []float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, bad(err)
		}
		pts, err := positions([][]float64{p})
		if err != nil {
			return nil, bad(err)
		}
		return pts[0], nil
	case "MultiPoint", "LineString":
		var ps [][]float64
		if err := json.Unmarshal(g.Coordinates, &ps); err != nil {
			return nil, bad(err)
		}
		pts, err := positions(ps)
		if err != nil {
			return nil, bad(err)
		}
		if typ == "MultiPoint" {
			return orb.MultiPoint(pts), nil
		}
		return orb.LineString(pts), nil
	case "MultiLineString":
		var ls [][][]float64
		if err := json.Unmarshal(g.Coordinates, &ls); err != nil {
			return nil, bad(err)
		}
		out := make(orb.MultiLineString, len(ls))
		for i, l := range ls {
			pts, err := positions(l)
			if err != nil {
				return nil, bad(err)
			}
			out[i] = pts
		}
		return out, nil
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, bad(err)
		}
		p, err := polygon(rings)
		if err != nil {
			return nil, bad(err)
		}
		return p, nil
	case "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, bad(err)
		}
		out := make(orb.MultiPolygon, len(polys))
		for i, rings := range polys {
			p, err := polygon(rings)
			if err != nil {
				return nil, bad(err)
			}
			out[i] = p
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown geometry type %q", typ)
}

func isEmptyArray(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) >= 2 && s[0] == '[' && len(bytes.TrimSpace(s[1:len(s)-1])) == 0
}

// positions turns GeoJSON positions (two or more numbers, of which the
// first two are kept) into points.
func positions(ps [][]float64) ([]orb.Point, error) {
	if ps == nil {
		return nil, nil
	}
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		if len(p) < 2 {
			return nil, fmt.Errorf("a position needs at least 2 numbers, found %v", p)
		}
		out[i] = orb.Point{p[0], p[1]}
	}
	return out, nil
}

func polygon(rings [][][]float64) (orb.Polygon, error) {
	out := make(orb.Polygon, len(rings))
	for i, r := range rings {
		pts, err := positions(r)
		if err != nil {
			return nil, err
		}
		out[i] = pts
	}
	return out, nil
}
