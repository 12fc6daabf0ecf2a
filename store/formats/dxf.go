package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// DXF entity types ReadDXF turns into geometries. Every other type of the
// ENTITIES section is kept as a DXFEntity without geometry, so that a
// preview can say how many were left out.
const (
	DXFLine       = "LINE"
	DXFLWPolyline = "LWPOLYLINE"
	DXFPolyline   = "POLYLINE"
	DXFArc        = "ARC"
	DXFPoint      = "POINT"
	DXFInsert     = "INSERT"
)

// Sentinel errors of the DXF reader.
var (
	// ErrNotDXF is returned (wrapped) for a file that is not an ASCII DXF
	// drawing: garbage, a DWG, a truncated file.
	ErrNotDXF = errors.New("formats: not a DXF drawing")
	// ErrBinaryDXF is returned (wrapped) for a binary DXF, which must be
	// saved again as ASCII DXF.
	ErrBinaryDXF = errors.New("formats: binary DXF is not supported (save the drawing as ASCII DXF)")
)

// DXFDrawing is what ReadDXF reads of a DXF drawing: the model-space
// entities, coordinates as the file gives them (world coordinates, in the
// drawing's units).
type DXFDrawing struct {
	Name    string // base name of the file
	Version string // $ACADVER ("AC1015" for AutoCAD 2000…); "" when the header has none
	// Layers lists the layer names of the LAYER table and of the entities,
	// in the order first met.
	Layers   []string
	Entities []DXFEntity
	// ChordedArcs counts the bulges and arcs drawn as straight chords
	// because the drawing used up its budget of interpolated points.
	ChordedArcs int
}

// DXFEntity is one entity of the ENTITIES section.
type DXFEntity struct {
	Type   string // DXF entity type: LINE, LWPOLYLINE, TEXT…
	Handle string // group 5, unique in the drawing; "" when the file gives none
	Layer  string // group 8; "0" when absent, as AutoCAD does
	// Geometry is an orb.Point (POINT, INSERT) or an orb.LineString (LINE,
	// LWPOLYLINE, POLYLINE, ARC, with bulges turned into arcs of short
	// chords), in world coordinates; nil for the other entity types and for
	// polylines DXF uses for meshes.
	Geometry orb.Geometry
	// Closed is set for closed polylines; their LineString ends on its first point.
	Closed bool
	// Block is the block name of an INSERT.
	Block string
}

// DXF reader limits: a line longer than maxDXFLine bytes is refused, and a
// drawing interpolates at most maxArcPoints points in arcs (beyond that,
// arcs are drawn as chords), so that memory stays proportional to the file.
const (
	maxDXFLine      = 64 << 10
	maxArcPoints    = 1 << 22
	maxArcSegments  = 64
	arcTolerance    = 0.01 // metres between an arc and its chords
	binaryDXFPrefix = "AutoCAD Binary DXF"
)

// ReadDXFFile reads the ASCII DXF drawing at path (see ReadDXF).
func ReadDXFFile(path string) (*DXFDrawing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("formats: dxf: %w", err)
	}
	defer f.Close()
	return ReadDXF(f, filepath.Base(path))
}

// ReadDXF reads an ASCII DXF drawing (any version from R12): the layer
// table and the entities of model space. Entities inside block
// definitions are not read: an INSERT is read as the point where its block
// is placed. Object coordinate systems (extrusion directions other than
// +Z) are turned into world coordinates; Z is dropped. Text is read as
// UTF-8, or as Windows-1252 when it is not valid UTF-8, with \U+XXXX
// escapes decoded. It fails with ErrNotDXF or ErrBinaryDXF, and with the
// line number for a malformed file.
func ReadDXF(r io.Reader, name string) (*DXFDrawing, error) {
	wrap := func(err error) error { return fmt.Errorf("formats: dxf %s: %w", name, err) }
	br := bufio.NewReaderSize(r, maxDXFLine)
	head, _ := br.Peek(len(binaryDXFPrefix))
	switch {
	case bytes.HasPrefix(head, []byte(binaryDXFPrefix)):
		return nil, wrap(ErrBinaryDXF)
	case bytes.HasPrefix(head, []byte("AC10")):
		return nil, wrap(fmt.Errorf("%w: a DWG drawing (save it as DXF)", ErrNotDXF))
	}
	d := &dxfReader{sc: &dxfScanner{r: br}, dwg: &DXFDrawing{Name: name}, layers: map[string]bool{}}
	if err := d.read(); err != nil {
		return nil, wrap(err)
	}
	return d.dwg, nil
}

// dxfScanner reads the (group code, value) pairs of an ASCII DXF file.
type dxfScanner struct {
	r      *bufio.Reader
	line   int // line number of the value of the current pair
	code   int
	value  string
	peeked bool
	err    error
}

// next reads the next pair; false at the end of the file or on an error (in s.err).
func (s *dxfScanner) next() bool {
	if s.peeked {
		s.peeked = false
		return true
	}
	if s.err != nil {
		return false
	}
	codeLine, err := s.readLine()
	if err != nil {
		if err == io.EOF {
			s.err = io.EOF
		} else {
			s.err = err
		}
		return false
	}
	code, cerr := strconv.Atoi(strings.TrimSpace(codeLine))
	if cerr != nil || code < 0 || code > 1071 {
		s.err = fmt.Errorf("line %d: %q is not a DXF group code: %w", s.line, clip(codeLine), ErrNotDXF)
		return false
	}
	value, err := s.readLine()
	if err != nil {
		if err == io.EOF {
			err = fmt.Errorf("line %d: group %d has no value (truncated?): %w", s.line, code, ErrNotDXF)
		}
		s.err = err
		return false
	}
	s.code, s.value = code, strings.TrimRight(value, " ")
	return true
}

// back makes the next call to next return the current pair again.
func (s *dxfScanner) back() { s.peeked = true }

func (s *dxfScanner) readLine() (string, error) {
	b, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", fmt.Errorf("line %d: longer than %d bytes: %w", s.line+1, maxDXFLine, ErrNotDXF)
	}
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	if err != nil {
		return "", err
	}
	s.line++
	b = bytes.TrimRight(b, "\r\n")
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fmt.Errorf("line %d: binary content: %w", s.line, ErrNotDXF)
	}
	return string(b), nil
}

// float reads the current value as a finite number.
func (s *dxfScanner) float() (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s.value), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("line %d: group %d: %q is not a number", s.line, s.code, clip(s.value))
	}
	return f, nil
}

// int reads the current value as an integer; DXF writers may add spaces.
func (s *dxfScanner) int() (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s.value))
	if err != nil {
		return 0, fmt.Errorf("line %d: group %d: %q is not an integer", s.line, s.code, clip(s.value))
	}
	return n, nil
}

// text decodes the current value as text.
func (s *dxfScanner) text() string { return dxfText(s.value) }

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// dxfText decodes a DXF string: UTF-8, or Windows-1252 for drawings before
// AutoCAD 2007 written with accents, \U+XXXX escapes, and the caret
// written "^ " (the format's own escape: "^" and a letter is a control
// character, which is left as written).
func dxfText(v string) string {
	if !utf8.ValidString(v) {
		v = cp1252([]byte(v))
	}
	v = strings.ReplaceAll(v, "^ ", "^")
	if !strings.Contains(v, `\U+`) && !strings.Contains(v, `\u+`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+7 <= len(v) && (v[i+1] == 'U' || v[i+1] == 'u') && v[i+2] == '+' {
			if n, err := strconv.ParseUint(v[i+3:i+7], 16, 32); err == nil && utf8.ValidRune(rune(n)) {
				b.WriteRune(rune(n))
				i += 6
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// dxfReader reads the sections of a drawing.
type dxfReader struct {
	sc        *dxfScanner
	dwg       *DXFDrawing
	layers    map[string]bool
	arcPoints int // points interpolated in arcs so far
	// entitiesDone is set when the ENTITIES section ended with its ENDSEC.
	entitiesDone bool
}

func (d *dxfReader) read() error {
	sc := d.sc
	first := true
	for sc.next() {
		if sc.code == 999 { // comment
			continue
		}
		if sc.code != 0 {
			if first {
				return fmt.Errorf("line %d: a DXF drawing starts with a SECTION: %w", sc.line, ErrNotDXF)
			}
			return fmt.Errorf("line %d: group %d outside any section", sc.line, sc.code)
		}
		switch sc.value {
		case "EOF":
			return d.ended(first)
		case "SECTION":
		default:
			if first {
				return fmt.Errorf("line %d: a DXF drawing starts with a SECTION: %w", sc.line, ErrNotDXF)
			}
			return fmt.Errorf("line %d: %q outside any section", sc.line, clip(sc.value))
		}
		first = false
		if !sc.next() || sc.code != 2 {
			break
		}
		var err error
		switch sc.value {
		case "HEADER":
			err = d.header()
		case "TABLES":
			err = d.tables()
		case "ENTITIES":
			err = d.entities()
		default: // a section Terrimap does not use
			err = d.section("a", func(*dxfScanner) {})
		}
		if err != nil {
			return err
		}
	}
	if sc.err == io.EOF || sc.err == nil {
		return d.ended(first)
	}
	return sc.err
}

// ended checks a drawing whose end was reached: many writers leave out
// EOF, and a drawing whose ENTITIES section ended is whole enough.
func (d *dxfReader) ended(empty bool) error {
	switch {
	case empty:
		return fmt.Errorf("no DXF section: %w", ErrNotDXF)
	case !d.entitiesDone:
		return fmt.Errorf("the drawing has no ENTITIES section: %w", ErrNotDXF)
	}
	return nil
}

// addLayer records a layer name the first time it is met.
func (d *dxfReader) addLayer(name string) {
	if !d.layers[name] {
		d.layers[name] = true
		d.dwg.Layers = append(d.dwg.Layers, name)
	}
}

// section calls fn for each group of the current section, up to its ENDSEC.
func (d *dxfReader) section(name string, fn func(sc *dxfScanner)) error {
	for d.sc.next() {
		if d.sc.code == 0 && d.sc.value == "ENDSEC" {
			return nil
		}
		fn(d.sc)
	}
	return d.cutErr(name)
}

// header reads the variables of the HEADER section Terrimap uses.
func (d *dxfReader) header() error {
	variable := ""
	return d.section("the HEADER", func(sc *dxfScanner) {
		switch {
		case sc.code == 9:
			variable = sc.value
		case variable == "$ACADVER" && sc.code == 1:
			d.dwg.Version = strings.TrimSpace(sc.value)
		}
	})
}

// tables reads the layer names of the LAYER table.
func (d *dxfReader) tables() error {
	entry := ""
	return d.section("the TABLES", func(sc *dxfScanner) {
		switch {
		case sc.code == 0:
			entry = sc.value
		case sc.code == 2 && entry == "LAYER":
			d.addLayer(sc.text())
		}
	})
}

// cutErr is the error of a file that ends inside a section.
func (d *dxfReader) cutErr(section string) error {
	if d.sc.err != io.EOF {
		return d.sc.err
	}
	return fmt.Errorf("line %d: the file ends inside %s section (truncated?): %w", d.sc.line, section, ErrNotDXF)
}

// dxfPair is one group of an entity.
type dxfPair struct {
	code  int
	value string
	line  int
}

// groups reads the groups of the current entity up to the next group 0,
// which the following call to next returns again.
func (d *dxfReader) groups() ([]dxfPair, error) {
	var out []dxfPair
	for d.sc.next() {
		if d.sc.code == 0 {
			d.sc.back()
			return out, nil
		}
		out = append(out, dxfPair{d.sc.code, d.sc.value, d.sc.line})
	}
	return nil, d.cutErr("the ENTITIES")
}

// entities reads the ENTITIES section.
func (d *dxfReader) entities() error {
	sc := d.sc
	for sc.next() {
		if sc.code != 0 {
			continue // a stray group before the first entity
		}
		typ := strings.ToUpper(strings.TrimSpace(sc.value))
		if typ == "ENDSEC" {
			d.entitiesDone = true
			return nil
		}
		g, err := d.groups()
		if err != nil {
			return err
		}
		var vertices [][]dxfPair
		switch typ {
		case "ATTRIB", "SEQEND", "VERTEX":
			continue // parts of the INSERT or POLYLINE before them
		case DXFPolyline:
			if vertices, err = d.vertices(); err != nil {
				return err
			}
		}
		e, err := d.entity(typ, g, vertices)
		if err != nil {
			return err
		}
		d.addLayer(e.Layer)
		d.dwg.Entities = append(d.dwg.Entities, e)
	}
	return d.cutErr("the ENTITIES")
}

// vertices reads the VERTEX entities of a POLYLINE, and its SEQEND.
func (d *dxfReader) vertices() ([][]dxfPair, error) {
	var out [][]dxfPair
	for d.sc.next() {
		if d.sc.code != 0 {
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(d.sc.value)) {
		case "VERTEX":
			g, err := d.groups()
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		case "SEQEND":
			_, err := d.groups()
			return out, err
		default: // no SEQEND: the next entity starts
			d.sc.back()
			return out, nil
		}
	}
	return nil, d.cutErr("the ENTITIES")
}

// entityGroups are the groups an entity's geometry is built from.
type entityGroups struct {
	xyz    [3]float64 // 10, 20, 30
	end    [3]float64 // 11, 21, 31
	normal [3]float64 // 210, 220, 230
	flags  int        // 70
	elev   float64    // 38
	radius float64    // 40
	angles [2]float64 // 50, 51
	block  string     // 2
	handle string     // 5
	layer  string     // 8
	verts  []orb.Point
	bulges []float64
}

// parseGroups reads the groups of an entity or a vertex. With lw, each 10
// starts a new vertex (LWPOLYLINE).
func parseGroups(g []dxfPair, lw bool) (entityGroups, error) {
	e := entityGroups{normal: [3]float64{0, 0, 1}, layer: "0"}
	for _, p := range g {
		sc := dxfScanner{code: p.code, value: p.value, line: p.line}
		var err error
		var f float64
		switch p.code {
		case 5:
			e.handle = strings.TrimSpace(p.value)
		case 8:
			if name := sc.text(); name != "" {
				e.layer = name
			}
		case 2:
			e.block = sc.text()
		case 10, 20, 30, 11, 21, 31, 210, 220, 230, 38, 40, 42, 50, 51:
			if f, err = sc.float(); err != nil {
				return e, err
			}
		case 70:
			if e.flags, err = sc.int(); err != nil {
				return e, err
			}
		}
		switch p.code {
		case 10:
			if lw {
				e.verts = append(e.verts, orb.Point{f, 0})
				e.bulges = append(e.bulges, 0)
			}
			e.xyz[0] = f
		case 20:
			if lw && len(e.verts) > 0 {
				e.verts[len(e.verts)-1][1] = f
			}
			e.xyz[1] = f
		case 30:
			e.xyz[2] = f
		case 11, 21, 31:
			e.end[(p.code-11)/10] = f
		case 210, 220, 230:
			e.normal[(p.code-210)/10] = f
		case 38:
			e.elev = f
		case 40:
			e.radius = f
		case 42:
			if lw && len(e.bulges) > 0 {
				e.bulges[len(e.bulges)-1] = f
			} else if !lw {
				e.bulges = []float64{f}
			}
		case 50, 51:
			e.angles[p.code-50] = f
		}
	}
	return e, nil
}

// entity builds an entity from its groups (and a POLYLINE's vertices).
func (d *dxfReader) entity(typ string, g []dxfPair, vertices [][]dxfPair) (DXFEntity, error) {
	lw := typ == DXFLWPolyline
	e, err := parseGroups(g, lw)
	if err != nil {
		return DXFEntity{}, err
	}
	out := DXFEntity{Type: typ, Handle: e.handle, Layer: e.layer}
	toWorld := ocsToWorld(e.normal)
	switch typ {
	case DXFLine:
		out.Geometry = orb.LineString{{e.xyz[0], e.xyz[1]}, {e.end[0], e.end[1]}}
	case DXFPoint:
		out.Geometry = orb.Point{e.xyz[0], e.xyz[1]}
	case DXFInsert:
		out.Geometry, out.Block = toWorld(e.xyz[0], e.xyz[1], e.xyz[2]), e.block
	case DXFArc:
		out.Geometry = d.arc(e, toWorld)
	case DXFLWPolyline:
		out.Closed = e.flags&1 != 0
		out.Geometry = d.polyline(e.verts, e.bulges, out.Closed, e.elev, toWorld)
	case DXFPolyline:
		if e.flags&(16|64) != 0 { // polygon and polyface meshes
			return out, nil
		}
		out.Closed = e.flags&1 != 0
		var pts []orb.Point
		var bulges []float64
		for _, vg := range vertices {
			v, err := parseGroups(vg, false)
			if err != nil {
				return DXFEntity{}, err
			}
			if v.flags&16 != 0 { // spline frame control point
				continue
			}
			pts = append(pts, orb.Point{v.xyz[0], v.xyz[1]})
			b := 0.0
			if len(v.bulges) > 0 {
				b = v.bulges[0]
			}
			bulges = append(bulges, b)
		}
		if e.flags&8 != 0 { // 3D polyline: world coordinates, no bulges
			out.Geometry = d.polyline(pts, nil, out.Closed, 0, nil)
		} else {
			out.Geometry = d.polyline(pts, bulges, out.Closed, e.xyz[2], toWorld)
		}
	}
	if !usable(out.Geometry) {
		out.Geometry = nil
	}
	return out, nil
}

// usable reports whether g has points, all of them finite.
func usable(g orb.Geometry) bool {
	var pts []orb.Point
	switch x := g.(type) {
	case orb.Point:
		pts = []orb.Point{x}
	case orb.LineString:
		pts = x
	}
	for _, p := range pts {
		if math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
			return false
		}
	}
	return len(pts) > 0
}

// polyline builds the outline of a polyline from its vertices in object
// coordinates (toWorld nil: already in world coordinates), with the arcs
// its bulges describe.
func (d *dxfReader) polyline(pts []orb.Point, bulges []float64, closed bool, elev float64, toWorld func(x, y, z float64) orb.Point) orb.LineString {
	if len(pts) == 0 {
		return nil
	}
	n := len(pts)
	if !closed {
		n--
	}
	out := make(orb.LineString, 0, len(pts)+1)
	out = append(out, pts[0])
	for i := 0; i < n; i++ {
		next := pts[(i+1)%len(pts)]
		if i < len(bulges) && bulges[i] != 0 {
			out = d.bulgeArc(out, pts[i], next, bulges[i])
		}
		out = append(out, next)
	}
	if toWorld != nil {
		for i, p := range out {
			out[i] = toWorld(p[0], p[1], elev)
		}
	}
	return out
}

// arcSegments is how many chords draw an arc of the given radius and
// sweep (radians) within arcTolerance, within the drawing's budget.
func (d *dxfReader) arcSegments(radius, sweep float64) int {
	n := 1
	if radius > arcTolerance {
		step := 2 * math.Acos(1-arcTolerance/radius)
		n = int(math.Ceil(math.Abs(sweep) / step))
	}
	n = max(1, min(n, maxArcSegments))
	if d.arcPoints+n-1 > maxArcPoints {
		d.dwg.ChordedArcs++
		return 1
	}
	d.arcPoints += n - 1
	return n
}

// bulgeArc appends to out the points inside the arc from p to q whose
// bulge (tangent of a quarter of its angle, positive counter-clockwise)
// is b; q itself is not appended.
func (d *dxfReader) bulgeArc(out orb.LineString, p, q orb.Point, b float64) orb.LineString {
	dx, dy := q[0]-p[0], q[1]-p[1]
	if dx == 0 && dy == 0 {
		return out
	}
	k := (1 - b*b) / (4 * b) // centre = middle + k·(left normal of p→q)
	c := orb.Point{(p[0]+q[0])/2 - k*dy, (p[1]+q[1])/2 + k*dx}
	sweep := 4 * math.Atan(b)
	r := math.Hypot(p[0]-c[0], p[1]-c[1])
	if math.IsNaN(r) || math.IsInf(r, 0) || math.IsInf(k, 0) {
		return out
	}
	start := math.Atan2(p[1]-c[1], p[0]-c[0])
	n := d.arcSegments(r, sweep)
	for i := 1; i < n; i++ {
		a := start + sweep*float64(i)/float64(n)
		out = append(out, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	return out
}

// arc draws an ARC entity (counter-clockwise from its start to its end angle).
func (d *dxfReader) arc(e entityGroups, toWorld func(x, y, z float64) orb.Point) orb.Geometry {
	r := math.Abs(e.radius)
	if r == 0 {
		return nil
	}
	start := e.angles[0] * math.Pi / 180
	sweep := math.Mod(e.angles[1]-e.angles[0], 360)
	if sweep <= 0 {
		sweep += 360
	}
	sweep *= math.Pi / 180
	n := d.arcSegments(r, sweep)
	out := make(orb.LineString, 0, n+1)
	for i := 0; i <= n; i++ {
		a := start + sweep*float64(i)/float64(n)
		out = append(out, toWorld(e.xyz[0]+r*math.Cos(a), e.xyz[1]+r*math.Sin(a), e.xyz[2]))
	}
	return out
}

// ocsToWorld returns the function that turns object coordinates of an
// entity with the given extrusion direction into world coordinates, by
// DXF's arbitrary axis algorithm.
func ocsToWorld(n [3]float64) func(x, y, z float64) orb.Point {
	l := math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2])
	if l == 0 || math.IsInf(l, 0) || (n[0] == 0 && n[1] == 0 && n[2] > 0) {
		return func(x, y, _ float64) orb.Point { return orb.Point{x, y} }
	}
	n = [3]float64{n[0] / l, n[1] / l, n[2] / l}
	var ax [3]float64
	if math.Abs(n[0]) < 1.0/64 && math.Abs(n[1]) < 1.0/64 {
		ax = [3]float64{n[2], 0, -n[0]} // world Y × N
	} else {
		ax = [3]float64{-n[1], n[0], 0} // world Z × N
	}
	la := math.Sqrt(ax[0]*ax[0] + ax[1]*ax[1] + ax[2]*ax[2])
	ax = [3]float64{ax[0] / la, ax[1] / la, ax[2] / la}
	ay := [3]float64{n[1]*ax[2] - n[2]*ax[1], n[2]*ax[0] - n[0]*ax[2], n[0]*ax[1] - n[1]*ax[0]} // N × Ax
	return func(x, y, z float64) orb.Point {
		return orb.Point{x*ax[0] + y*ay[0] + z*n[0], x*ax[1] + y*ay[1] + z*n[1]}
	}
}
