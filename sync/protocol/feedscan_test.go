package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// slowChangesResponse reads a page with encoding/json only, as
// DecodeChangesResponse does when the fast path gives up.
func slowChangesResponse(data []byte) (ChangesResponse, error) {
	var m ChangesResponse
	err := unmarshal(data, false, &m)
	return m, err
}

// randomPage is a page of the feed as the platform writes it, with every
// geometry type, escapes, accents and numbers of every form.
func randomPage(rng *rand.Rand, n int) ChangesResponse {
	pt := func() orb.Point { return orb.Point{4.8 + rng.Float64()/5, 46.5 + rng.Float64()/10} }
	line := func() orb.LineString { return orb.LineString{pt(), pt(), pt()} }
	ring := func() orb.Ring { p := pt(); return orb.Ring{p, pt(), pt(), p} }
	geoms := []func() orb.Geometry{
		func() orb.Geometry { return pt() },
		func() orb.Geometry { return orb.MultiPoint{pt(), pt()} },
		func() orb.Geometry { return line() },
		func() orb.Geometry { return orb.MultiLineString{line(), line()} },
		func() orb.Geometry { return orb.Polygon{ring(), ring()} },
		func() orb.Geometry { return orb.MultiPolygon{{ring()}, {ring(), ring()}} },
		func() orb.Geometry { return nil },
	}
	page := ChangesResponse{Next: int64(n) * 10, More: rng.IntN(2) == 0, SchemaVersion: rng.Int64N(9)}
	for i := range n {
		c := Change{Seq: int64(i+1) * 3, Layer: "pei", ID: fmt.Sprintf("01920000-0000-7000-8000-%012d", i),
			Version: rng.Int64N(50) + 1, ModifiedBy: "agent.tournus",
			ModifiedAt: time.Date(2026, 1, 2, 3, 4, 5, rng.IntN(1e9), time.UTC)}
		if rng.IntN(8) == 0 {
			c.Deleted = true
		} else {
			c.Geometry = geoms[rng.IntN(len(geoms))]()
			c.Properties = map[string]any{
				"numero":      json.Number(fmt.Sprint(rng.IntN(1e6) - 5000)),
				"debit":       json.Number(fmt.Sprint(rng.Float64() * 120)),
				"petit":       json.Number("1e-7"),
				"commentaire": []string{"Église \"Saint-Philibert\"", "tab\tret\nour", "", "€ 🚒 \\ /"}[rng.IntN(4)],
				"disponible":  rng.IntN(2) == 0,
				"date_ct":     nil,
			}
		}
		page.Changes = append(page.Changes, c)
	}
	return page
}

// TestScanChangesResponseReadsPlatformPages checks that the pages the
// platform writes take the fast path, and read as encoding/json reads them.
func TestScanChangesResponseReadsPlatformPages(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	for _, n := range []int{0, 1, 7, 300} {
		var buf bytes.Buffer
		if err := Encode(&buf, randomPage(rng, n)); err != nil {
			t.Fatal(err)
		}
		fast, ok := scanChangesResponse(buf.Bytes())
		if !ok {
			t.Fatalf("%d changes: a page the platform wrote did not take the fast path", n)
		}
		slow, err := slowChangesResponse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%d changes: fast and encoding/json readings differ:\n%+v\n%+v", n, fast, slow)
		}
	}
}

// TestScanChangesResponseGeometries: geometries are read by the one
// geometry reader on both paths, collections and odd members included.
func TestScanChangesResponseGeometries(t *testing.T) {
	for _, in := range []string{
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"geometry":{"type":"GeometryCollection","geometries":[]}}]}`,
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"geometry":{"coordinates":[1,2],"type":"Point","geometries":5}}]}`,
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"geometry":{"coordinates":[[1,2],[3,4]],"TYPE":"LineString"}}]}`,
	} {
		fast, ok := scanChangesResponse([]byte(in))
		if !ok {
			t.Errorf("%s: the fast path gave up", in)
			continue
		}
		slow, err := slowChangesResponse([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: fast and slow readings differ:\n%+v\n%+v", in, fast, slow)
		}
	}
}

// TestScanChangesResponseGivesUp lists what the fast path leaves to
// encoding/json: each must still decode (or be refused) as before.
func TestScanChangesResponseGivesUp(t *testing.T) {
	for _, in := range []string{
		`{"changes":[{"seq":1,"Layer":"pei","id":"a","version":1}]}`,                                                    // another case
		`{"changes":[{"seq":1,"layer":"pei","layer":"x","id":"a","version":1}]}`,                                        // duplicate
		`{"changes":[{"seq":1.0,"layer":"pei","id":"a","version":1}]}`,                                                  // not an integer
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"properties":{"x":[1]}}]}`,                             // array value
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"geometry":{"type":"Point","coordinates":[1]}}]}`,      // short position
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"geometry":{"type":"Point","coordinates":[1,null]}}]}`, // null
		`{"changes":[{"seq":1,"layer":"pei","id":"a","version":1,"modified_at":"hier"}]}`,                               // bad time
		`{"changes":null,"more":null}`, // a null boolean
		`{"changes":[]} x`,             // trailing
	} {
		if _, ok := scanChangesResponse([]byte(in)); ok {
			t.Errorf("%s: the fast path should leave it to encoding/json", in)
		}
	}
}

// FuzzScanChangesResponse holds the fast path to encoding/json: whenever it
// reads a page, encoding/json reads the same page, equal to the last bit.
func FuzzScanChangesResponse(f *testing.F) {
	rng := rand.New(rand.NewPCG(2, 71))
	for _, n := range []int{0, 1, 3} {
		var buf bytes.Buffer
		if err := Encode(&buf, randomPage(rng, n)); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"changes":[{"geometry":{"coordinates":[[1,2,3],[-0,1e2]],"type":"LineString"},"seq":2,"id":"a","layer":"l","version":1,"xtra":{}}],"next":2}`))
	f.Add([]byte(`{"changes":[{"properties":{"a":1,"a":"2","b\u00e9":true},"seq":2,"id":"a","layer":"l","version":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := scanChangesResponse(data)
		if !ok {
			return
		}
		slow, err := slowChangesResponse(data)
		if err != nil {
			t.Fatalf("the fast path read what encoding/json refuses (%v)", err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast and encoding/json readings differ:\n%#v\n%#v", fast, slow)
		}
	})
}

// referenceChangeJSON is a change as encoding/json writes it, the way
// MarshalJSON wrote it before appendJSON.
func referenceChangeJSON(c Change) ([]byte, error) {
	w := changeWire{Type: featureType, ID: c.ID, Layer: c.Layer, Seq: c.Seq, Version: c.Version,
		Deleted: c.Deleted, ModifiedBy: c.ModifiedBy, ModifiedAt: c.ModifiedAt}
	var err error
	if w.Geometry, err = marshalGeometry(c.Geometry); err != nil {
		return nil, err
	}
	if w.Properties, err = json.Marshal(c.Properties); err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// TestAppendChangeMatchesEncodingJSON checks the platform's writer of the
// feed against encoding/json, byte for byte.
func TestAppendChangeMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	page := randomPage(rng, 200)
	odd := Change{Seq: 9, Layer: "pei", ID: "x", Version: 1, ModifiedBy: "<b>&\u2028\u2029\x01\x7f\xff",
		Properties: map[string]any{"i": int64(-42), "n": 3, "f": 1e-9, "g": 1e21, "h": 123.5, "z": math.Copysign(0, -1),
			"e": json.Number(""), "k": json.Number("-1.5E+3"), "s": "a\"b\\c\u00e9\xed\xa0\x80"}}
	page.Changes = append(page.Changes, odd)
	want, err := json.Marshal(struct {
		Changes       []json.RawMessage `json:"changes"`
		Next          int64             `json:"next"`
		More          bool              `json:"more"`
		SchemaVersion int64             `json:"schema_version"`
	}{Changes: func() []json.RawMessage {
		var out []json.RawMessage
		for _, c := range page.Changes {
			b, err := referenceChangeJSON(c)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}(), Next: page.Next, More: page.More, SchemaVersion: page.SchemaVersion})
	if err != nil {
		t.Fatal(err)
	}
	got, err := page.appendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		from := max(0, i-60)
		t.Fatalf("the feed writer differs from encoding/json at byte %d:\n…%s\n…%s", i, got[from:min(len(got), i+60)], want[from:min(len(want), i+60)])
	}
	for _, bad := range []any{json.Number("1."), math.NaN(), math.Inf(-1)} {
		if _, err := (Change{Seq: 1, Layer: "pei", ID: "x", Version: 1, Properties: map[string]any{"v": bad}}).MarshalJSON(); err == nil {
			t.Errorf("%v: written, though JSON cannot hold it", bad)
		}
	}
}

// TestValidName holds the loop to the rule it replaces, a regular expression.
func TestValidName(t *testing.T) {
	rule := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)
	names := []string{"", "a", "_", "9a", "a9", "type_pei", "Débit", "a-b", "a b", "A_Z_09",
		strings.Repeat("x", 63), strings.Repeat("x", 64), "\x00", "é"}
	for _, n := range names {
		if got, want := ValidName(n), rule.MatchString(n); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", n, got, want)
		}
	}
}

// FuzzDecodePropertiesObject holds the one-pass reading of properties to
// encoding/json's, for every input both accept.
func FuzzDecodePropertiesObject(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `{"a":1,"b":"é","c":true,"d":null,"e":-1.5e3}`, `{"a":[1]}`, `{"a":1,"a":2}`, ` {"x":"\u00e9"} `, `{} {}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodePropertiesObject(data)
		var want map[string]any
		werr := json.Unmarshal(data, &want)
		if werr != nil {
			if err == nil {
				t.Fatalf("read what encoding/json refuses (%v): %v", werr, got)
			}
			return
		}
		if err != nil {
			return // encoding/json without UseNumber may read numbers UseNumber refuses; never the reverse
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		want = nil
		if dec.Decode(&want) != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("read %#v, encoding/json %#v", got, want)
		}
	})
}
