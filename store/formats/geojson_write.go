package formats

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
)

// GeoJSONWriter writes a FeatureCollection feature by feature, as RFC 7946
// asks: coordinates as given (longitude/latitude, EPSG:4326, is the
// caller's business), exterior rings counter-clockwise and holes clockwise
// whatever the direction they come in (a layer imported from a Shapefile
// or a GeoPackage keeps its clockwise exteriors). Properties are written
// in the order of the fields, then any others by name; the bytes of every
// value are encoding/json's (internal/jsonscan's writer).
type GeoJSONWriter struct {
	w      *bufio.Writer
	fields []Field
	keys   [][]byte // "name": of each field, for WriteRecord
	buf    []byte
	n      int
}

// NewGeoJSONWriter starts a FeatureCollection named name (none when
// empty) on w.
func NewGeoJSONWriter(w io.Writer, name string, fields []Field) *GeoJSONWriter {
	g := &GeoJSONWriter{w: bufio.NewWriterSize(w, writeBufferSize), fields: fields, keys: make([][]byte, len(fields))}
	for i, f := range fields {
		g.keys[i] = append(jsonscan.AppendString(nil, f.Name), ':')
	}
	g.buf = append(g.buf, `{"type":"FeatureCollection",`...)
	if name != "" {
		g.buf = append(jsonscan.AppendString(append(g.buf, `"name":`...), name), ',')
	}
	g.buf = append(g.buf, `"features":[`...)
	return g
}

// Write writes one feature. Its ID is written as a number when it is one
// (a foreign layer's fid), else as a string; no ID, no "id".
func (g *GeoJSONWriter) Write(f Feature) error {
	b, err := g.begin(f.ID, f.Geometry)
	if err != nil {
		return err
	}
	first := true
	for _, k := range propertyOrder(g.fields, f.Properties) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(jsonscan.AppendString(b, k), ':')
		if b, err = jsonscan.AppendValue(b, f.Properties[k]); err != nil {
			return fmt.Errorf("formats: geojson: feature %s: %s: %w", f.ID, k, err)
		}
	}
	return g.end(b)
}

// WriteRecord writes one feature whose values come in the order of the
// writer's fields: every field is written, a nil as null — what Write
// writes of a Feature holding every field.
func (g *GeoJSONWriter) WriteRecord(r *Record) error {
	b, err := g.begin(r.ID, r.Geometry)
	if err != nil {
		return err
	}
	for i, key := range g.keys {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = jsonscan.AppendValue(append(b, key...), r.Values[i]); err != nil {
			return fmt.Errorf("formats: geojson: feature %s: %s: %w", r.ID, g.fields[i].Name, err)
		}
	}
	return g.end(b)
}

// begin appends a feature's start, up to its properties' opening brace.
func (g *GeoJSONWriter) begin(id string, geom orb.Geometry) ([]byte, error) {
	b := g.buf
	if g.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{\"type\":\"Feature\""...)
	if id != "" {
		b = append(b, `,"id":`...)
		// No integer is longer than 20 bytes (a UUID is 36).
		if len(id) <= 20 && isInteger(id) {
			b = append(b, id...)
		} else {
			b = jsonscan.AppendString(b, id)
		}
	}
	b = append(b, `,"geometry":`...)
	var err error
	if b, err = jsonscan.AppendGeometry(b, RFC7946(geom)); err != nil {
		g.buf = b[:0]
		return nil, fmt.Errorf("formats: geojson: feature %s: %w", id, err)
	}
	return append(b, `,"properties":{`...), nil
}

// isInteger reports whether id reads as a JSON integer.
func isInteger(id string) bool {
	_, ok := jsonscan.ParseInt([]byte(id))
	return ok && jsonscan.IsNumber([]byte(id))
}

// end closes the feature begun in b and writes it.
func (g *GeoJSONWriter) end(b []byte) error {
	b = append(b, "}}"...)
	g.n++
	if _, err := g.w.Write(b); err != nil {
		return fmt.Errorf("formats: geojson: %w", err)
	}
	g.buf = b[:0]
	return nil
}

// Close ends the collection and flushes it; it does not close the writer
// underneath.
func (g *GeoJSONWriter) Close() error {
	g.buf = append(g.buf, "\n]}\n"...)
	if _, err := g.w.Write(g.buf); err != nil {
		return fmt.Errorf("formats: geojson: %w", err)
	}
	if err := g.w.Flush(); err != nil {
		return fmt.Errorf("formats: geojson: %w", err)
	}
	return nil
}

// propertyOrder lists the keys of props: those of fields in their order,
// then the others by name.
func propertyOrder(fields []Field, props map[string]any) []string {
	keys := make([]string, 0, len(props))
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.Name] = true
		if _, ok := props[f.Name]; ok {
			keys = append(keys, f.Name)
		}
	}
	var extra []string
	for k := range props {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return append(keys, extra...)
}
