package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// GeometryField names the geometry where a list of field names includes it
// (PushResult.ConflictFields, FieldIssue.Field, Version.Changed). It is a
// name the store reserves, so no layer field can take it.
const GeometryField = "geom"

// maxGeometryDepth bounds the nesting of GeometryCollections.
const maxGeometryDepth = 16

// errTooDeep is the cause of a geometry nested too deeply.
var errTooDeep = fmt.Errorf("geometry collections nested deeper than %d", maxGeometryDepth)

// appendGeometry appends g as a GeoJSON geometry object, or null when g is
// nil. Rings and bounds are written as polygons. Coordinates are written in
// their shortest exact form, so that they read back bit for bit.
func appendGeometry(dst []byte, g orb.Geometry) ([]byte, error) {
	return appendGeometryDepth(dst, g, 0)
}

func appendGeometryDepth(dst []byte, g orb.Geometry, depth int) ([]byte, error) {
	if depth > maxGeometryDepth {
		return nil, fmt.Errorf("protocol: geometry collections nested deeper than %d", maxGeometryDepth)
	}
	var err error
	switch x := g.(type) {
	case nil:
		return append(dst, "null"...), nil
	case orb.Point:
		dst = append(dst, `{"type":"Point","coordinates":`...)
		dst, err = appendPosition(dst, x)
	case orb.MultiPoint:
		dst = append(dst, `{"type":"MultiPoint","coordinates":`...)
		dst, err = appendPositions(dst, x)
	case orb.LineString:
		dst = append(dst, `{"type":"LineString","coordinates":`...)
		dst, err = appendPositions(dst, x)
	case orb.MultiLineString:
		dst = append(dst, `{"type":"MultiLineString","coordinates":[`...)
		for i, ls := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendPositions(dst, ls); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	case orb.Ring:
		return appendGeometryDepth(dst, orb.Polygon{x}, depth)
	case orb.Bound:
		return appendGeometryDepth(dst, x.ToPolygon(), depth)
	case orb.Polygon:
		dst = append(dst, `{"type":"Polygon","coordinates":`...)
		dst, err = appendRings(dst, x)
	case orb.MultiPolygon:
		dst = append(dst, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendRings(dst, p); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	case orb.Collection:
		dst = append(dst, `{"type":"GeometryCollection","geometries":[`...)
		for i, m := range x {
			if m == nil {
				return nil, errors.New("protocol: nil geometry in a collection")
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendGeometryDepth(dst, m, depth+1); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	default:
		return nil, fmt.Errorf("protocol: cannot encode geometry %T", g)
	}
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

func appendRings(dst []byte, p orb.Polygon) ([]byte, error) {
	dst = append(dst, '[')
	for i, r := range p {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendPositions(dst, r); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendPositions(dst []byte, ps []orb.Point) ([]byte, error) {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendPosition(dst, p); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendPosition(dst []byte, p orb.Point) ([]byte, error) {
	dst = append(dst, '[')
	for i, f := range p {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("protocol: coordinate %v cannot be written in JSON", f)
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, f)
	}
	return append(dst, ']'), nil
}

// appendFloat writes f as encoding/json does: the shortest form that reads
// back exactly, in exponent form only for very small and very large numbers.
func appendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1] // 1e-07 is written 1e-7
		dst = dst[:n-1]
	}
	return dst
}

// wireGeometry is a GeoJSON geometry object as read.
type wireGeometry struct {
	Type        *string           `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// decodeGeometry reads a GeoJSON geometry object; JSON null, or nothing,
// is no geometry. It checks the structure only: that a line has two
// points or a ring is closed is the layer's business (schema.CheckGeometry).
// Positions need two numbers; a third (altitude) and more are dropped.
func decodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	return decodeGeometryDepth(raw, 0)
}

func decodeGeometryDepth(raw json.RawMessage, depth int) (orb.Geometry, error) {
	if depth > maxGeometryDepth {
		return nil, &wireError{msg: errTooDeep.Error(), cause: errTooDeep}
	}
	if c := firstByte(raw); c != '{' {
		return nil, malformed("a GeoJSON geometry object is expected, not %s", jsonKind(c))
	}
	var g wireGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, asWire(err)
	}
	if g.Type == nil {
		return nil, malformed(`geometry has no "type"`)
	}
	typ := *g.Type
	if typ == "GeometryCollection" {
		if g.Geometries == nil {
			return nil, malformed(`GeometryCollection needs a "geometries" array`)
		}
		c := make(orb.Collection, 0, len(g.Geometries))
		for i, m := range g.Geometries {
			if isNull(m) {
				return nil, malformed("GeometryCollection geometries[%d] is null", i)
			}
			mg, err := decodeGeometryDepth(m, depth+1)
			if errors.Is(err, errTooDeep) {
				return nil, err // one message, not one per level
			} else if err != nil {
				return nil, within(fmt.Sprintf("geometries[%d]", i), err)
			}
			c = append(c, mg)
		}
		return c, nil
	}
	switch typ {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, malformed("unknown geometry type %q", typ)
	}
	if len(g.Coordinates) == 0 || isNull(g.Coordinates) {
		return nil, malformed(`%s has no "coordinates"`, typ)
	}
	// Coordinates decode straight into float64 slices; JSON null would
	// silently read as 0 there, so refuse it first.
	if bytes.Contains(g.Coordinates, []byte("null")) {
		return nil, malformed("%s coordinates: a position cannot hold null", typ)
	}
	bad := func(err error) error {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return malformed("%s coordinates: positions must be arrays of numbers, found %s", typ, te.Value)
		}
		var we *wireError
		if errors.As(err, &we) {
			return within(typ+" coordinates", err)
		}
		return malformed("%s coordinates: %s", typ, describe(err))
	}
	switch typ {
	case "Point":
		var p []float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, bad(err)
		}
		pt, err := position(p)
		if err != nil {
			return nil, bad(err)
		}
		return pt, nil
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
	default: // "MultiPolygon"
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
}

func position(p []float64) (orb.Point, error) {
	if len(p) < 2 {
		return orb.Point{}, malformed("a position needs 2 numbers, found %d", len(p))
	}
	return orb.Point{p[0], p[1]}, nil
}

func positions(ps [][]float64) ([]orb.Point, error) {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		pt, err := position(p)
		if err != nil {
			return nil, err
		}
		out[i] = pt
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

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// marshalGeometry is appendGeometry into a json.RawMessage.
func marshalGeometry(g orb.Geometry) (json.RawMessage, error) {
	return appendGeometry(nil, g)
}
