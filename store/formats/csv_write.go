package formats

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

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
// for null; then the geometry as WKT or x/y columns.
type CSVWriter struct {
	w       *csv.Writer
	fields  []Field
	geom    CSVGeometry
	row     []string
	values  []any
	dropped int
}

// NewCSVWriter writes the header row on w; code is the EPSG code of the
// coordinates (4326 or 2154), which names the x/y columns.
func NewCSVWriter(w io.Writer, fields []Field, geom CSVGeometry, code int) (*CSVWriter, error) {
	// csv.Writer writes through a bufio.Writer as large as this one as is.
	c := &CSVWriter{w: csv.NewWriter(bufio.NewWriterSize(w, writeBufferSize)), fields: fields, geom: geom}
	head := make([]string, 0, len(fields)+2)
	for _, f := range fields {
		head = append(head, f.Name)
	}
	if geom == CSVXY {
		if code == srs.Lambert93 {
			head = append(head, CSVColumnX93, CSVColumnY93)
		} else {
			head = append(head, CSVColumnX, CSVColumnY)
		}
	} else {
		head = append(head, CSVColumnWKT)
	}
	if err := c.w.Write(head); err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
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
	c.row = c.row[:0]
	for _, v := range r.Values[:len(c.fields)] {
		c.row = append(c.row, schema.CodeString(v))
	}
	switch {
	case c.geom == CSVWKT && r.Geometry != nil:
		c.row = append(c.row, wkt.MarshalString(r.Geometry))
	case c.geom == CSVWKT:
		c.row = append(c.row, "")
	default:
		p, ok := r.Geometry.(orb.Point)
		if !ok {
			if r.Geometry != nil {
				c.dropped++
			}
			c.row = append(c.row, "", "")
			break
		}
		c.row = append(c.row, strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	if err := c.w.Write(c.row); err != nil {
		return fmt.Errorf("formats: csv: %w", err)
	}
	return nil
}

// Dropped is how many geometries x/y columns could not hold (not points).
func (c *CSVWriter) Dropped() int { return c.dropped }

// Close flushes what is written; it does not close the writer underneath.
func (c *CSVWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("formats: csv: %w", err)
	}
	return nil
}
