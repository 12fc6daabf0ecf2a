package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"terrimap/store/schema"
)

// decodeCase is one input of a decoder and the error it gives ("" for none).
type decodeCase struct {
	name, in, err string
}

const (
	okChange  = `{"type":"Feature","id":"` + feature1 + `","layer":"pei","seq":5,"version":2,"geometry":{"type":"Point","coordinates":[4.9,46.5]},"properties":{"numero":12}}`
	okPush    = `{"change_id":"` + changeA + `","layer":"pei","id":"` + feature1 + `","op":"update","base_version":3,"properties":{"debit":70}}`
	okVersion = `{"version":1,"seq":3,"op":"create","geometry":null,"properties":{"numero":12}}`
)

func changesWith(change string) string {
	return `{"changes":[` + change + `],"next":5,"more":false,"schema_version":1}`
}

func pushWith(change string) string { return `{"client_id":"poste","changes":[` + change + `]}` }

func geometryCase(name, geom, err string) decodeCase {
	return decodeCase{name, changesWith(strings.Replace(okChange, `{"type":"Point","coordinates":[4.9,46.5]}`, geom, 1)), err}
}

// decodeCases are the table tests of each decoder, and the seeds of its fuzz target.
var decodeCases = map[string][]decodeCase{
	"token_request": {
		{"ok", `{"username":"agent","password":"secret"}`, ""},
		{"spaces around", " \n{\"username\":\"agent\",\"password\":\"secret\"}\n", ""},
		{"unknown member", `{"username":"agent","password":"secret","remember":true}`, `unknown field "remember"`},
		{"empty body", ``, "empty body"},
		{"blank body", " \n", "empty body"},
		{"array", `[]`, "a JSON object is expected, not an array"},
		{"null", `null`, "not null"},
		{"trailing object", `{"username":"agent","password":"secret"} {}`, "unexpected data after the JSON object"},
		{"trailing garbage", `{"username":"agent","password":"secret"}x`, "unexpected data"},
		{"no password", `{"username":"agent"}`, "password is empty"},
		{"number for name", `{"username":1,"password":"secret"}`, `member "username" must be a string, not number`},
		{"cut short", `{"username":"agent","pass`, "ends too early"},
		{"bad JSON", `{"username" "agent"}`, "invalid JSON at byte"},
		{"too large", `{"username":"` + strings.Repeat("a", MaxTokenRequestBytes) + `","password":"x"}`, "message too large"},
	},
	"token_response": {
		{"ok", `{"token":"abc","expires_at":"2025-03-14T21:30:00Z","user":{"name":"agent","roles":[{"org":"71543","role":"editor"}]}}`, ""},
		{"newer member ignored", `{"token":"abc","expires_at":"2025-03-14T21:30:00+01:00","refresh":"x","user":{"name":"agent"}}`, ""},
		{"no expiry", `{"token":"abc","user":{"name":"agent"}}`, "expires_at is missing"},
		{"bad date", `{"token":"abc","expires_at":"demain"}`, "parsing time"},
		{"token with space", `{"token":"a b","expires_at":"2025-03-14T21:30:00Z"}`, "spaces"},
		{"org missing", `{"token":"abc","expires_at":"2025-03-14T21:30:00Z","user":{"name":"a","roles":[{"role":"admin"}]}}`, "org is empty"},
	},
	"layers_response": {
		{"ok", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[{"name":"n","type":"integer","default":3}]},"style":{ "c" : 1 },"access":{"read":true}}],"schema_version":2}`, ""},
		{"territory", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[]},"access":{"read":true,"update":true,"territory":{"type":"MultiPolygon","coordinates":[[[[4,46],[5,46],[5,47],[4,46]]]]}}}]}`, ""},
		{"bad field type", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[{"name":"n","type":"blob"}]}}]}`, `unknown type "blob"`},
		{"twice", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[]}},{"schema":{"name":"PEI","geometry_type":"POINT","fields":[]}}]}`, "listed twice"},
		{"default object", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[{"name":"n","type":"text","default":{}}]}}]}`, "default must be"},
		{"bad territory", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[]},"access":{"territory":{"type":"Circle"}}}]}`, `unknown geometry type "Circle"`},
		{"bad style", `{"layers":[{"schema":{"name":"pei","geometry_type":"POINT","fields":[]},"style":}]}`, "invalid JSON"},
	},
	"changes_response": {
		{"ok", changesWith(okChange), ""},
		{"empty last page", `{"changes":[],"next":17,"more":false,"schema_version":1}`, ""},
		{"newer member ignored", changesWith(strings.Replace(okChange, `"seq":5`, `"seq":5,"bbox":[1,2,3,4]`, 1)), ""},
		{"tombstone", changesWith(`{"id":"` + feature1 + `","layer":"pei","seq":5,"version":3,"deleted":true,"geometry":null,"properties":null}`), ""},
		{"tombstone with properties", changesWith(`{"id":"` + feature1 + `","layer":"pei","seq":5,"version":3,"deleted":true,"properties":{"a":1}}`), "neither geometry nor properties"},
		{"out of order", `{"changes":[` + okChange + `,` + okChange + `],"next":5}`, "changes[1]: seq 5 does not follow 5"},
		{"next before last", `{"changes":[` + okChange + `],"next":4}`, "next 4 is before"},
		{"more but empty", `{"changes":[],"next":4,"more":true}`, "more is true but the page is empty"},
		{"null change", `{"changes":[null],"next":4}`, "changes[0] is null"},
		{"change not an object", `{"changes":[3],"next":4}`, "changes[0]: a change must be an object, not a number"},
		{"not a feature", changesWith(strings.Replace(okChange, `"Feature"`, `"FeatureCollection"`, 1)), `type "FeatureCollection"`},
		{"seq missing", changesWith(strings.Replace(okChange, `"seq":5,`, ``, 1)), "seq 0 is not positive"},
		{"nested property", changesWith(strings.Replace(okChange, `{"numero":12}`, `{"numero":{"v":12}}`, 1)), "property numero: value must be a string, number, boolean or null, not an object"},
		{"property name", changesWith(strings.Replace(okChange, `{"numero":12}`, `{"numéro":12}`, 1)), "not a plain identifier"},
		{"properties array", changesWith(strings.Replace(okChange, `{"numero":12}`, `[1]`, 1)), "properties must be an object"},
		{"huge number", changesWith(strings.Replace(okChange, `{"numero":12}`, `{"numero":1e400}`, 1)), ""},
		{"version float", changesWith(strings.Replace(okChange, `"version":2`, `"version":2.5`, 1)), `member "version" must be a number, not number 2.5`},
		geometryCase("no geometry", `null`, ""),
		geometryCase("line", `{"type":"LineString","coordinates":[[4.9,46.5],[4.91,46.51,180]]}`, ""),
		geometryCase("collection", `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"GeometryCollection","geometries":[]}]}`, ""),
		geometryCase("multipolygon", `{"type":"MultiPolygon","coordinates":[[[[4,46],[5,46],[5,47],[4,46]]],[]]}`, ""),
		geometryCase("unknown type", `{"type":"Circle","coordinates":[1,2]}`, `unknown geometry type "Circle"`),
		geometryCase("no type", `{"coordinates":[1,2]}`, `no "type" member`),
		geometryCase("null coordinates", `{"type":"Point","coordinates":null}`, `Point has no "coordinates"`),
		geometryCase("null in a position", `{"type":"LineString","coordinates":[[1,2],[null,3]]}`, "cannot hold null"),
		geometryCase("short position", `{"type":"Point","coordinates":[1]}`, "a position needs at least 2 numbers, found [1]"),
		geometryCase("string coordinate", `{"type":"Point","coordinates":["1","2"]}`, "positions must be arrays of numbers"),
		geometryCase("too deep", strings.Repeat(`{"type":"GeometryCollection","geometries":[`, 20)+strings.Repeat(`]}`, 20), "nested deeper"),
		geometryCase("null member", `{"type":"GeometryCollection","geometries":[null]}`, "geometries[0]: a JSON object is expected, found null"),
		geometryCase("collection without geometries", `{"type":"GeometryCollection"}`, `needs a "geometries" array`),
		geometryCase("geometry array", `[1,2]`, "a GeoJSON geometry object is expected, not an array"),
	},
	"push_request": {
		{"ok", pushWith(okPush), ""},
		{"empty", `{"client_id":"poste","changes":[]}`, ""},
		{"geometry removed", pushWith(strings.Replace(okPush, `"base_version":3`, `"base_version":3,"geometry_changed":true,"geometry":null`, 1)), ""},
		{"geometry without flag", pushWith(strings.Replace(okPush, `"base_version":3`, `"base_version":3,"geometry":null`, 1)), `"geometry" is sent but "geometry_changed" is not true`},
		// Malformed changes still decode: the server rejects each alone.
		{"bad op decodes", pushWith(strings.Replace(okPush, `"update"`, `"upsert"`, 1)), ""},
		{"unknown member in a change", pushWith(strings.Replace(okPush, `"op"`, `"opp":1,"op"`, 1)), `changes[0]: unknown field "opp"`},
		{"unknown member", `{"client_id":"poste","changes":[],"dry_run":true}`, `unknown field "dry_run"`},
		{"no client", `{"changes":[]}`, `client_id "" is not an id`},
		{"null change", pushWith(`null`), "changes[0] is null"},
		{"change not an object", pushWith(`"x"`), "a change must be an object, not a string"},
		{"array value", pushWith(strings.Replace(okPush, `{"debit":70}`, `{"debit":[70]}`, 1)), "not an array"},
		{"changes not an array", `{"client_id":"poste","changes":{}}`, `member "changes" must be an array`},
		{"bad geometry", pushWith(strings.Replace(okPush, `"base_version":3`, `"base_version":3,"geometry_changed":true,"geometry":{"type":"Point","coordinates":[]}`, 1)), "changes[0]: geometry: Point coordinates: a position needs at least 2 numbers, found []"},
		{"too many", `{"client_id":"poste","changes":[` + strings.TrimSuffix(strings.Repeat(okPush+",", MaxPushChanges+1), ",") + `]}`, "changes in one push, at most"},
	},
	"push_response": {
		{"ok", `{"results":[{"change_id":"a","status":"applied","version":2,"seq":9}]}`, ""},
		{"conflict", `{"results":[{"change_id":"a","status":"conflict","code":"edit_vs_delete","current":{"id":"x","layer":"pei","seq":3,"version":4,"deleted":true}}]}`, ""},
		{"unknown status", `{"results":[{"change_id":"a","status":"maybe"}]}`, `status "maybe"`},
		{"applied without version", `{"results":[{"change_id":"a","status":"applied"}]}`, "applied without a positive version"},
		{"conflict without current", `{"results":[{"change_id":"a","status":"conflict","code":"field_conflict"}]}`, "conflict without the current feature"},
		{"rejected without code", `{"results":[{"change_id":"a","status":"rejected"}]}`, "rejected without a code"},
		{"bad current", `{"results":[{"change_id":"a","status":"conflict","code":"x","current":{"id":"x","layer":"pei","seq":0,"version":4}}]}`, "current: seq 0"},
	},
	"history_response": {
		{"ok", `{"versions":[` + okVersion + `]}`, ""},
		{"out of order", `{"versions":[` + okVersion + `,` + okVersion + `]}`, "version 1 does not follow 1"},
		{"bad op", `{"versions":[{"version":1,"seq":3,"op":"merge"}]}`, `op "merge"`},
		{"bad geometry", `{"versions":[{"version":1,"seq":3,"op":"create","geometry":{"type":"Point"}}]}`, `Point has no "coordinates"`},
	},
	"blob_status": {
		{"ok", `{"size":1024,"complete":true}`, ""},
		{"negative", `{"size":-1}`, "size -1 out of"},
		{"too big", `{"size":1e3}`, `member "size" must be a number, not number 1e3`},
	},
	"error_response": {
		{"ok", `{"code":"forbidden","message":"Vos droits ne permettent pas cette opération."}`, ""},
		{"empty", `{}`, "neither code nor message"},
	},
}

func TestDecoders(t *testing.T) {
	for kind, cases := range decodeCases {
		for _, c := range cases {
			t.Run(kind+"/"+c.name, func(t *testing.T) {
				_, err := decoders[kind](strings.NewReader(c.in))
				if c.err == "" {
					if err != nil {
						t.Fatalf("decode: %v", err)
					}
					checkRoundTrip(t, kind, []byte(c.in))
					return
				}
				if err == nil {
					t.Fatalf("decoded, want an error saying %q", c.err)
				}
				checkDecodeError(t, err)
				if !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %q does not say %q", err, c.err)
				}
			})
		}
	}
}

// checkDecodeError checks a decoder's error is one of the package's.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "protocol: ") {
		t.Errorf("error without prefix: %v", err)
	}
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
		t.Errorf("error is neither ErrMalformed nor ErrTooLarge: %v", err)
	}
}

// checkRoundTrip checks that what data decodes to encodes to something
// that decodes and encodes to the same bytes.
func checkRoundTrip(t *testing.T, kind string, data []byte) {
	t.Helper()
	m, err := decoders[kind](bytes.NewReader(data))
	if err != nil {
		return
	}
	var first bytes.Buffer
	if err := Encode(&first, m); err != nil {
		t.Fatalf("encode what was decoded: %v", err)
	}
	m2, err := decoders[kind](bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("decode %s: %v", first.Bytes(), err)
	}
	var second bytes.Buffer
	if err := Encode(&second, m2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("round trip differs:\n%s\n%s", first.Bytes(), second.Bytes())
	}
}

func TestDecodeLimit(t *testing.T) {
	in := `{"username":"agent","password":"secret"}`
	if _, err := DecodeTokenRequest(strings.NewReader(in), int64(len(in))); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	_, err := DecodeTokenRequest(strings.NewReader(in), int64(len(in)-1))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	_, err = DecodeTokenRequest(io.MultiReader(strings.NewReader(`{"user`), failingReader{}), 0)
	if err == nil || !strings.Contains(err.Error(), "connection reset") || errors.Is(err, ErrMalformed) {
		t.Errorf("read error: %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestGeometryRoundTrip checks every geometry type survives the wire bit for bit.
func TestGeometryRoundTrip(t *testing.T) {
	for _, g := range []orb.Geometry{
		nil,
		orb.Point{-0.1, 1e-7},
		orb.Point{4.908612345678901, 46.56281234567891},
		orb.MultiPoint{{1, 2}, {3, 4}},
		orb.LineString{{1, 2}, {3, 4}},
		orb.MultiLineString{{{1, 2}, {3, 4}}, {}},
		territory,
		orb.MultiPolygon{territory, {}},
		orb.Collection{orb.Point{1, 2}, orb.Collection{}, pipe},
		orb.LineString{},
	} {
		raw, err := marshalGeometry(g)
		if err != nil {
			t.Fatalf("%v: %v", g, err)
		}
		back, err := decodeGeometry(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !schema.GeometryEqual(g, back) {
			t.Errorf("%s read back as %v", raw, back)
		}
	}
	for _, g := range []orb.Geometry{orb.Point{nan(), 0}, orb.Collection{nil}, orb.Collection{orb.Collection{orb.Point{nan(), 1}}}} {
		if _, err := marshalGeometry(g); err == nil {
			t.Errorf("%v encoded", g)
		}
	}
	raw, _ := marshalGeometry(orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}})
	if !strings.HasPrefix(string(raw), `{"type":"Polygon"`) {
		t.Errorf("ring written as %s", raw)
	}
}

// fuzzDecoder is the body of every FuzzDecodeX: decoding never panics,
// errors are the package's, and what decodes survives a round trip.
func fuzzDecoder(f *testing.F, kind string, extra func(t *testing.T, m any)) {
	for _, c := range decodeCases[kind] {
		if len(c.in) < 4096 {
			f.Add([]byte(c.in))
		}
	}
	if golden, err := os.ReadFile(filepath.Join("testdata", "golden", kind+".json")); err == nil {
		f.Add(golden)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decoders[kind](bytes.NewReader(data))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		checkRoundTrip(t, kind, data)
		if extra != nil {
			extra(t, m)
		}
	})
}

func FuzzDecodeTokenRequest(f *testing.F)  { fuzzDecoder(f, "token_request", nil) }
func FuzzDecodeTokenResponse(f *testing.F) { fuzzDecoder(f, "token_response", nil) }
func FuzzDecodeBlobStatus(f *testing.F)    { fuzzDecoder(f, "blob_status", nil) }
func FuzzDecodeErrorResponse(f *testing.F) { fuzzDecoder(f, "error_response", nil) }

func FuzzDecodeHistoryResponse(f *testing.F) { fuzzDecoder(f, "history_response", nil) }

func FuzzDecodeLayersResponse(f *testing.F) {
	fuzzDecoder(f, "layers_response", func(t *testing.T, m any) {
		for _, l := range m.(LayersResponse).Layers {
			l.Schema.Defaults()
			l.Access.Allows(OpUpdate)
		}
	})
}

func FuzzDecodeChangesResponse(f *testing.F) {
	pei := peiLayer()
	fuzzDecoder(f, "changes_response", func(t *testing.T, m any) {
		for _, c := range m.(ChangesResponse).Changes {
			CoerceProperties(pei, c.Properties)
			CoerceProperties(nil, c.Properties)
			if c.Geometry != nil {
				pei.CheckGeometry(c.Geometry)
			}
			s := c.State()
			ChangedFields(s, base())
		}
	})
}

func FuzzDecodePushResponse(f *testing.F) {
	fuzzDecoder(f, "push_response", func(t *testing.T, m any) {
		for _, r := range m.(PushResponse).Results {
			if r.Current != nil {
				r.Current.State()
			}
		}
	})
}

// FuzzDecodePushRequest also runs what the server runs on each change:
// Validate, ValidateAgainst and Merge against a few platform states.
func FuzzDecodePushRequest(f *testing.F) {
	pei := peiLayer()
	fuzzDecoder(f, "push_request", func(t *testing.T, m any) {
		req := m.(PushRequest)
		for _, c := range req.Changes {
			if c.Validate() != nil {
				continue
			}
			c.Layer = "pei"
			v, err := c.ValidateAgainst(pei)
			if err != nil {
				var ce *ChangeError
				if !errors.As(err, &ce) || !isFrench(ce.Message) {
					t.Fatalf("ValidateAgainst: %v (%q)", err, ce.Message)
				}
				continue
			}
			for _, theirs := range []FeatureState{{}, base(), tombstone(9), serverEdit(4, v.Properties, v.GeometryChanged, v.Geometry)} {
				b := base()
				b.Version = v.BaseVersion
				o := Merge(b, theirs, v)
				if !o.Status.Valid() || o.Status == StatusConflict && o.Write || o.Write && o.Feature.Version != theirs.Version+1 {
					t.Fatalf("Merge(%+v, %+v) = %+v", theirs, v, o)
				}
			}
		}
		sq := Squash(req.Changes)
		n := len(sq.Dropped)
		for _, ids := range sq.Covers {
			n += len(ids)
		}
		if n < len(req.Changes) && !hasDuplicateChangeIDs(req.Changes) {
			t.Fatalf("Squash lost changes: %d of %d covered", n, len(req.Changes))
		}
	})
}

func hasDuplicateChangeIDs(cs []PushChange) bool {
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.ChangeID] {
			return true
		}
		seen[c.ChangeID] = true
	}
	return false
}

func FuzzParseContentRange(f *testing.F) {
	for _, c := range contentRangeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseContentRange(s)
		if err != nil {
			if !errors.Is(err, ErrBadContentRange) {
				t.Fatalf("error %v", err)
			}
			return
		}
		back, err := ParseContentRange(r.String())
		if err != nil || back != r {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, r, r.String(), back, err)
		}
		if r.Offset < 0 || r.Length < 0 || r.End() > r.Size || r.Size > MaxBlobBytes {
			t.Fatalf("%q → %+v out of bounds", s, r)
		}
	})
}

// ExampleMerge shows the platform answering an update made on version 3
// of a hydrant while someone else changed another field.
func ExampleMerge() {
	base := FeatureState{Exists: true, Version: 3, Properties: map[string]any{"debit": 60.0, "commentaire": "ok"}}
	theirs := FeatureState{Exists: true, Version: 4, Properties: map[string]any{"debit": 60.0, "commentaire": "vu"}}
	pushed := PushChange{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpUpdate, BaseVersion: 3,
		Properties: map[string]any{"debit": 70.0}}
	o := Merge(base, theirs, pushed)
	fmt.Println(o.Status, o.Feature.Version, o.Changed, o.Feature.Properties)
	// Output: merged 5 [debit] map[commentaire:vu debit:70]
}
