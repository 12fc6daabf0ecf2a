package jsonscan_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
	"terrimap/internal/jsonscan/jsonref"
)

// geometryCases double as seeds of FuzzReadGeometry.
var geometryCases = []struct {
	in    string
	cause error // nil when read
	err   string
}{
	{in: `null`},
	{in: `{"type":"Point","coordinates":[4.9,46.5,180]}`},
	{in: `{"coordinates":[[1,2],[3,4]],"type":"LineString"}`},
	{in: `{"TYPE":"MultiPoint","Coordinates":[[1,2]],"bbox":[1,2,1,2]}`},
	{in: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[]]}`},
	{in: `{"type":"MultiPolygon","coordinates":[[[[4,46],[5,46],[5,47],[4,46]]],[]]}`},
	{in: `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]],"coordinates":[[[5,6],[7,8]]]}`},
	{in: `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"GeometryCollection","geometries":[]}]}`},
	{in: `{"type":"GeometryCollection","geometries":null}`},
	{in: `{"type":"Point","coordinates":[]}`, cause: jsonscan.ErrBadPosition, err: "Point coordinates: a position needs at least 2 numbers, found []"},
	{in: `{"type":"Point","coordinates":[1]}`, cause: jsonscan.ErrBadPosition, err: "a position needs at least 2 numbers, found [1]"},
	{in: `{"type":"LineString","coordinates":[[1,2],[null,3]]}`, cause: jsonscan.ErrBadPosition, err: "LineString coordinates: a position cannot hold null"},
	{in: `{"type":"Point","coordinates":["1","2"]}`, cause: jsonscan.ErrBadPosition, err: "positions must be arrays of numbers, found string"},
	{in: `{"type":"Point","coordinates":[1e400,2]}`, cause: jsonscan.ErrBadPosition, err: "found number 1e400"},
	{in: `{"type":"Circle","coordinates":[1,2]}`, cause: jsonscan.ErrNotGeometry, err: `unknown geometry type "Circle"`},
	{in: `{"coordinates":[1,2]}`, cause: jsonscan.ErrNotGeometry, err: `no "type" member`},
	{in: `{"type":7}`, cause: jsonscan.ErrNotGeometry, err: `member "type" cannot be number`},
	{in: `[1,2]`, cause: jsonscan.ErrNotGeometry, err: "a JSON object is expected, found an array"},
	{in: `{"type":"Point","coordinates":null}`, cause: jsonscan.ErrNoCoordinates, err: `Point has no "coordinates"`},
	{in: `{"type":"GeometryCollection"}`, cause: jsonscan.ErrNoCoordinates, err: `GeometryCollection needs a "geometries" array`},
	{in: `{"type":"GeometryCollection","geometries":[null]}`, cause: jsonscan.ErrNotGeometry, err: "geometries[0]: a JSON object is expected, found null"},
	{in: strings.Repeat(`{"type":"GeometryCollection","geometries":[`, 18) + strings.Repeat(`]}`, 18), cause: jsonscan.ErrTooDeep, err: "geometry collections nested deeper than 16"},
}

func TestReadGeometry(t *testing.T) {
	for _, c := range geometryCases {
		s := jsonscan.New([]byte(c.in))
		g, err := jsonscan.ReadGeometry(s, jsonscan.GeometryOptions{})
		s.End()
		if s.Err() != nil {
			t.Fatalf("%s: %v", c.in, s.Err())
		}
		if c.cause == nil {
			if err != nil {
				t.Errorf("%s: %v", c.in, err)
			}
			continue
		}
		if !errors.Is(err, c.cause) || !strings.Contains(fmtErr(err), c.err) {
			t.Errorf("%s: got %v, want %q (cause %v)", c.in, err, c.err, c.cause)
		}
		if g != nil {
			t.Errorf("%s: refused, yet gave %v", c.in, g)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestReadGeometryEmptyPoint(t *testing.T) {
	s := jsonscan.New([]byte(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[]},{"type":"Point","coordinates":[1,2]}]}`))
	g, err := jsonscan.ReadGeometry(s, jsonscan.GeometryOptions{EmptyPointIsNil: true})
	if err != nil || !reflect.DeepEqual(g, orb.Collection{orb.Point{1, 2}}) {
		t.Fatalf("got %v, %v", g, err)
	}
}

// TestAppendGeometryReadsBack: what jsonscan.AppendGeometry writes reads back equal.
func TestAppendGeometryReadsBack(t *testing.T) {
	ring := orb.Ring{{0, 0}, {1e-7, 0}, {1, 1e21}, {0, 0}}
	for _, g := range []orb.Geometry{
		orb.Point{4.9086, 46.5628}, orb.MultiPoint{{1, 2}}, orb.LineString{{1, 2}, {3, 4}},
		orb.MultiLineString{{{1, 2}, {3, 4}}}, orb.Polygon{ring}, orb.MultiPolygon{{ring}, {ring, ring}},
		orb.Collection{orb.Point{1, 2}, orb.Collection{}},
	} {
		b, err := jsonscan.AppendGeometry(nil, g)
		if err != nil {
			t.Fatal(err)
		}
		back, err := jsonscan.ReadGeometry(jsonscan.New(b), jsonscan.GeometryOptions{})
		if err != nil || !reflect.DeepEqual(back, g) {
			t.Errorf("%s read back as %v, %v", b, back, err)
		}
	}
	deep := orb.Geometry(orb.Point{1, 2})
	for range jsonscan.MaxGeometryDepth + 1 {
		deep = orb.Collection{deep}
	}
	if _, err := jsonscan.AppendGeometry(nil, deep); !errors.Is(err, jsonscan.ErrTooDeep) {
		t.Errorf("too deep: %v", err)
	}
	if _, err := jsonscan.AppendGeometry(nil, orb.Collection{nil}); !errors.Is(err, jsonscan.ErrNilInCollection) {
		t.Errorf("nil member: %v", err)
	}
}

// FuzzReadGeometry holds jsonscan.ReadGeometry to the encoding/json reference
// (jsonref): the same geometry, or a refusal in the same words; a syntax
// error where encoding/json finds one.
func FuzzReadGeometry(f *testing.F) {
	for _, c := range geometryCases {
		f.Add([]byte(c.in), false)
		f.Add([]byte(c.in), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, emptyPointIsNil bool) {
		s := jsonscan.New(data)
		s.SkipSpace()
		if s.Peek() != '{' && s.Peek() != 'n' {
			return // callers check the first byte
		}
		g, err := jsonscan.ReadGeometry(s, jsonscan.GeometryOptions{EmptyPointIsNil: emptyPointIsNil})
		if s.End(); s.Err() != nil { // the value is consumed, refused or not
			err = s.Err()
		}
		var se *jsonscan.SyntaxError
		if errors.As(err, &se) {
			if json.Valid(data) {
				t.Fatalf("%q: syntax error %v where encoding/json finds none", data, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("%q: encoding/json finds a syntax error, the reader none", data)
		}
		want, werr := jsonref.DecodeGeometry(data, emptyPointIsNil)
		if fmtErr(err) != fmtErr(werr) {
			t.Fatalf("%q: error %q, reference %q", data, fmtErr(err), fmtErr(werr))
		}
		if err == nil && !reflect.DeepEqual(g, want) {
			t.Fatalf("%q: read %#v, reference %#v", data, g, want)
		}
	})
}
