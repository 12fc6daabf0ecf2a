package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// MIFStyle is how MapInfo draws a feature: the colour of its pen (lines
// and the outlines of regions, which are left unfilled) or of its symbol
// (points, a filled circle), and the pen's width.
type MIFStyle struct {
	// Colour is the pen's or symbol's colour; nil is black.
	Colour color.Color
	// Width is the pen's width in pixels, 1 to 7; 0 means 1.
	Width int
}

// MIFOptions tune WriteMIF.
type MIFOptions struct {
	// Style gives a feature's style; nil, or false returned, writes none
	// (MapInfo draws it in its default style).
	Style func(Feature) (MIFStyle, bool)
}

// MapInfo limits.
const (
	mifMaxName = 31  // bytes of a column name
	mifMaxText = 254 // bytes of a Char column
)

// mifCoordSys are the CoordSys clauses of the systems WriteMIF writes,
// as GDAL writes them (and recognises: it reads the Lambert ones back as
// EPSG:2154 and 3947).
var mifCoordSys = map[int]string{
	srs.Lambert93:   `CoordSys Earth Projection 3, 33, "m", 3, 46.5, 44, 49, 700000, 6600000`,
	srs.CC47:        `CoordSys Earth Projection 3, 33, "m", 3, 47, 46.25, 47.75, 1700000, 6200000`,
	srs.WGS84:       `CoordSys Earth Projection 1, 104`,
	srs.WebMercator: `CoordSys Earth Projection 10, 157, "m", 0`,
}

// WriteMIFFile writes ds as a MapInfo MIF/MID pair at path (a .mif; the
// .mid beside it), both written beside their final names and renamed into
// place once whole. See WriteMIF.
func WriteMIFFile(path string, ds *Dataset, opts MIFOptions) ([]Warning, error) {
	var mif, mid bytes.Buffer
	warnings, err := WriteMIF(&mif, &mid, ds, opts)
	if err != nil {
		return nil, err
	}
	if err := writeFileSet(path, []fileData{{".mif", mif.Bytes()}, {".mid", mid.Bytes()}}); err != nil {
		return nil, fmt.Errorf("formats: mif: %w", err)
	}
	return warnings, nil
}

// WriteMIF writes ds as MapInfo Interchange Format: the .mif (header with
// the CoordSys of ds.SRS — EPSG:2154, 3947, 4326 or 3857 — columns and
// geometries) on mif, the attributes on mid, in the style of the Shapefile
// writer. Version 300, as every MapInfo and GDAL read it (650 when
// multipoints need it); Charset "WindowsLatin1": texts are written in
// Windows-1252, a character it lacks as '?'; line ends CRLF.
//
// Columns are typed from the fields: Char (as wide as the longest value),
// Integer (Decimal(20,0) when a value does not fit 32 bits), Float,
// Logical, Date; date-times are written as text. MID has no null: a null
// is written empty, which GDAL reads back as 0 for numbers, "" for texts;
// a line break in a text is written as a space.
// Points are written as Point (Multipoint), lines as Pline (Pline
// Multiple), polygons as Region with every ring. What the files cannot
// hold as it was is returned as warnings: column names made MapInfo names
// (31 ASCII characters), texts over 254 bytes cut, date-times written as
// text, geometries MIF has no place for (a collection, a line of one
// point) dropped.
func WriteMIF(mif, mid io.Writer, ds *Dataset, opts MIFOptions) ([]Warning, error) {
	coordSys, ok := mifCoordSys[ds.SRS]
	if !ok {
		return nil, fmt.Errorf("formats: mif: %w: no CoordSys for EPSG:%d", srs.ErrUnsupportedSRS, ds.SRS)
	}
	var warnings []Warning
	warn := func(w Warning) { warnings = append(warnings, w) }
	cols := mifColumns(ds, warn)
	mw := &mifOut{w: bufio.NewWriterSize(mif, 64<<10)}
	dw := &mifOut{w: bufio.NewWriterSize(mid, 64<<10)}
	version := "300"
	for _, f := range ds.Features {
		if _, ok := f.Geometry.(orb.MultiPoint); ok {
			version = "650"
			break
		}
	}
	mw.line("Version " + version)
	mw.line(`Charset "WindowsLatin1"`)
	mw.line(`Delimiter ","`)
	mw.line(coordSys)
	mw.line("Columns " + strconv.Itoa(len(cols)))
	for _, c := range cols {
		mw.line("  " + c.name + " " + c.decl)
	}
	mw.line("Data")
	mw.line("")
	dropped := 0
	for _, f := range ds.Features {
		written, err := mw.geometry(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("formats: mif: feature %s: %w", f.ID, err)
		}
		if !written {
			if f.Geometry != nil {
				dropped++
			}
		} else if opts.Style != nil {
			if st, ok := opts.Style(f); ok {
				mw.style(f.Geometry, st)
			}
		}
		dw.record(cols, f)
	}
	if dropped > 0 {
		warn(Warning{Kind: WarnGeometryDropped, Count: dropped})
	}
	for _, w := range []*bufio.Writer{mw.w, dw.w} {
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("formats: mif: %w", err)
		}
	}
	return warnings, nil
}

// mifColumn is a column of a MIF table being written.
type mifColumn struct {
	src  Field
	name string
	decl string // its type as the header declares it: Char(12), Integer…
	kind byte   // C (text), I (integer), F (real), L (logical), D (date)
}

// mifColumns lays out the columns of ds: names made MapInfo names
// (renamed ones reported), types and widths from the fields and values.
func mifColumns(ds *Dataset, warn func(Warning)) []mifColumn {
	names := make([]string, len(ds.Fields))
	for i, f := range ds.Fields {
		names[i] = f.Name
		if n := asciiName(f.Name); n[0] >= '0' && n[0] <= '9' {
			names[i] = "_" + n // a MapInfo name starts with a letter or '_'
		}
	}
	names = asciiNames(names, mifMaxName)
	out := make([]mifColumn, len(ds.Fields))
	var scratch []byte
	for i, f := range ds.Fields {
		c := mifColumn{src: f, name: names[i]}
		if c.name != f.Name {
			warn(Warning{Kind: WarnFieldRenamed, Field: f.Name, Name: c.name})
		}
		switch f.Type {
		case schema.Integer:
			c.kind, c.decl = 'I', "Integer"
			for _, ft := range ds.Features {
				if n, ok := ft.Properties[f.Name].(int64); ok && (n > math.MaxInt32 || n < math.MinInt32) {
					c.decl = "Decimal(20,0)"
					break
				}
			}
		case schema.Real:
			c.kind, c.decl = 'F', "Float"
		case schema.Boolean:
			c.kind, c.decl = 'L', "Logical"
		case schema.Date:
			c.kind, c.decl = 'D', "Date"
		default: // text, and date-times as text
			c.kind = 'C'
			if f.Type == schema.DateTime {
				warn(Warning{Kind: WarnDateTimeAsText, Field: f.Name})
			}
			width, cut := 1, 0
			for _, ft := range ds.Features {
				scratch = mifText(scratch[:0], ft.Properties[f.Name])
				n := len(scratch)
				if n > mifMaxText {
					cut++
					n = mifMaxText
				}
				width = max(width, n)
			}
			if cut > 0 {
				warn(Warning{Kind: WarnTextCut, Field: f.Name, Count: cut})
			}
			c.decl = "Char(" + strconv.Itoa(width) + ")"
		}
		out[i] = c
	}
	return out
}

// mifText appends a value as a MID text holds it, in Windows-1252, not
// yet quoted: a line break as a space, as other control characters (GDAL
// writes a line break as \n but reads that back as written).
func mifText(b []byte, v any) []byte {
	if v == nil {
		return b
	}
	s, ok := v.(string)
	if !ok {
		s = dbfValueText(v)
	}
	for _, r := range s {
		switch {
		case r == '\r':
		case r < 0x20 || r == 0x7f:
			b = append(b, ' ')
		case r < 0x80:
			b = append(b, byte(r))
		default:
			c, ok := charmap.Windows1252.EncodeRune(r)
			if !ok {
				c = '?'
			}
			b = append(b, c)
		}
	}
	return b
}

// mifOut writes the lines of a MIF or MID file.
type mifOut struct {
	w    *bufio.Writer
	buf  []byte // the line being built
	text []byte // a text value being encoded
}

func (m *mifOut) line(s string) {
	m.w.WriteString(s) // a write error stays in the bufio.Writer for Flush
	m.w.WriteString("\r\n")
}

// flush writes the line being built in buf.
func (m *mifOut) flush() {
	m.buf = append(m.buf, "\r\n"...)
	m.w.Write(m.buf)
	m.buf = m.buf[:0]
}

// record writes the MID line of a feature.
func (m *mifOut) record(cols []mifColumn, f Feature) {
	b := m.buf[:0]
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		v := f.Properties[c.src.Name]
		switch {
		case c.kind == 'C':
			raw := mifText(m.text[:0], v)
			if len(raw) > mifMaxText {
				raw = raw[:mifMaxText] // a byte a character: none is split
			}
			b = append(b, '"')
			for _, ch := range raw {
				if ch == '"' {
					b = append(b, '"')
				}
				b = append(b, ch)
			}
			b = append(b, '"')
			m.text = raw
		case v == nil:
		case c.kind == 'L':
			if t, ok := v.(bool); ok {
				b = append(b, map[bool]string{true: "T", false: "F"}[t]...)
			}
		case c.kind == 'D':
			if d, ok := v.(string); ok && len(d) == 10 {
				b = append(b, d[0:4]+d[5:7]+d[8:10]...)
			}
		case c.kind == 'F':
			if x, ok := v.(float64); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
				b = strconv.AppendFloat(b, x, 'f', -1, 64)
			} else if n, ok := v.(int64); ok {
				b = strconv.AppendInt(b, n, 10)
			}
		default:
			if n, ok := v.(int64); ok {
				b = strconv.AppendInt(b, n, 10)
			}
		}
	}
	m.buf = b
	m.flush()
}

// xy writes a coordinate pair on its own line.
func (m *mifOut) xy(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
		return fmt.Errorf("coordinate %v is not a finite number", p)
	}
	m.buf = strconv.AppendFloat(m.buf, p[0], 'f', -1, 64)
	m.buf = append(m.buf, ' ')
	m.buf = strconv.AppendFloat(m.buf, p[1], 'f', -1, 64)
	m.flush()
	return nil
}

// points writes a line of head and the number of points, then the points.
func (m *mifOut) points(pts []orb.Point, head string) error {
	m.buf = append(append(m.buf, head...), strconv.Itoa(len(pts))...)
	m.flush()
	for _, p := range pts {
		if err := m.xy(p); err != nil {
			return err
		}
	}
	return nil
}

// geometry writes g's object; false when MIF has none for it (then it
// writes "none").
func (m *mifOut) geometry(g orb.Geometry) (bool, error) {
	switch x := g.(type) {
	case orb.Point:
		m.buf = append(m.buf, "Point "...)
		return true, m.xy(x)
	case orb.MultiPoint:
		if len(x) > 0 {
			return true, m.points(x, "Multipoint ")
		}
	case orb.LineString:
		if len(x) >= 2 {
			return true, m.points(x, "Pline ")
		}
	case orb.MultiLineString:
		var parts []orb.LineString
		for _, l := range x {
			if len(l) >= 2 {
				parts = append(parts, l)
			}
		}
		if len(parts) == 1 {
			return true, m.points(parts[0], "Pline ")
		}
		if len(parts) > 1 {
			m.line("Pline Multiple " + strconv.Itoa(len(parts)))
			return true, m.sections(parts)
		}
	case orb.Ring:
		return m.geometry(orb.Polygon{x})
	case orb.Bound:
		return m.geometry(x.ToPolygon())
	case orb.Polygon:
		return m.geometry(orb.MultiPolygon{x})
	case orb.MultiPolygon:
		var rings []orb.LineString
		for _, p := range x {
			for _, r := range p {
				if len(r) >= 3 {
					rings = append(rings, orb.LineString(r))
				}
			}
		}
		if len(rings) > 0 {
			m.line("Region " + strconv.Itoa(len(rings)))
			return true, m.sections(rings)
		}
	}
	m.line("none")
	return false, nil
}

// sections writes the parts of a Pline Multiple or a Region.
func (m *mifOut) sections(parts []orb.LineString) error {
	for _, p := range parts {
		if err := m.points(p, "  "); err != nil {
			return err
		}
	}
	return nil
}

// style writes the Pen (and Brush) or Symbol clause of a geometry.
func (m *mifOut) style(g orb.Geometry, st MIFStyle) {
	rgb := 0
	if st.Colour != nil {
		r, g, b, _ := color.NRGBAModel.Convert(st.Colour).RGBA()
		rgb = int(r>>8)<<16 | int(g>>8)<<8 | int(b>>8)
	}
	width := min(max(st.Width, 1), 7)
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		m.line("    Symbol (34," + strconv.Itoa(rgb) + ",8)")
	case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
		m.line("    Pen (" + strconv.Itoa(width) + ",2," + strconv.Itoa(rgb) + ")")
		m.line("    Brush (1,0,16777215)")
	default:
		m.line("    Pen (" + strconv.Itoa(width) + ",2," + strconv.Itoa(rgb) + ")")
	}
}
