package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ReadGeoJSON reads a GeoJSON document: a FeatureCollection (possibly
// empty), a bare Feature or a bare geometry (one feature without
// properties). name is the file name the dataset is named after (see
// LayerName); when empty, the collection's "name" member is used.
//
// Null geometries are kept as nil. Each property becomes a field, in order
// of first appearance, typed from all its values: integers and reals mixed
// give real; ISO dates (2024-05-31) give date and ISO date-times give
// datetime only when every non-null value is one; a mix with strings or
// booleans gives text; nested objects and arrays are kept as JSON text.
// Keys differing only by case ("Nom", "nom") give distinct fields, the later
// one suffixed ("nom_2"). A string or number "id" is kept as the feature's ID. The coordinates are
// taken as EPSG:4326 unless an old-style "crs" member names another system
// (Dataset.SRS is then its EPSG code, even one srs cannot transform, or 0
// when unreadable). Z values are dropped.
//
// The document is read with internal/jsonscan's scanner, straight into the
// Dataset: in one pass when the members' "type" comes first, as writers
// put it. Members may come in any order; unknown ones are skipped; as with
// encoding/json, member names match whatever their case and the last of
// duplicate members (or property keys) wins.
func ReadGeoJSON(r io.Reader, name string) (*Dataset, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("formats: geojson: %w", err)
	}
	ds, err := decodeGeoJSON(data)
	if err != nil {
		return nil, fmt.Errorf("formats: geojson: %w", err)
	}
	if name == "" {
		name = ds.Name
	}
	ds.Name = LayerName(name)
	return ds, nil
}

// readAll reads r to its end like io.ReadAll, but into a buffer sized up
// front when r tells how much it holds (a file, a bytes.Reader): growing
// the buffer step by step costs a tenth of the reading time of a large file.
func readAll(r io.Reader) ([]byte, error) {
	size := int64(-1)
	switch x := r.(type) {
	case interface{ Len() int }:
		size = int64(x.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := x.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if size < 0 || size > 1<<34 || int64(int(size)) != size {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, int(size)+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// geoJSONDecoder reads a GeoJSON document with a Scanner.
//
// Its methods read the value at the scanner's position and always consume
// all of it, also when they return an error: that error is about GeoJSON,
// and a syntax error found on the way, in s.Err(), takes precedence over it.
type geoJSONDecoder struct {
	s *jsonscan.Scanner
	b datasetBuilder
}

func decodeGeoJSON(data []byte) (*Dataset, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d := &geoJSONDecoder{s: jsonscan.New(data), b: datasetBuilder{data: data}}
	s := d.s
	s.SkipSpace()
	if s.Pos() == len(data) {
		return nil, errors.New("empty document")
	}
	if c := data[s.Pos()]; c != '{' {
		return nil, fmt.Errorf("a JSON object is expected, found %s", jsonKind(c))
	}
	top := s.Pos()

	// First pass over the top-level object. The features of a collection
	// are read as they come when the type is already known; in any other
	// case the member is only checked, and read again once the type is.
	var (
		typ      geoJSONType
		name     string
		crs      []byte
		features = -1 // position of the last "features" member
		streamed bool // whether the features were read at that position
		featErr  error
	)
	for more := s.FirstMember(); more; more = s.NextMember() {
		switch memberOf(s.Key()) {
		case memberType:
			typ.read(s)
		case memberName:
			name = ""
			if s.Peek() == '"' {
				if text, ok := s.Text(); ok {
					name = string(text)
				}
				continue
			}
			s.Skip()
		case memberCRS:
			start := s.Pos()
			s.Skip()
			crs = data[start:s.Pos()]
		case memberFeatures:
			features, streamed = s.Pos(), typ.set && typ.name == "FeatureCollection"
			if !streamed {
				s.Skip()
				continue
			}
			d.b.reset()
			featErr = d.features()
		default:
			s.Skip()
		}
	}
	s.End()
	if s.Err() != nil {
		return nil, syntaxErrorAt(data, s.Err())
	}
	if typ.err != nil {
		return nil, typ.err
	}
	if !typ.set {
		return nil, errors.New(`the document has no "type" member: not GeoJSON`)
	}
	ds := &Dataset{SRS: srs.WGS84}
	if len(crs) > 0 && string(crs) != "null" {
		ds.SRS = crsCode(crs)
	}
	switch typ.name {
	case "FeatureCollection":
		ds.Name = name
		if features < 0 {
			return nil, errors.New(`FeatureCollection has no "features" member`)
		}
		if !streamed {
			d.b.reset()
			s.Seek(features, 1)
			featErr = d.features()
		}
		if featErr != nil {
			return nil, featErr
		}
	case "Feature":
		d.b.reset()
		s.Seek(top, 0)
		if err := d.feature(); err != nil {
			return nil, err
		}
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		d.b.reset()
		s.Seek(top, 0)
		g, err := d.geometry(0)
		if err != nil {
			return nil, err
		}
		d.b.add(Feature{Geometry: g})
	default:
		return nil, fmt.Errorf("type %q is not a GeoJSON type (FeatureCollection, Feature or a geometry)", typ.name)
	}
	ds.Fields, ds.Features = d.b.finish()
	return ds, nil
}

// syntaxErrorAt adds the line and column to a syntax error.
func syntaxErrorAt(data []byte, err *jsonscan.SyntaxError) error {
	if err.Offset <= 0 || err.Offset > int64(len(data)) {
		return err
	}
	before := data[:err.Offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(err.Offset) - bytes.LastIndexByte(before, '\n') - 1
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// geoJSONMember names the members of GeoJSON objects that matter here.
type geoJSONMember uint8

const (
	memberOther geoJSONMember = iota
	memberType
	memberName
	memberCRS
	memberFeatures
	memberID
	memberGeometry
	memberProperties
	memberCoordinates
	memberGeometries
)

// memberNames are the member names, indexed by geoJSONMember.
var memberNames = [...]string{"", "type", "name", "crs", "features", "id", "geometry", "properties", "coordinates", "geometries"}

// memberOf tells which member a key names. Names match as they did when
// the reader decoded objects into a struct with encoding/json: ignoring
// case, with Unicode folding ("TYPE" and "Type" are "type").
func memberOf(key []byte) geoJSONMember {
	switch string(key) {
	case "type":
		return memberType
	case "coordinates":
		return memberCoordinates
	case "geometry":
		return memberGeometry
	case "properties":
		return memberProperties
	case "features":
		return memberFeatures
	case "id":
		return memberID
	case "name":
		return memberName
	case "crs":
		return memberCRS
	case "geometries":
		return memberGeometries
	}
	for m := memberType; int(m) < len(memberNames); m++ {
		if bytes.EqualFold(key, []byte(memberNames[m])) {
			return m
		}
	}
	return memberOther
}

// geoJSONType is the "type" member of an object, the last one read.
type geoJSONType struct {
	name string
	set  bool  // false while absent or null
	err  error // a "type" that is not a string; it sticks, as with encoding/json
}

// read reads the value of a "type" member.
func (t *geoJSONType) read(s *jsonscan.Scanner) {
	switch c := s.Peek(); c {
	case '"':
		text, ok := s.Text()
		if ok {
			t.name, t.set = typeName(text), true
		}
	case 'n':
		s.Skip()
		t.name, t.set = "", false
	default:
		s.Skip()
		if t.err == nil {
			t.err = fmt.Errorf("member %q cannot be %s", "type", valueTypeName(c))
		}
	}
}

// typeName returns the GeoJSON types as constants, other names as copies.
func typeName(b []byte) string {
	switch string(b) {
	case "Feature":
		return "Feature"
	case "Point":
		return "Point"
	case "FeatureCollection":
		return "FeatureCollection"
	case "LineString":
		return "LineString"
	case "Polygon":
		return "Polygon"
	case "MultiPoint":
		return "MultiPoint"
	case "MultiLineString":
		return "MultiLineString"
	case "MultiPolygon":
		return "MultiPolygon"
	case "GeometryCollection":
		return "GeometryCollection"
	}
	return string(b)
}

// valueTypeName names the kind of JSON value starting with c as
// encoding/json's type errors do.
func valueTypeName(c byte) string {
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

// jsonKind names the kind of JSON value starting with c, for messages.
func jsonKind(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}

// notObject consumes a value that should have been an object.
func notObject(s *jsonscan.Scanner) error {
	c := s.Peek()
	s.Skip()
	return fmt.Errorf("a JSON object is expected, found %s", jsonKind(c))
}

// crsCode reads the old (2008) GeoJSON "crs" member: named
// ({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}) or
// EPSG ({"type":"EPSG","properties":{"code":2154}}). It returns 0 when the
// system cannot be read. Met once per document at most, it is left to
// encoding/json.
func crsCode(raw []byte) int {
	var crs struct {
		Properties struct {
			Name string          `json:"name"`
			Code json.RawMessage `json:"code"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &crs) != nil {
		return 0
	}
	s := crs.Properties.Name
	if s == "" {
		s = strings.Trim(string(crs.Properties.Code), `" `)
	}
	code, _ := srs.Parse(s) // an unsupported code is still the right code
	return code
}

// features reads the "features" member of a collection: an array of
// features, or null for none.
func (d *geoJSONDecoder) features() error {
	s := d.s
	switch c := s.Peek(); c {
	case '[':
	case 'n':
		s.Skip()
		return nil
	default:
		s.Skip()
		return fmt.Errorf(`"features" must be an array: %w`,
			&json.UnmarshalTypeError{Value: valueTypeName(c), Type: reflect.TypeFor[[]json.RawMessage]()})
	}
	var err error
	i := 0
	for more := s.FirstElement(); more; more = s.NextElement() {
		if err != nil {
			s.Skip()
			continue
		}
		if ferr := d.feature(); ferr != nil {
			err = fmt.Errorf("feature %d: %w", i, ferr)
		}
		i++
	}
	return err
}

// feature reads a Feature object and adds it to the builder.
func (d *geoJSONDecoder) feature() error {
	s, b := d.s, &d.b
	if s.Peek() != '{' {
		return notObject(s)
	}
	var (
		typ      geoJSONType
		id       string
		idErr    error
		geom     orb.Geometry
		geomErr  error
		props    map[string]any
		propsErr error
		mark     = b.mark()
	)
	for more := s.FirstMember(); more; more = s.NextMember() {
		switch memberOf(s.Key()) {
		case memberType:
			typ.read(s)
		case memberID:
			id, idErr = d.featureID()
		case memberGeometry:
			if s.Peek() == 'n' {
				s.Skip()
				geom, geomErr = nil, nil
				continue
			}
			geom, geomErr = d.geometry(0)
		case memberProperties:
			b.rollback(mark) // the last "properties" wins
			props, propsErr = d.properties()
		default:
			s.Skip()
		}
	}
	var err error
	switch {
	case s.Err() != nil:
		return nil
	case typ.err != nil:
		err = typ.err
	case typ.set && typ.name != "Feature":
		err = fmt.Errorf("type is %q, want \"Feature\"", typ.name)
	case idErr != nil:
		err = idErr
	case geomErr != nil:
		err = fmt.Errorf("geometry: %w", geomErr)
	case propsErr != nil:
		err = fmt.Errorf("properties: %w", propsErr)
	}
	if err != nil {
		b.rollback(mark)
		return err
	}
	b.add(Feature{ID: id, Geometry: geom, Properties: props})
	return nil
}

// featureID reads an "id" member: a string, a number (kept as written) or null.
func (d *geoJSONDecoder) featureID() (string, error) {
	s := d.s
	start := s.Pos()
	switch c := s.Peek(); {
	case c == '"':
		text, _ := s.Text()
		return string(text), nil
	case c == 'n':
		s.Skip()
		return "", nil
	case c == '-' || (c >= '0' && c <= '9'):
		return string(s.Number()), nil
	}
	s.Skip()
	return "", fmt.Errorf("id must be a string or a number, not %s", s.Data()[start:s.Pos()])
}

// properties reads a "properties" member, an object or null for none,
// registering its fields with the builder.
func (d *geoJSONDecoder) properties() (map[string]any, error) {
	s, b := d.s, &d.b
	switch c := s.Peek(); c {
	case '{':
	case 'n':
		s.Skip()
		return nil, nil
	default:
		start := s.Pos()
		var token []byte
		switch c {
		case '[':
			token = s.Data()[start : start+1]
			s.Skip()
		case '"':
			token, _ = s.Text()
		default:
			s.Skip()
			token = s.Data()[start:s.Pos()]
		}
		return nil, fmt.Errorf("must be an object, not %s", token)
	}
	props := make(map[string]any, len(b.last))
	for more := s.FirstMember(); more; more = s.NextMember() {
		field := b.fieldOf(s.Key()) // before the value, which may hold other keys
		if s.Peek() == '"' {
			if text, ok := s.Text(); ok {
				b.setString(props, field, text)
			}
			continue
		}
		b.set(props, field, s.Value())
	}
	if len(props) < len(b.pending) {
		b.dropOverwritten()
	}
	return props, nil
}

// maxGeometryDepth bounds the nesting of GeometryCollections.
const maxGeometryDepth = 32

// geometry reads a GeoJSON geometry object into an orb geometry. An empty
// Point gives nil.
//
// Coordinates are read as they come when the type came before them, else
// checked and read again at the end of the object.
func (d *geoJSONDecoder) geometry(depth int) (orb.Geometry, error) {
	s := d.s
	if depth > maxGeometryDepth {
		s.Skip()
		return nil, errors.New("GeometryCollection nested too deeply")
	}
	if s.Peek() != '{' {
		return nil, notObject(s)
	}
	outer := s.Depth() // the members' values lie at depth outer+1
	var (
		typ        geoJSONType
		coords     = -1 // where the last "coordinates" value is; -1 when absent
		geometries = -1 // where the last "geometries" value is
		readAs     string
		g          orb.Geometry // the last coordinates, when read as type readAs
		err        error
	)
	for more := s.FirstMember(); more; more = s.NextMember() {
		switch memberOf(s.Key()) {
		case memberType:
			typ.read(s)
		case memberCoordinates:
			coords, readAs = s.Pos(), ""
			if s.Peek() != 'n' && typ.set && coordinateLevels(typ.name) > 0 {
				readAs = typ.name
				g, err = d.coordinates(typ.name)
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
	case s.Err() != nil:
		return nil, nil
	case typ.err != nil:
		return nil, typ.err
	case !typ.set:
		return nil, errors.New(`no "type" member`)
	}
	end := s.Pos()
	defer func() { s.Seek(end, outer) }()
	if typ.name == "GeometryCollection" {
		if geometries < 0 {
			return nil, errors.New(`GeometryCollection needs a "geometries" array`)
		}
		s.Seek(geometries, outer+1)
		return d.collection(depth)
	}
	if coordinateLevels(typ.name) == 0 {
		return nil, fmt.Errorf("unknown geometry type %q", typ.name)
	}
	if coords < 0 || s.Data()[coords] == 'n' {
		return nil, fmt.Errorf(`%s has no "coordinates"`, typ.name)
	}
	if readAs != typ.name {
		s.Seek(coords, outer+1)
		g, err = d.coordinates(typ.name)
	}
	return g, err
}

// collection reads the "geometries" of a GeometryCollection.
func (d *geoJSONDecoder) collection(depth int) (orb.Geometry, error) {
	s := d.s
	switch s.Peek() {
	case '[':
	case 'n':
		s.Skip()
		return orb.Collection{}, nil
	default:
		s.Skip()
		return nil, errors.New(`GeometryCollection needs a "geometries" array`)
	}
	c := orb.Collection{}
	var err error
	i := 0
	for more := s.FirstElement(); more; more = s.NextElement() {
		if err != nil {
			s.Skip()
			continue
		}
		g, gerr := d.geometry(depth + 1)
		switch {
		case gerr != nil:
			err = fmt.Errorf("geometries[%d]: %w", i, gerr)
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
// decoding into float64 slices gave: any null first, then the first value
// of the wrong kind, then the first position that is too short.
type coordProblems struct {
	null  bool
	found string    // the first value of the wrong kind, as encoding/json names it
	short []float64 // the first position with fewer than 2 numbers
}

// wrongValue consumes a value that is not what the coordinates need there.
func (p *coordProblems) wrongValue(s *jsonscan.Scanner) {
	switch c := s.Peek(); {
	case c == 'n':
		p.null = true
	case p.found == "":
		p.found = valueTypeName(c)
	}
	s.Skip()
}

// coordinates reads the coordinates of a geometry of type typ.
func (d *geoJSONDecoder) coordinates(typ string) (orb.Geometry, error) {
	s := d.s
	start := s.Pos()
	var (
		p coordProblems
		g orb.Geometry
	)
	switch typ {
	case "Point":
		switch pt, n := d.position(&p); n {
		case 0: // [] is an empty point
			p.short = nil
		case -1:
		default:
			g = pt
		}
	case "MultiPoint":
		g = orb.MultiPoint(d.positions(&p))
	case "LineString":
		g = orb.LineString(d.positions(&p))
	case "MultiLineString":
		g = orb.MultiLineString(readLines[orb.LineString](d, &p))
	case "Polygon":
		g = orb.Polygon(readLines[orb.Ring](d, &p))
	case "MultiPolygon":
		g = d.multiPolygon(&p)
	}
	switch {
	case s.Err() != nil:
		return nil, nil
	case p.null || p.found != "" || p.short != nil:
		// The GeoJSON reader once searched the coordinates' text for
		// null: so does this one, for the same message.
		if p.null || bytes.Contains(s.Data()[start:s.Pos()], []byte("null")) {
			return nil, fmt.Errorf("%s coordinates: a position cannot hold null", typ)
		}
		if p.found != "" {
			return nil, fmt.Errorf("%s coordinates: positions must be arrays of numbers, found %s", typ, p.found)
		}
		return nil, fmt.Errorf("%s coordinates: a position needs at least 2 numbers, found %v", typ, p.short)
	}
	return g, nil
}

// position reads a position, an array of numbers of which the first two are
// kept, and returns it with its count of numbers; the count is -1 when the
// value is not an array.
func (d *geoJSONDecoder) position(p *coordProblems) (orb.Point, int) {
	s := d.s
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
		if s.Err() != nil {
			break
		}
		f, err := jsonscan.ParseFloat(lit)
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
func (d *geoJSONDecoder) positions(p *coordProblems) []orb.Point {
	s := d.s
	pts := []orb.Point{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return pts
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		pt, _ := d.position(p)
		pts = append(pts, pt)
	}
	return pts
}

// readLines reads an array of arrays of positions: the lines of a
// MultiLineString or the rings of a Polygon.
func readLines[L ~[]orb.Point](d *geoJSONDecoder, p *coordProblems) []L {
	s := d.s
	lines := []L{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return lines
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		lines = append(lines, d.positions(p))
	}
	return lines
}

func (d *geoJSONDecoder) multiPolygon(p *coordProblems) orb.MultiPolygon {
	s := d.s
	mp := orb.MultiPolygon{}
	if s.Peek() != '[' {
		p.wrongValue(s)
		return mp
	}
	for more := s.FirstElement(); more; more = s.NextElement() {
		mp = append(mp, readLines[orb.Ring](d, p))
	}
	return mp
}

// datasetBuilder collects features and their fields in order of
// appearance. Property values go into the features' maps as they are read,
// in the Go type their own kind gives (int64, float64, bool, string; nested
// values as JSON text); finish converts those whose field ends up of
// another type.
type datasetBuilder struct {
	data     []byte   // the document, where number literals are
	keys     []string // by field index: the property key
	names    []string // by field index: the field name, the key made unique ignoring case
	index    map[string]int32
	taken    map[string]bool // field names in lower case
	kinds    []kindSet       // by field index
	features []Feature

	// pending are the fields and kinds of the properties being read, last
	// those of the previous feature: its order of fields is the guess for
	// the next.
	pending, last []propKind
	// numbers are the numbers among the values, whose literal may be needed.
	numbers []numberRef
	// strings, by field index, remember the values of fields that repeat
	// them (a type, a town, a date).
	strings []stringCache
}

// stringCache holds the string values met in one field with their kinds,
// each boxed once for all the features that have it. It gives up on a field
// whose values are mostly distinct.
type stringCache struct {
	values map[string]cachedString
	seen   int
	off    bool
}

type cachedString struct {
	v any
	k kind
}

// stringCacheTrial is how many values of a field are cached before
// checking that at least half were repeats; then at most stringCacheMax
// distinct values are kept.
const (
	stringCacheTrial = 4096
	stringCacheMax   = 4096
)

// propKind is a property read and the kind of its value.
type propKind struct {
	field  int32
	kind   kind
	number int // index in numbers; -1 when not a number
}

// numberRef tells where a number property value was written, and where
// its literal is in the document.
type numberRef struct {
	feature    int
	field      int32 // -1: overwritten by a duplicate key
	form       jsonscan.Form
	start, end int
}

// builderMark is a state of a datasetBuilder to roll back to.
type builderMark struct{ names, numbers int }

func (b *datasetBuilder) reset() {
	*b = datasetBuilder{data: b.data}
}

func (b *datasetBuilder) mark() builderMark {
	return builderMark{len(b.names), len(b.numbers)}
}

// rollback forgets what was read since m: fields, pending properties.
func (b *datasetBuilder) rollback(m builderMark) {
	for i := m.names; i < len(b.names); i++ {
		delete(b.index, b.keys[i])
		delete(b.taken, strings.ToLower(b.names[i]))
	}
	b.keys, b.names = b.keys[:m.names], b.names[:m.names]
	b.kinds, b.strings = b.kinds[:m.names], b.strings[:m.names]
	b.numbers = b.numbers[:m.numbers]
	b.pending = b.pending[:0]
}

// fieldOf returns the index of the field of property key, the next
// property of the feature being read, adding the field if new. Features
// tend to list their properties in the same order: that of the previous
// feature is tried first.
//
// A field is named after its key, but field names must differ otherwise
// than by case (the store's column names ignore it): a key that differs
// from an earlier one only by case ("Nom" after "nom") gets a suffix
// ("Nom_2"), as duplicate column names of a CSV file do.
func (b *datasetBuilder) fieldOf(key []byte) int32 {
	if n := len(b.pending); n < len(b.last) && string(key) == b.keys[b.last[n].field] {
		return b.last[n].field
	}
	if i, ok := b.index[string(key)]; ok {
		return i
	}
	if b.index == nil {
		b.index, b.taken = map[string]int32{}, map[string]bool{}
	}
	k := string(key)
	name := k
	for n := 2; b.taken[strings.ToLower(name)]; n++ {
		name = k + "_" + strconv.Itoa(n)
	}
	b.taken[strings.ToLower(name)] = true
	i := int32(len(b.names))
	b.index[k] = i
	b.keys = append(b.keys, k)
	b.names = append(b.names, name)
	b.kinds = append(b.kinds, 0)
	b.strings = append(b.strings, stringCache{})
	return i
}

// setString sets the next property of the feature being read, of the given
// field, to the string text.
func (b *datasetBuilder) setString(props map[string]any, field int32, text []byte) {
	c := &b.strings[field]
	if c.off {
		str := string(text)
		b.pending = append(b.pending, propKind{field: field, kind: stringKind(str, false), number: -1})
		props[b.names[field]] = str
		return
	}
	cs, ok := c.values[string(text)]
	if !ok {
		str := string(text)
		cs = cachedString{v: str, k: stringKind(str, false)}
		if c.values == nil {
			c.values = map[string]cachedString{}
		}
		if len(c.values) < stringCacheMax {
			c.values[str] = cs
		}
	}
	if c.seen++; c.seen == stringCacheTrial && len(c.values) > stringCacheTrial/2 {
		*c = stringCache{off: true}
	}
	b.pending = append(b.pending, propKind{field: field, kind: cs.k, number: -1})
	props[b.names[field]] = cs.v
}

// set sets the next property of the feature being read, of the given field, to v.
func (b *datasetBuilder) set(props map[string]any, field int32, v jsonscan.Value) {
	pk := propKind{field: field, number: -1}
	var x any
	switch v.Form {
	case jsonscan.FormNull:
		pk.kind = kindNull
	case jsonscan.FormBool:
		x, pk.kind = v.Bool, kindBool
	case jsonscan.FormString:
		x, pk.kind = v.Text, stringKind(v.Text, false)
	case jsonscan.FormRaw:
		x, pk.kind = v.Text, kindText
	case jsonscan.FormInt, jsonscan.FormFloat:
		pk.number = len(b.numbers)
		b.numbers = append(b.numbers, numberRef{feature: len(b.features), field: field,
			start: v.Start, end: v.End, form: v.Form})
		if v.Form == jsonscan.FormInt {
			x, pk.kind = v.Int, kindInt
		} else {
			x, pk.kind = v.Float, kindReal
		}
	case jsonscan.FormBigNumber: // digits beyond float64 are kept as text
		x, pk.kind = string(b.data[v.Start:v.End]), kindText
	}
	b.pending = append(b.pending, pk)
	props[b.names[field]] = x
}

// dropOverwritten marks the numbers of the pending properties that a later
// duplicate key overwrote.
func (b *datasetBuilder) dropOverwritten() {
	later := map[int32]bool{}
	for i := len(b.pending) - 1; i >= 0; i-- {
		p := b.pending[i]
		if later[p.field] && p.number >= 0 {
			b.numbers[p.number].field = -1
		}
		later[p.field] = true
	}
}

// add adds f, whose properties are the pending ones.
func (b *datasetBuilder) add(f Feature) {
	for _, p := range b.pending {
		b.kinds[p.field].add(p.kind)
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	b.features = append(b.features, f)
	b.last, b.pending = b.pending, b.last[:0]
}

// finish decides the field types and converts the values whose own type is
// not their field's: integers among reals, numbers and booleans among
// text, strings of a datetime field. Numbers going to text keep their
// literal ("2.50" stays "2.50"). The strings of a date field are already
// in the stored form (TestDateConversionIsIdentity).
func (b *datasetBuilder) finish() ([]Field, []Feature) {
	var fields []Field
	types := make([]schema.FieldType, len(b.names))
	var convert []int32 // fields whose non-number values need converting
	for i, n := range b.names {
		t := b.kinds[i].fieldType()
		types[i] = t
		fields = append(fields, Field{Name: n, Type: t})
		if t == schema.DateTime || t == schema.Text && b.kinds[i]&(1<<kindBool) != 0 {
			convert = append(convert, int32(i))
		}
	}
	for i := range b.numbers {
		n := &b.numbers[i]
		if n.field < 0 {
			continue
		}
		props, name := b.features[n.feature].Properties, b.names[n.field]
		switch types[n.field] {
		case schema.Real:
			if iv, ok := props[name].(int64); ok {
				// The float nearest the integer, as jsonscan.ParseFloat of its
				// literal gives, without reading the literal back but
				// for the sign of -0.
				f := float64(iv)
				if iv == 0 && b.data[n.start] == '-' {
					f = math.Copysign(0, -1)
				}
				props[name] = f
			}
		case schema.Text:
			props[name] = string(b.data[n.start:n.end])
		}
	}
	if len(convert) > 0 {
		for _, f := range b.features {
			for _, i := range convert {
				if v, ok := f.Properties[b.names[i]]; ok && v != nil {
					f.Properties[b.names[i]] = convertValue(v, types[i])
				}
			}
		}
	}
	if b.features == nil {
		b.features = []Feature{}
	}
	return fields, b.features
}

// convertValue converts a boolean to text, or a string to t.
func convertValue(v any, t schema.FieldType) any {
	switch x := v.(type) {
	case bool:
		if t == schema.Boolean {
			return x
		}
		return strconv.FormatBool(x)
	case string:
		return convertString(x, t, false)
	}
	return v
}
