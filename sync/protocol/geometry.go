package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
)

// GeometryField names the geometry where a list of field names includes it
// (PushResult.ConflictFields, FieldIssue.Field, Version.Changed). It is a
// name the store reserves, so no layer field can take it.
const GeometryField = "geom"

// Geometries are read and written by internal/jsonscan, the one GeoJSON
// geometry reader and writer of Terrimap (the GeoJSON importer uses it
// too): one nesting limit, one wording of every refusal, the cause of each
// a jsonscan sentinel error (jsonscan.ErrBadPosition…) under ErrMalformed.

// appendGeometry appends g as a GeoJSON geometry object, or null when g is
// nil, its coordinates in their shortest exact form.
func appendGeometry(dst []byte, g orb.Geometry) ([]byte, error) {
	out, err := jsonscan.AppendGeometry(dst, g)
	if err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	return out, nil
}

// decodeGeometry reads a GeoJSON geometry object; JSON null, or nothing,
// is no geometry. It checks the structure only: that a line has two
// points or a ring is closed is the layer's business (schema.CheckGeometry).
// Positions need two numbers; a third (altitude) and more are dropped; an
// empty Point is refused.
func decodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	s := jsonscan.New(raw)
	s.SkipSpace()
	if c := s.Peek(); c != '{' && c != 'n' {
		return nil, &wireError{msg: "a GeoJSON geometry object is expected, not " + jsonKind(c), cause: jsonscan.ErrNotGeometry}
	}
	g, err := jsonscan.ReadGeometry(s, jsonscan.GeometryOptions{})
	if err == nil {
		if s.End(); s.Err() != nil {
			err = s.Err()
		}
	}
	var ge *jsonscan.GeometryError
	var se *jsonscan.SyntaxError
	switch {
	case err == nil:
		return g, nil
	case errors.As(err, &ge):
		return nil, &wireError{msg: ge.Msg, cause: ge.Err}
	case errors.As(err, &se):
		return nil, malformed("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	return nil, asWire(err)
}

// isNull reports whether raw is JSON null.
func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// marshalGeometry is appendGeometry into a json.RawMessage.
func marshalGeometry(g orb.Geometry) (json.RawMessage, error) {
	return appendGeometry(nil, g)
}
