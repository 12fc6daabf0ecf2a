package formats

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// CSVGeometry says how a CSV file holds the geometries.
type CSVGeometry uint8

const (
	// CSVWKT: a last column WKT, the geometry as well-known text (QGIS and
	// GDAL read it as the geometry; it carries lines and polygons).
	CSVWKT CSVGeometry = iota
	// CSVXY: two last columns longitude and latitude, for points (ReadCSV,
	// QGIS and spreadsheets read them); a feature that is not a point has
	// them empty (CSVWriter.Dropped counts them).
	CSVXY
)

// CSV column names of the geometry: WKT, and the x/y columns in
// longitude/latitude or in Lambert-93 (names ReadCSV recognises).
const (
	CSVColumnWKT = "WKT"
	CSVColumnX   = "longitude"
	CSVColumnY   = "latitude"
	CSVColumnX93 = "x_l93"
	CSVColumnY93 = "y_l93"
)

// CSVWriter writes features as a CSV file, the way GDAL and QGIS read it:
// UTF-8, commas, a header row of the field names, numbers with a decimal
// point, booleans true/false, dates and datetimes as ISO 8601, an empty cell
// for null; then the geometry as WKT or x/y columns. Rows are quoted as
// encoding/csv quotes them.
type CSVWriter struct {
	w       *bufio.Writer
	fields  []Field
	geom    CSVGeometry
	buf     []byte
	wkt     []byte
	values  []any
	dropped int
}

// NewCSVWriter writes the header row on w; code is the EPSG code of the
// coordinates (4326 or 2154), which names the x/y columns.
func NewCSVWriter(w io.Writer, fields []Field, geom CSVGeometry, code int) (*CSVWriter, error) {
	c := &CSVWriter{w: bufio.NewWriterSize(w, writeBufferSize), fields: fields, geom: geom}
	b := c.buf[:0]
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, f.Name)
	}
	x, y := CSVColumnX, CSVColumnY
	if code == srs.Lambert93 {
		x, y = CSVColumnX93, CSVColumnY93
	}
	if len(fields) > 0 {
		b = append(b, ',')
	}
	if geom == CSVXY {
		b = append(append(append(b, x...), ','), y...)
	} else {
		b = append(b, CSVColumnWKT...)
	}
	if err := c.writeLine(b); err != nil {
		return nil, err
	}
	return c, nil
}

// Write writes one feature.
func (c *CSVWriter) Write(f Feature) error {
	c.values = c.values[:0]
	for _, fl := range c.fields {
		c.values = append(c.values, f.Properties[fl.Name])
	}
	return c.WriteRecord(&Record{ID: f.ID, Geometry: f.Geometry, Values: c.values})
}

// WriteRecord writes one feature whose values come in the order of the
// writer's fields.
func (c *CSVWriter) WriteRecord(r *Record) error {
	b := c.buf[:0]
	for _, v := range r.Values[:len(c.fields)] {
		b = appendCSVValue(b, v)
		b = append(b, ',')
	}
	switch {
	case c.geom == CSVWKT && r.Geometry != nil:
		c.wkt = AppendWKT(c.wkt[:0], r.Geometry)
		b = appendCSVField(b, c.wkt)
	case c.geom == CSVWKT:
	default:
		p, ok := r.Geometry.(orb.Point)
		if !ok {
			if r.Geometry != nil {
				c.dropped++
			}
			b = append(b, ',')
			break
		}
		b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
		b = strconv.AppendFloat(append(b, ','), p[1], 'f', -1, 64)
	}
	return c.writeLine(b)
}

// writeLine writes a row and its end of line, and keeps its buffer.
func (c *CSVWriter) writeLine(b []byte) error {
	b = append(b, '\n')
	c.buf = b[:0]
	if _, err := c.w.Write(b); err != nil {
		return fmt.Errorf("formats: csv: %w", err)
	}
	return nil
}

// Dropped is how many geometries x/y columns could not hold (not points).
func (c *CSVWriter) Dropped() int { return c.dropped }

// Close flushes what is written; it does not close the writer underneath.
func (c *CSVWriter) Close() error {
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("formats: csv: %w", err)
	}
	return nil
}

// appendCSVValue appends a value as schema.CodeString writes it, quoted
// as a CSV field when it must be.
func appendCSVValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return appendCSVField(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return appendCSVField(b, schema.CodeString(v))
}

// appendCSVField appends a CSV field as encoding/csv writes it (comma
// separated, lines ending in LF): within quotes, quotes doubled, when it
// holds a comma, a quote, a line break or starts with a space, or is \.
func appendCSVField[T string | []byte](b []byte, field T) []byte {
	if !csvNeedsQuotes(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	for i := 0; i < len(field); i++ {
		if field[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, field[i])
	}
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's rule for a comma separator.
func csvNeedsQuotes[T string | []byte](field T) bool {
	if len(field) == 0 {
		return false
	}
	if string(field) == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		if c := field[i]; c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(string(field[:min(len(field), utf8.UTFMax)]))
	return unicode.IsSpace(r)
}
