package formats

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// streamGeoJSON reads data with the two passes of OpenGeoJSON into a
// Dataset, checking that the first pass's count and geometry kinds are
// those of the features the second yields.
func streamGeoJSON(t testing.TB, data []byte, name string) (*Dataset, error) {
	t.Helper()
	src, err := openGeoJSON(bytesOpener(data), name)
	if err != nil {
		return nil, err
	}
	return readSecondPass(t, src), nil
}

// checkStreamMatches fails when the streamed reading of data differs from
// ReadGeoJSON's: the same dataset, or both an error.
func checkStreamMatches(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := ReadGeoJSON(bytes.NewReader(data), "doc.geojson")
	got, err := streamGeoJSON(t, data, "doc.geojson")
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%.300q:\nstream error    %v\nReadGeoJSON error %v", data, err, wantErr)
	}
	if err != nil {
		return
	}
	if len(want.Features) == 0 {
		want.Features = []Feature{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%.300q:\nstream      %#v\nReadGeoJSON %#v", data, got, want)
	}
}

func TestOpenGeoJSONMatchesReadGeoJSON(t *testing.T) {
	for _, c := range referenceCases {
		checkStreamMatches(t, []byte(c))
	}
	for _, c := range geoJSONCases {
		checkStreamMatches(t, []byte(c.in))
	}
	for _, c := range streamCases {
		checkStreamMatches(t, []byte(c.in))
	}
	for _, file := range []string{"ccmt/ccmt-communes.geojson", "communes-71/departement-71-saone-et-loire.geojson",
		"encoding/source.geojson", "shapes/lines.geojson", "shapes/mpoints.geojson", "shapes/linesz.gdal.geojson"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		checkStreamMatches(t, data)
	}
	checkStreamMatches(t, hydrantCollection(2000))
}

// streamCases are documents whose members come in an order, or with
// repeats, that only the top level of a streamed reading sees; err is a
// part of the streamed reading's error.
var streamCases = []struct {
	name, in, err string
}{
	{name: "crs after the features",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[700000,6600000]},"properties":{"a":1}}],` +
			`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"name":"pei"}`},
	{name: "type after the features",
		in: `{"features":[{"type":"Feature","geometry":null,"properties":{"a":1}},{"type":"Feature","geometry":null,"properties":{"a":2.5}}],"type":"FeatureCollection"}`},
	{name: "the last features member counts",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}],"features":[{"type":"Feature","geometry":null,"properties":{"b":"x"}}]}`},
	{name: "a last features member null",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}],"features":null}`},
	{name: "a last features member empty",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}],"features":[]}`},
	{name: "a bad feature in a replaced features member",
		in: `{"type":"FeatureCollection","features":[3],"features":[{"type":"Feature","geometry":null,"properties":{"a":1}}]}`},
	{name: "features of a Feature are skipped",
		in: `{"type":"Feature","features":[3,{"x":1}],"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":"b"}}`},
	{name: "a replaced properties member",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gone":1,"a":2},"geometry":null,"properties":{"a":"2024-01-01T10:00"}}]}`},
	{name: "feature numbered from 1 with its id",
		in:  `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null},{"type":"Feature","id":"PEI-12","geometry":{"type":"Point","coordinates":["x",1]}}]}`,
		err: `feature 2 (id "PEI-12"): geometry: `},
	{name: "a syntax error on a later line",
		in:  "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"geometry\":null},\n{\"type\":\"Feature\" \"geometry\":null}]}",
		err: "line 3, column 19: invalid character '\"' after object key:value pair"},
	{name: "a syntax error between features",
		in:  "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"geometry\":null}\n{}]}",
		err: "line 3, column 1: invalid character '{' after array element"},
	{name: "a syntax error after a bad feature wins",
		in:  `{"type":"FeatureCollection","features":[3,{}}`,
		err: "line 1, column 45: invalid character '}' after array element"},
	{name: "cut short", in: `{"type":"FeatureCollection","features":[{"type":"Feature"`, err: "unexpected end of JSON input"},
	{name: "byte order mark", in: "\ufeff{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":-0}}]}"},
	{name: "escaped key features", in: `{"type":"FeatureCollection","feat\u0075res":[{"type":"Feature","geometry":null,"properties":{"a":true}}]}`},
	{name: "brackets in strings", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":"]}\"[{","b":[1,{"c":"}"}]}}]}`},
	{name: "empty", in: "  ", err: "empty document"},
	{name: "not an object", in: `[]`, err: "a JSON object is expected, found an array"},
}

func TestOpenGeoJSONErrors(t *testing.T) {
	for _, c := range streamCases {
		if c.err == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			_, err := streamGeoJSON(t, []byte(c.in), "doc")
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want one containing %q", err, c.err)
			}
			// Syntax errors are worded and placed as in memory.
			if _, memErr := ReadGeoJSON(strings.NewReader(c.in), "doc"); strings.HasPrefix(c.err, "line ") &&
				(memErr == nil || !strings.Contains(memErr.Error(), c.err)) {
				t.Fatalf("ReadGeoJSON says %v, the stream %v", memErr, err)
			}
		})
	}
}

// A feature beyond the bound is refused by its number, not read into memory.
func TestOpenGeoJSONFeatureTooLarge(t *testing.T) {
	big := `{"type":"Feature","geometry":null,"properties":{"a":"` + strings.Repeat("x", 2000) + `"}}`
	data := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null},` + big + `]}`)
	open := bytesOpener(data)
	rc, _ := open()
	j := newJSONSplitter(rc, 1000)
	var err error
	for err == nil {
		_, err = j.next()
	}
	err = splitError(open, j, err)
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Number != 2 || !strings.Contains(err.Error(), "feature 2: larger than 0 MiB") {
		t.Fatalf("error %v", err)
	}
}

// The second pass converts each value to the type the first pass found,
// also when the first values of a field did not tell it.
func TestOpenGeoJSONTypesFromTheWholeFile(t *testing.T) {
	data := []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"n":1,"t":2,"b":true,"dt":"2024-01-01"}},
		{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2]]},"properties":{"n":1.5,"t":"x","b":false,"dt":"2024-01-01T10:00:00+01:00"}}]}`)
	ds, err := streamGeoJSON(t, data, "")
	if err != nil {
		t.Fatal(err)
	}
	wantFields := []Field{{"n", schema.Real}, {"t", schema.Text}, {"b", schema.Boolean}, {"dt", schema.DateTime}}
	if !reflect.DeepEqual(ds.Fields, wantFields) {
		t.Fatalf("fields %v", ds.Fields)
	}
	want := map[string]any{"n": 1.0, "t": "2", "b": true, "dt": "2024-01-01T00:00:00Z"}
	if !reflect.DeepEqual(ds.Features[0].Properties, want) || ds.Features[0].Geometry != (orb.Point{1, 2}) {
		t.Fatalf("feature 1: %#v", ds.Features[0])
	}
}

func FuzzOpenGeoJSON(f *testing.F) {
	for _, c := range streamCases {
		f.Add([]byte(c.in))
	}
	for _, c := range geoJSONCases {
		f.Add([]byte(c.in))
	}
	for _, c := range referenceCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStreamMatches(t, data)
	})
}

// BenchmarkOpenGeoJSON100k makes both passes over 100,000 hydrants (about
// 20 MB), the streamed counterpart of BenchmarkReadGeoJSON100k.
func BenchmarkOpenGeoJSON100k(b *testing.B) {
	data := hydrantCollection(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src, err := openGeoJSON(bytesOpener(data), "pei.geojson")
		if err != nil {
			b.Fatal(err)
		}
		r, err := src.Features()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for ; ; n++ {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		if n != 100_000 || len(src.Fields) != 7 {
			b.Fatalf("%d features, fields %v", n, src.Fields)
		}
	}
}

// BenchmarkJSONSplitter hands out the elements of 100,000 hydrants (about
// 20 MB) without decoding them: the cost of streaming alone.
func BenchmarkJSONSplitter(b *testing.B) {
	data := hydrantCollection(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		j := newJSONSplitter(bytes.NewReader(data), maxFeatureBytes)
		n := 0
		for {
			if _, err := j.next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal(n)
		}
	}
}
