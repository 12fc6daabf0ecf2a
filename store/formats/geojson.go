package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
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
		return nil, fmt.Errorf("a JSON object is expected, found %s", jsonscan.Kind(c))
	}
	top := s.Pos()

	// First pass over the top-level object. The features of a collection
	// are read as they come when the type is already known; in any other
	// case the member is only checked, and read again once the type is.
	var (
		typ      jsonscan.TypeMember
		name     string
		crs      []byte
		features = -1 // position of the last "features" member
		streamed bool // whether the features were read at that position
		featErr  error
	)
	for more := s.FirstMember(); more; more = s.NextMember() {
		switch memberOf(s.Key()) {
		case memberType:
			typ.Read(s)
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
			features, streamed = s.Pos(), typ.Set && typ.Name == "FeatureCollection"
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
	if typ.Err != nil {
		return nil, typ.Err
	}
	if !typ.Set {
		return nil, errors.New(`the document has no "type" member: not GeoJSON`)
	}
	ds := &Dataset{SRS: srs.WGS84}
	if len(crs) > 0 && string(crs) != "null" {
		ds.SRS = crsCode(crs)
	}
	switch typ.Name {
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
		if _, err := d.feature(); err != nil {
			return nil, err
		}
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		d.b.reset()
		s.Seek(top, 0)
		g, err := jsonscan.ReadGeometry(s, geometryOptions)
		if err != nil {
			return nil, err
		}
		d.b.add(Feature{Geometry: g})
	default:
		return nil, fmt.Errorf("type %q is not a GeoJSON type (FeatureCollection, Feature or a geometry)", typ.Name)
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

// geoJSONMember names the members of GeoJSON objects that matter here (a
// geometry's own are read by jsonscan.ReadGeometry).
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
)

// memberNames are the member names, indexed by geoJSONMember.
var memberNames = [...]string{"", "type", "name", "crs", "features", "id", "geometry", "properties"}

// memberOf tells which member a key names. Names match as they did when
// the reader decoded objects into a struct with encoding/json: ignoring
// case, with Unicode folding ("TYPE" and "Type" are "type").
func memberOf(key []byte) geoJSONMember {
	switch string(key) {
	case "type":
		return memberType
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
	}
	for m := memberType; int(m) < len(memberNames); m++ {
		if bytes.EqualFold(key, []byte(memberNames[m])) {
			return m
		}
	}
	return memberOther
}

// geometryOptions are how files from outside are read: GDAL writes an
// empty point as "coordinates":[], which is no geometry.
var geometryOptions = jsonscan.GeometryOptions{EmptyPointIsNil: true}

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
			&json.UnmarshalTypeError{Value: jsonscan.ValueTypeName(c), Type: reflect.TypeFor[[]json.RawMessage]()})
	}
	var err error
	i := 0
	for more := s.FirstElement(); more; more = s.NextElement() {
		if err != nil {
			s.Skip()
			continue
		}
		if _, ferr := d.feature(); ferr != nil {
			err = fmt.Errorf("feature %d: %w", i, ferr)
		}
		i++
	}
	return err
}

// feature reads a Feature object and adds it to the builder. It returns
// the feature's ID, also with an error about the feature when it could be
// read.
func (d *geoJSONDecoder) feature() (string, error) {
	s, b := d.s, &d.b
	if s.Peek() != '{' {
		return "", errors.New(jsonscan.NotObject(s))
	}
	var (
		typ      jsonscan.TypeMember
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
			typ.Read(s)
		case memberID:
			id, idErr = d.featureID()
		case memberGeometry:
			if s.Peek() == 'n' {
				s.Skip()
				geom, geomErr = nil, nil
				continue
			}
			geom, geomErr = jsonscan.ReadGeometry(s, geometryOptions)
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
		return "", nil
	case typ.Err != nil:
		err = typ.Err
	case typ.Set && typ.Name != "Feature":
		err = fmt.Errorf("type is %q, want \"Feature\"", typ.Name)
	case idErr != nil:
		err = idErr
	case geomErr != nil:
		err = fmt.Errorf("%w: %w", ErrBadGeometry, geomErr)
	case propsErr != nil:
		err = fmt.Errorf("properties: %w", propsErr)
	}
	if err != nil {
		b.rollback(mark)
		return id, err
	}
	b.add(Feature{ID: id, Geometry: geom, Properties: props})
	return id, nil
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
	var props map[string]any
	if b.mode != learnSchema {
		props = make(map[string]any, len(b.last))
	}
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
	if b.mode == collectFeatures && len(props) < len(b.pending) {
		b.dropOverwritten()
	}
	return props, nil
}
