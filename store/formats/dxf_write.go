package formats

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// DXFLayer is one layer of a drawing WriteDXF writes, with its entities.
type DXFLayer struct {
	// Name is the layer's name. DXF R12 names are ASCII letters, digits
	// and '_', 31 at most, unique ignoring case: WriteDXF makes them so
	// (accents dropped, other characters made '_', names cut onto
	// another's numbered), as the Shapefile writer does for field names.
	Name string
	// Colour is the layer's AutoCAD colour index (1 red, 2 yellow, 3
	// green, 4 cyan, 5 blue, 6 magenta, 7 black or white, 30 orange…);
	// 0 or out of 1–255 means 7.
	Colour int
	// Features are drawn on the layer in their order.
	Features []DXFFeature
	// LabelLayer is the layer the labels go on; "" puts them on the layer
	// itself. Named apart, it is added to the drawing in the same colour,
	// so that a draughtsman can hide the texts alone.
	LabelLayer string
	// TextHeight is the labels' height in drawing units; 0 means 1.
	TextHeight float64
}

// DXFFeature is one geometry of a layer and its label.
type DXFFeature struct {
	// Geometry is in drawing units (the caller's: Lambert-93 metres for
	// plans). Points become POINT entities (drawn as a circled cross,
	// $PDMODE 34), lines open POLYLINEs and each ring of a polygon a
	// closed POLYLINE; multi-geometries and collections give one entity
	// per part; nil gives nothing.
	Geometry orb.Geometry
	// Label, when not empty, is written as a TEXT entity: beside a point,
	// along the middle of a line (turned to read from left to right), at
	// the middle of a polygon's box. Accents are kept (see WriteDXF).
	Label string
}

// ErrDXFCoordinate is returned (wrapped) by WriteDXF for a coordinate that
// is not a finite number: a DXF file cannot hold it.
var ErrDXFCoordinate = errors.New("formats: dxf: a coordinate is not a finite number")

// DXF writer settings.
const (
	dxfMaxName  = 31  // bytes of a layer name in AutoCAD R12
	dxfPDMode   = 34  // points drawn as a cross in a circle
	dxfPDSize   = 0.5 // their size in drawing units
	dxfLabelGap = 0.5 // gap between a geometry and its label, in text heights
)

// WriteDXF writes the layers as an ASCII DXF drawing of AutoCAD R12
// (AC1009), the version every CAD program and GDAL read, with its layer
// table (colours, CONTINUOUS line type), a STANDARD text style and the
// entities of model space. Texts are written in Windows-1252, as
// $DWGCODEPAGE ANSI_1252 says (AutoCAD R12 to 2004 and GDAL read it so);
// the characters outside Latin-1 are written as dxfEncode says. Line ends are
// CRLF, as AutoCAD writes them. Nothing but write errors and
// ErrDXFCoordinate makes it fail; on error, what was written is not a
// whole drawing.
func WriteDXF(w io.Writer, layers []DXFLayer) error {
	d := &dxfOut{w: bufio.NewWriterSize(w, 64<<10)}
	names, labelNames := dxfLayerNames(layers)
	box, err := dxfExtent(layers)
	if err != nil {
		return err
	}
	d.header(box)
	d.tables(layers, names, labelNames)
	d.section("ENTITIES")
	for i, l := range layers {
		height := l.TextHeight
		if height <= 0 || math.IsNaN(height) || math.IsInf(height, 0) {
			height = 1
		}
		for _, f := range l.Features {
			d.geometry(names[i], f.Geometry)
			if f.Label != "" && f.Geometry != nil && !f.Geometry.Bound().IsEmpty() {
				d.label(labelNames[i], f, height)
			}
		}
	}
	d.str(0, "ENDSEC")
	d.str(0, "EOF")
	if err := d.w.Flush(); err != nil {
		return fmt.Errorf("formats: dxf: %w", err)
	}
	return nil
}

// dxfLayerNames makes the layers' names and their labels' layers' names
// valid R12 names, unique ignoring case; "0", AutoCAD's own layer, is
// taken first.
func dxfLayerNames(layers []DXFLayer) (names, labels []string) {
	all := []string{"0"}
	for _, l := range layers {
		all = append(all, l.Name)
	}
	for _, l := range layers {
		if l.LabelLayer != "" {
			all = append(all, l.LabelLayer)
		}
	}
	all = asciiNames(all, dxfMaxName)
	names = all[1 : 1+len(layers)]
	labels = make([]string, len(layers))
	next := 1 + len(layers)
	for i, l := range layers {
		labels[i] = names[i]
		if l.LabelLayer != "" {
			labels[i] = all[next]
			next++
		}
	}
	return names, labels
}

// dxfExtent is the box of every geometry (the origin for none), or
// ErrDXFCoordinate.
func dxfExtent(layers []DXFLayer) (orb.Bound, error) {
	var box orb.Bound
	set := false
	for _, l := range layers {
		for _, f := range l.Features {
			if f.Geometry == nil {
				continue
			}
			b := f.Geometry.Bound()
			for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return box, fmt.Errorf("%w (layer %s)", ErrDXFCoordinate, l.Name)
				}
			}
			if !set {
				box, set = b, true
			} else {
				box = box.Union(b)
			}
		}
	}
	return box, nil
}

// dxfOut writes the group codes and values of a DXF file.
type dxfOut struct {
	w   *bufio.Writer
	buf []byte
}

// code starts a group: its code right-aligned on three characters, as
// AutoCAD writes it.
func (d *dxfOut) code(c int) {
	b := d.buf[:0]
	switch {
	case c < 10:
		b = append(b, "  "...)
	case c < 100:
		b = append(b, ' ')
	}
	b = strconv.AppendInt(b, int64(c), 10)
	d.buf = append(b, "\r\n"...)
}

func (d *dxfOut) end() {
	d.buf = append(d.buf, "\r\n"...)
	d.w.Write(d.buf) // a write error stays in the bufio.Writer for Flush
}

func (d *dxfOut) str(c int, s string) {
	d.code(c)
	d.buf = append(d.buf, s...)
	d.end()
}

func (d *dxfOut) int(c, n int) {
	d.code(c)
	d.buf = strconv.AppendInt(d.buf, int64(n), 10)
	d.end()
}

// float writes a real in its shortest exact form, with a decimal point.
func (d *dxfOut) float(c int, f float64) {
	d.code(c)
	start := len(d.buf)
	d.buf = strconv.AppendFloat(d.buf, f, 'f', -1, 64)
	if !containsByte(d.buf[start:], '.') {
		d.buf = append(d.buf, ".0"...)
	}
	d.end()
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// point writes the groups code, code+10 and code+20 of a point at z 0.
func (d *dxfOut) point(c int, p orb.Point) {
	d.float(c, p[0])
	d.float(c+10, p[1])
	d.float(c+20, 0)
}

func (d *dxfOut) section(name string) {
	d.str(0, "SECTION")
	d.str(2, name)
}

// header writes the HEADER section: the version, the code page, the
// drawing's extent and how points are drawn.
func (d *dxfOut) header(box orb.Bound) {
	d.section("HEADER")
	d.str(9, "$ACADVER")
	d.str(1, "AC1009")
	d.str(9, "$DWGCODEPAGE")
	d.str(3, "ANSI_1252")
	d.str(9, "$INSBASE")
	d.point(10, orb.Point{})
	d.str(9, "$EXTMIN")
	d.point(10, box.Min)
	d.str(9, "$EXTMAX")
	d.point(10, box.Max)
	d.str(9, "$LIMMIN")
	d.float(10, box.Min[0])
	d.float(20, box.Min[1])
	d.str(9, "$LIMMAX")
	d.float(10, box.Max[0])
	d.float(20, box.Max[1])
	d.str(9, "$PDMODE")
	d.int(70, dxfPDMode)
	d.str(9, "$PDSIZE")
	d.float(40, dxfPDSize)
	d.str(0, "ENDSEC")
}

// tables writes the line type, layer and text style tables.
func (d *dxfOut) tables(layers []DXFLayer, names, labelNames []string) {
	d.section("TABLES")
	d.table("LTYPE", 1)
	d.str(0, "LTYPE")
	d.str(2, "CONTINUOUS")
	d.int(70, 0)
	d.str(3, "Solid line")
	d.int(72, 65)
	d.int(73, 0)
	d.float(40, 0)
	d.str(0, "ENDTAB")

	type entry struct {
		name   string
		colour int
	}
	entries := []entry{{"0", 7}}
	for i, l := range layers {
		c := l.Colour
		if c < 1 || c > 255 {
			c = 7
		}
		entries = append(entries, entry{names[i], c})
		if labelNames[i] != names[i] {
			entries = append(entries, entry{labelNames[i], c})
		}
	}
	d.table("LAYER", len(entries))
	for _, e := range entries {
		d.str(0, "LAYER")
		d.str(2, e.name)
		d.int(70, 0)
		d.int(62, e.colour)
		d.str(6, "CONTINUOUS")
	}
	d.str(0, "ENDTAB")

	d.table("STYLE", 1)
	d.str(0, "STYLE")
	d.str(2, "STANDARD")
	d.int(70, 0)
	d.float(40, 0)
	d.float(41, 1)
	d.float(50, 0)
	d.int(71, 0)
	d.float(42, 1)
	d.str(3, "txt")
	d.str(4, "")
	d.str(0, "ENDTAB")
	d.str(0, "ENDSEC")
}

func (d *dxfOut) table(name string, n int) {
	d.str(0, "TABLE")
	d.str(2, name)
	d.int(70, n)
}

// geometry writes the entities of g on layer.
func (d *dxfOut) geometry(layer string, g orb.Geometry) {
	switch x := g.(type) {
	case orb.Point:
		d.str(0, "POINT")
		d.str(8, layer)
		d.point(10, x)
	case orb.MultiPoint:
		for _, p := range x {
			d.geometry(layer, p)
		}
	case orb.LineString:
		d.polyline(layer, x, false)
	case orb.MultiLineString:
		for _, l := range x {
			d.polyline(layer, l, false)
		}
	case orb.Ring:
		d.polyline(layer, x, true)
	case orb.Polygon:
		for _, r := range x {
			d.polyline(layer, r, true)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			d.geometry(layer, p)
		}
	case orb.Bound:
		d.geometry(layer, x.ToRing())
	case orb.Collection:
		for _, p := range x {
			d.geometry(layer, p)
		}
	}
}

// polyline writes a 2D POLYLINE, its VERTEX entities and its SEQEND; a
// closed one without its last point when it repeats the first. A line of
// fewer than two points is left out.
func (d *dxfOut) polyline(layer string, pts []orb.Point, closed bool) {
	if closed && len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 2 {
		return
	}
	d.str(0, "POLYLINE")
	d.str(8, layer)
	d.int(66, 1)
	d.point(10, orb.Point{})
	if closed {
		d.int(70, 1)
	} else {
		d.int(70, 0)
	}
	for _, p := range pts {
		d.str(0, "VERTEX")
		d.str(8, layer)
		d.point(10, p)
	}
	d.str(0, "SEQEND")
	d.str(8, layer)
}

// label writes a feature's label as a TEXT entity, centred on its
// anchor, a gap above it.
func (d *dxfOut) label(layer string, f DXFFeature, height float64) {
	at, angle := labelAnchor(f.Geometry)
	gap := dxfLabelGap * height
	rad := angle * math.Pi / 180
	at = orb.Point{at[0] - gap*math.Sin(rad), at[1] + gap*math.Cos(rad)}
	d.str(0, "TEXT")
	d.str(8, layer)
	d.point(10, at)
	d.float(40, height)
	d.str(1, dxfEncode(f.Label))
	if angle != 0 {
		d.float(50, angle)
	}
	d.int(72, 1) // centred…
	d.point(11, at)
	d.int(73, 1) // …on its bottom line
}

// labelAnchor is where a geometry's label goes and its angle in degrees:
// a point itself, the middle of a line (of its first part drawn) along the
// segment there, turned to read from left to right, the middle of
// anything else's box.
func labelAnchor(g orb.Geometry) (orb.Point, float64) {
	switch x := g.(type) {
	case orb.Point:
		return x, 0
	case orb.MultiPoint:
		if len(x) > 0 {
			return x[0], 0
		}
	case orb.MultiLineString:
		for _, part := range x { // the first part drawn
			if len(part) > 1 {
				return lineMiddle(part)
			}
		}
	case orb.LineString:
		return lineMiddle(x)
	}
	return g.Bound().Center(), 0
}

// lineMiddle is the point halfway along ls and the angle of its segment
// there, in (-90, 90] degrees.
func lineMiddle(ls orb.LineString) (orb.Point, float64) {
	if len(ls) == 0 {
		return orb.Point{}, 0
	}
	total := 0.0
	for i := 1; i < len(ls); i++ {
		total += math.Hypot(ls[i][0]-ls[i-1][0], ls[i][1]-ls[i-1][1])
	}
	half := total / 2
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		if l == 0 || l < half {
			half -= l
			continue
		}
		t := half / l
		angle := math.Atan2(b[1]-a[1], b[0]-a[0]) * 180 / math.Pi
		switch {
		case angle > 90:
			angle -= 180
		case angle <= -90:
			angle += 180
		}
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, angle
	}
	return ls[0], 0
}

// dxfEncode writes a text for a drawing whose code page is Windows-1252
// and whose readers may be AutoCAD or GDAL: the characters it shares with
// Latin-1 (accented letters, «», Ø, °…) as bytes; GDAL reads ANSI_1252
// as Latin-1 and reads \U+XXXX escapes in MTEXT only, which R12 lacks, so
// the French typographic characters beyond Latin-1 are written as their
// ASCII approximations (œ as oe, € as EUR, — as -, ’ as ', ≥ as >=),
// and only what remains as \U+XXXX escapes, which AutoCAD reads. A caret
// is written "^ " as the DXF format wants; line breaks and other control
// characters become spaces. Should the bytes happen to read as UTF-8 (a
// reader trying UTF-8 first would misread them), every character beyond
// ASCII is escaped.
func dxfEncode(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 || c == 0x7f || c == '^' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	out := appendDXFText(nil, s, false)
	if utf8.Valid(out) {
		for _, c := range out {
			if c >= 0x80 {
				return string(appendDXFText(nil, s, true))
			}
		}
	}
	return string(out)
}

// dxfASCII are the ASCII approximations of the characters of French
// typography that Latin-1 lacks.
var dxfASCII = map[rune]string{
	'œ': "oe", 'Œ': "OE", '€': "EUR", '–': "-", '—': "-", '‐': "-", '‑': "-",
	'‘': "'", '’': "'", '‚': ",", '“': `"`, '”': `"`, '„': `"`, '…': "...",
	'•': "-", '‹': "<", '›': ">", '≥': ">=", '≤': "<=", '≠': "<>", '™': "TM",
	'⌀': "\xd8", '\u202f': " ", '\u2009': " ", '\u2007': " ",
}

func appendDXFText(out []byte, s string, escapeAll bool) []byte {
	for _, r := range s {
		switch {
		case r == '^':
			out = append(out, "^ "...)
			continue
		case r < 0x20 || r == 0x7f:
			out = append(out, ' ')
			continue
		case r < 0x80:
			out = append(out, byte(r))
			continue
		}
		if r == '⌀' { // the diameter sign, as French plans write it
			r = 'Ø'
		}
		if a, ok := dxfASCII[r]; ok {
			out = append(out, a...)
			continue
		}
		if !escapeAll && r >= 0xA0 && r <= 0xFF {
			out = append(out, byte(r))
			continue
		}
		if r > 0xFFFF { // beyond what a \U+XXXX escape holds
			out = append(out, '?')
			continue
		}
		out = fmt.Appendf(out, `\U+%04X`, r)
	}
	return out
}
