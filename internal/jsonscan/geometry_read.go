package jsonscan

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// MaxGeometryDepth bounds the nesting of GeometryCollections, read or written.
const MaxGeometryDepth = 16

// The causes of the geometries ReadGeometry refuses; every refusal is a
// *GeometryError wrapping one of them.
var (
	// ErrNotGeometry: not an object, no "type", or a type that is no geometry.
	ErrNotGeometry = errors.New("not a GeoJSON geometry")
	// ErrNoCoordinates: no "coordinates" (no "geometries" for a collection).
	ErrNoCoordinates = errors.New("geometry without coordinates")
	// ErrBadPosition: a position holding null, something else than numbers,
	// a number beyond float64, or fewer than two numbers.
	ErrBadPosition = errors.New("bad position")
	// ErrTooDeep: collections nested deeper than MaxGeometryDepth.
	ErrTooDeep = fmt.Errorf("geometry collections nested deeper than %d", MaxGeometryDepth)
)

// GeometryError is a geometry ReadGeometry refuses: Error says what and
// where, in English, for logs and API answers; Err is one of the causes
// above, for callers that word it themselves.
type GeometryError struct {
	Msg string
	Err error
}

func (e *GeometryError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *GeometryError) Unwrap() error { return e.Err }

func geomErr(cause error, format string, args ...any) *GeometryError {
	return &GeometryError{Msg: fmt.Sprintf(format, args...), Err: cause}
}

// GeometryOptions are the few choices readers of geometries differ on.
type GeometryOptions struct {
	// EmptyPointIsNil reads a Point with empty coordinates ([]) as no
	// geometry (dropped from a collection), as GDAL writes an empty point;
	// else it is a position too short.
	EmptyPointIsNil bool
}

// ReadGeometry reads the GeoJSON geometry object at the scanner's
// position into an orb geometry; JSON null is no geometry (nil). It checks
// the structure only: that a line has two points or a ring is closed is a
// layer's business. Positions need two numbers; a third (altitude) and
// more are dropped. Members are matched as encoding/json matches a struct's
// fields (ignoring case; the last of duplicates wins), and "type" may come
// after "coordinates".
//
// It consumes the whole value, also when it refuses it. A syntax error met
// on the way is returned as the scanner's *SyntaxError; a refused geometry
// as a *GeometryError.
func ReadGeometry(s *Scanner, opts GeometryOptions) (orb.Geometry, error) {
	if s.Peek() == 'n' {
		s.Literal("null")
		return nil, syntaxOr(s, nil)
	}
	r := geometryReader{s: s, opts: opts}
	g, err := r.geometry(0)
	return g, syntaxOr(s, err)
}

// syntaxOr returns the scanner's syntax error if there is one, else err.
func syntaxOr(s *Scanner, err error) error {
	if s.err != nil {
		return s.err
	}
	return err
}

type geometryReader struct {
	s    *Scanner
	opts GeometryOptions
}

// geometry members that matter.
const (
	memberOther = iota
	memberType
	memberCoordinates
	memberGeometries
)

// geometryMember tells which member a key names: exactly, else ignoring case.
func geometryMember(key []byte) int {
	switch string(key) {
	case "type":
		return memberType
	case "coordinates":
		return memberCoordinates
	case "geometries":
		return memberGeometries
	}
	switch {
	case bytes.EqualFold(key, []byte("type")):
		return memberType
	case bytes.EqualFold(key, []byte("coordinates")):
		return memberCoordinates
	case bytes.EqualFold(key, []byte("geometries")):
		return memberGeometries
	}
	return memberOther
}

// TypeMember is the "type" member of a GeoJSON object, the last one read.
type TypeMember struct {
	Name string
	Set  bool  // false while absent or null
	Err  error // a "type" that is not a string; it sticks, as with encoding/json
}

// Read reads the value of a "type" member.
func (t *TypeMember) Read(s *Scanner) {
	switch c := s.Peek(); c {
	case '"':
		text, ok := s.Text()
		if ok {
			t.Name, t.Set = typeName(text), true
		}
	case 'n':
		s.Skip()
		t.Name, t.Set = "", false
	default:
		s.Skip()
		if t.Err == nil {
			t.Err = geomErr(ErrNotGeometry, "member %q cannot be %s", "type", ValueTypeName(c))
		}
	}
}

// typeName returns the GeoJSON types as constants, other names as copies.
func typeName(b []byte) string {
	for _, n := range geoJSONTypes {
		if string(b) == n {
			return n
		}
	}
	return string(b)
}

var geoJSONTypes = [...]string{"Feature", "Point", "FeatureCollection", "LineString", "Polygon",
	"MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"}

// ValueTypeName names the kind of JSON value starting with c as
// encoding/json's type errors do.
func ValueTypeName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// Kind names the kind of JSON value starting with c, for messages.
func Kind(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	}
	if c < utf8.RuneSelf && c >= 0x20 {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// NotObject consumes a value that should have been an object and says so.
func NotObject(s *Scanner) string {
	c := s.Peek()
	s.Skip()
	return "a JSON object is expected, found " + Kind(c)
}

// geometry reads a geometry object. Coordinates are read as they come
// when the type came before them, else checked and read again at the end
// of the object.
func (r *geometryReader) geometry(depth int) (orb.Geometry, error) {
	s := r.s
	if depth > MaxGeometryDepth {
		s.Skip()
		return nil, &GeometryError{Msg: ErrTooDeep.Error(), Err: ErrTooDeep}
	}
	if s.Peek() != '{' {
		return nil, geomErr(ErrNotGeometry, "%s", NotObject(s))
	}
	outer := s.Depth() // the members' values lie at depth outer+1
	var (
		typ        TypeMember
		coords     = -1 // where the last "coordinates" value is; -1 when absent
		geometries = -1 // where the last "geometries" value is
		readAs     string
		g          orb.Geometry // the last coordinates, when read as type readAs
		err        error
	)
	for more := s.FirstMember(); more; more = s.NextMember() {
		switch geometryMember(s.Key()) {
		case memberType:
			typ.Read(s)
		case memberCoordinates:
			coords, readAs = s.Pos(), ""
			if s.Peek() != 'n' && typ.Set && coordinateLevels(typ.Name) > 0 {
				readAs = typ.Name
				g, err = r.coordinates(typ.Name)
				continue
			}
			s.Skip()
		case memberGeometries:
			geometries = s.Pos()
			s.Skip()
		default:
			s.Skip()
		}
	}
	switch {
	case s.err != nil:
		return nil, s.err
	case typ.Err != nil:
		return nil, typ.Err
	case !typ.Set:
		return nil, geomErr(ErrNotGeometry, `no "type" member`)
	}
	end := s.Pos()
	defer func() { s.Seek(end, outer) }()
	if typ.Name == "GeometryCollection" {
		if geometries < 0 {
			return nil, geomErr(ErrNoCoordinates, `GeometryCollection needs a "geometries" array`)
		}
		s.Seek(geometries, outer+1)
		return r.collection(depth)
	}
	if coordinateLevels(typ.Name) == 0 {
		return nil, geomErr(ErrNotGeometry, "unknown geometry type %q", typ.Name)
	}
	if coords < 0 || s.data[coords] == 'n' {
		return nil, geomErr(ErrNoCoordinates, `%s has no "coordinates"`, typ.Name)
	}
	if readAs != typ.Name {
		s.Seek(coords, outer+1)
		g, err = r.coordinates(typ.Name)
	}
	return g, err
}

// collection reads the "geometries" of a GeometryCollection.
func (r *geometryReader) collection(depth int) (orb.Geometry, error) {
	s := r.s
	switch s.Peek() {
	case '[':
	case 'n':
		s.Skip()
		return orb.Collection{}, nil
	default:
		s.Skip()
		return nil, geomErr(ErrNoCoordinates, `GeometryCollection needs a "geometries" array`)
	}
	c := orb.Collection{}
	var err error
	i := 0
	for more := s.FirstElement(); more; more = s.NextElement() {
		if err != nil {
			s.Skip()
			continue
		}
		g, gerr := r.geometry(depth + 1)
		var ge *GeometryError
		switch {
		case errors.Is(gerr, ErrTooDeep):
			err = gerr // one message, not one per level
		case errors.As(gerr, &ge):
			err = &GeometryError{Msg: fmt.Sprintf("geometries[%d]: %s", i, ge.Msg), Err: ge.Err}
		case gerr != nil:
			err = gerr
		case g != nil:
			c = append(c, g)
		}
		i++
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// coordinateLevels is how deep positions lie in the coordinates of a
// geometry type: 1 for a Point, 0 for a type without coordinates.
func coordinateLevels(typ string) int {
	switch typ {
	case "Point":
		return 1
	case "MultiPoint", "LineString":
		return 2
	case "MultiLineString", "Polygon":
		return 3
	case "MultiPolygon":
		return 4
	}
	return 0
}

// coordProblems collects what is wrong with coordinates while they are
// read to the end, so that the error reported is the one encoding/json
// decoding into float64 slices gives: any null first, then the first value
// of the wrong kind, then the first position that is too short.
type coordProblems struct {
	null  bool
	found string    // the first value of the wrong kind, as encoding/json names it
	short []float64 // the first position with fewer than 2 numbers
}

// wrongValue consumes a value that is not what the coordinates need there.
func (p *coordProblems) wrongValue(s *Scanner) {
	switch c := s.Peek(); {
	case c == 'n':
		p.null = true
	case p.found == "":
		p.found = ValueTypeName(c)
	}
	s.Skip()
}

// coordinates reads the coordinates of a geometry of type typ.
func (r *geometryReader) coordinates(typ string) (orb.Geometry, error) {
	s := r.s
	start := s.Pos()
	var (
		p coordProblems
		g orb.Geometry
	)
	switch typ {
	case "Point":
		switch pt, n := r.position(&p); {
		case n == 0 && r.opts.EmptyPointIsNil: // [] is an empty point
			p.short = nil
		case n >= 2:
			g = pt
		}
	case "MultiPoint":
		g = orb.MultiPoint(r.positions(&p))
	case "LineString":
		g = orb.LineString(r.positions(&p))
	case "MultiLineString":
		g = orb.MultiLineString(readLines[orb.LineString](r, &p))
	case "Polygon":
		g = orb.Polygon(readLines[orb.Ring](r, &p))
	case "MultiPolygon":
		g = r.multiPolygon(&p)
	}
	switch {
	case s.err != nil:
		return nil, s.err
	case p.null || p.found != "" || p.short != nil:
		// Decoding into float64 slices, null would silently read as 0:
		// the text of the coordinates is searched for it first.
		if p.null || bytes.Contains(s.data[start:s.pos], []byte("null")) {
			return nil, geomErr(ErrBadPosition, "%s coordinates: a position cannot hold null", typ)
		}
		if p.found != "" {
			return nil, geomErr(ErrBadPosition, "%s coordinates: positions must be arrays of numbers, found %s", typ, p.found)
		}
		return nil, geomErr(ErrBadPosition, "%s coordinates: a position needs at least 2 numbers, found %v", typ, p.short)
	}
	return g, nil
}

// position reads a position, an array of numbers of which the first two are
// kept, and returns it with its count of numbers; the count is -1 when the
// value is not an array.
func (r *geometryReader) position(p *coordProblems) (orb.Point, int) {
	s := r.s
	var pt orb.Point
	if s.Peek() != '[' {
		p.wrongValue(s)
		return pt, -1
	}
	n := 0
	for more := s.FirstElement(); more; more = s.NextElement() {
		if c := s.Peek(); c != '-' && !(c >= '0' && c <= '9') {
			p.wrongValue(s)
			n++
			continue
		}
		lit := s.Number()
		if s.err != nil {
			break
		}
		f, err := ParseFloat(lit)
		if err != nil && p.found == "" { // out of range
			p.found = "number " + string(lit)
		}
		if n < 2 {
			pt[n] = f
		}
		n++
	}
	if n < 2 && p.short == nil {
		p.short = append([]float64{}, pt[:n]...)
	}
	return pt, n
}

// positions reads an array of positions.
func (r *geometryReader) positions(p *coordProblems) []orb.Point {
	s := r.s
	pts := []orb.Point{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return pts
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		pt, _ := r.position(p)
		pts = append(pts, pt)
	}
	return pts
}

// readLines reads an array of arrays of positions: the lines of a
// MultiLineString or the rings of a Polygon.
func readLines[L ~[]orb.Point](r *geometryReader, p *coordProblems) []L {
	s := r.s
	lines := []L{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return lines
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		lines = append(lines, r.positions(p))
	}
	return lines
}

func (r *geometryReader) multiPolygon(p *coordProblems) orb.MultiPolygon {
	s := r.s
	mp := orb.MultiPolygon{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return mp
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		mp = append(mp, readLines[orb.Ring](r, p))
	}
	return mp
}
