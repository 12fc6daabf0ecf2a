package protocol

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

func goodCreate() PushChange {
	return PushChange{ChangeID: changeA, Layer: "pei", ID: feature2, Op: OpCreate,
		Properties: map[string]any{"numero": num("13"), "type_pei": "PI", "disponible": "oui"}, GeometryChanged: true, Geometry: tournus}
}

func TestPushChangeValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*PushChange)
		want   string // part of the error, "" for none
	}{
		{"good create", func(*PushChange) {}, ""},
		{"good update", func(c *PushChange) { c.Op, c.ID, c.BaseVersion = OpUpdate, "imported-42", 3 }, ""},
		{"good update of geometry only", func(c *PushChange) { c.Op, c.BaseVersion, c.Properties = OpUpdate, 3, nil }, ""},
		{"good update of attachments only", func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties, c.GeometryChanged, c.Geometry, c.Attachments = OpUpdate, 3, nil, false, nil, []string{hashA}
		}, ""},
		{"good delete", func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties, c.GeometryChanged, c.Geometry = OpDelete, 3, nil, false, nil
		}, ""},
		{"UUID v4 id", func(c *PushChange) { c.ID = "3f2b8c1e-9d4a-4e6b-8f0c-1a2b3c4d5e6f" }, ""},
		{"uppercase UUID", func(c *PushChange) { c.ID = "3F2B8C1E-9D4A-4E6B-8F0C-1A2B3C4D5E6F" }, "not a UUID"},
		{"nil UUID", func(c *PushChange) { c.ID = "00000000-0000-0000-0000-000000000000" }, "not a UUID"},
		{"non-UUID id on create", func(c *PushChange) { c.ID = "imported-42" }, "not a UUID"},
		{"empty id on update", func(c *PushChange) { c.Op, c.ID, c.BaseVersion = OpUpdate, "", 3 }, "not a feature id"},
		{"id with a space", func(c *PushChange) { c.Op, c.ID, c.BaseVersion = OpUpdate, "a b", 3 }, "not a feature id"},
		{"change id not a UUID", func(c *PushChange) { c.ChangeID = "1" }, "change_id"},
		{"unknown op", func(c *PushChange) { c.Op = "upsert" }, "op"},
		{"bad layer name", func(c *PushChange) { c.Layer = "pei; drop table" }, "layer"},
		{"negative base", func(c *PushChange) { c.Op, c.BaseVersion = OpUpdate, -1 }, "negative"},
		{"create with a base", func(c *PushChange) { c.BaseVersion = 2 }, "base_version 2"},
		{"update at base 0", func(c *PushChange) { c.Op = OpUpdate }, "never synced"},
		{"delete with properties", func(c *PushChange) { c.Op, c.BaseVersion, c.GeometryChanged, c.Geometry = OpDelete, 3, false, nil }, "delete carries"},
		{"delete with geometry", func(c *PushChange) { c.Op, c.BaseVersion, c.Properties = OpDelete, 3, nil }, "delete carries"},
		{"empty update", func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties, c.GeometryChanged, c.Geometry = OpUpdate, 3, map[string]any{}, false, nil
		}, "changes nothing"},
		{"geometry without flag", func(c *PushChange) { c.GeometryChanged = false }, "geometry_changed is false"},
		{"property name not an identifier", func(c *PushChange) { c.Properties["débit"] = 1 }, "not a plain identifier"},
		{"reserved property name", func(c *PushChange) { c.Properties["geom"] = 1 }, "reserved"},
		{"object value", func(c *PushChange) { c.Properties["debit"] = map[string]any{"v": 1} }, "an object"},
		{"NaN value", func(c *PushChange) { c.Properties["debit"] = nan() }, "non-finite"},
		{"foreign geometry", func(c *PushChange) { c.Geometry = orb.Collection{nil} }, "not a GeoJSON geometry"},
		{"bad attachment", func(c *PushChange) { c.Attachments = []string{"ABC"} }, "sha256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := goodCreate()
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ce *ChangeError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidChange) || ce.Code != CodeMalformed {
				t.Fatalf("Validate = %v, want a malformed *ChangeError", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if !isFrench(ce.Message) {
				t.Errorf("message %q", ce.Message)
			}
			if r := Rejected(c.ChangeID, err); r.Status != StatusRejected || r.Code != CodeMalformed || r.Message != ce.Message {
				t.Errorf("Rejected = %+v", r)
			}
		})
	}
}

func TestValidateAgainst(t *testing.T) {
	pei := peiLayer()
	cases := []struct {
		name   string
		layer  *schema.Layer
		change func(*PushChange)
		code   string       // "" when valid
		fields []FieldIssue // Field and Code only
		check  func(*testing.T, PushChange)
	}{
		{name: "create, values coerced", change: func(*PushChange) {}, check: func(t *testing.T, c PushChange) {
			want := map[string]any{"numero": int64(13), "type_pei": "PI", "disponible": true}
			if !reflect.DeepEqual(c.Properties, want) {
				t.Errorf("properties %#v, want %#v", c.Properties, want)
			}
		}},
		{name: "multi layer: point promoted", layer: &schema.Layer{Name: "pei", GeometryType: schema.MultiPoint, Fields: pei.Fields},
			change: func(*PushChange) {}, check: func(t *testing.T, c PushChange) {
				if _, ok := c.Geometry.(orb.MultiPoint); !ok {
					t.Errorf("geometry %T, want orb.MultiPoint", c.Geometry)
				}
			}},
		{name: "update of one field", change: func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties, c.GeometryChanged, c.Geometry = OpUpdate, 3, map[string]any{"debit": num("61.5")}, false, nil
		}, check: func(t *testing.T, c PushChange) {
			if c.Properties["debit"] != 61.5 || len(c.Properties) != 1 {
				t.Errorf("properties %#v", c.Properties)
			}
		}},
		{name: "delete needs nothing", change: func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties, c.GeometryChanged, c.Geometry = OpDelete, 3, nil, false, nil
		}},
		{name: "create without the required field", change: func(c *PushChange) { delete(c.Properties, "numero") },
			code: CodeInvalidValue, fields: []FieldIssue{{Field: "numero", Code: CodeRequired}}},
		{name: "update emptying the required field", change: func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties = OpUpdate, 3, map[string]any{"numero": nil}
		}, code: CodeInvalidValue, fields: []FieldIssue{{Field: "numero", Code: CodeRequired}}},
		{name: "update of a read-only field", change: func(c *PushChange) {
			c.Op, c.BaseVersion, c.Properties = OpUpdate, 3, map[string]any{"insee": "71543"}
		}, code: CodeInvalidValue, fields: []FieldIssue{{Field: "insee", Code: CodeReadOnlyField}}},
		{name: "create may set a read-only field", change: func(c *PushChange) { c.Properties["insee"] = "71543" }},
		{name: "value outside the domain", change: func(c *PushChange) { c.Properties["type_pei"] = "XX" },
			code: CodeInvalidValue, fields: []FieldIssue{{Field: "type_pei", Code: CodeInvalidValue}}},
		{name: "not a number, unknown field", change: func(c *PushChange) { c.Properties["debit"] = "beaucoup"; c.Properties["couleur"] = "rouge" },
			code: CodeInvalidValue, fields: []FieldIssue{{Field: "couleur", Code: CodeUnknownField}, {Field: "debit", Code: CodeInvalidValue}}},
		{name: "whole number field given a fraction", change: func(c *PushChange) { c.Properties["numero"] = num("13.5") },
			code: CodeInvalidValue, fields: []FieldIssue{{Field: "numero", Code: CodeInvalidValue}}},
		{name: "line on a point layer", change: func(c *PushChange) { c.Geometry = orb.LineString{{4.9, 46.5}, {4.91, 46.51}} },
			code: CodeInvalidGeometry, fields: []FieldIssue{{Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "Lambert-93 coordinates", change: func(c *PushChange) { c.Geometry = orb.Point{842000, 6602000} },
			code: CodeInvalidGeometry, fields: []FieldIssue{{Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "value and geometry both wrong", change: func(c *PushChange) { c.Properties["type_pei"] = "XX"; c.Geometry = orb.MultiPoint{} },
			code: CodeInvalidValue, fields: []FieldIssue{{Field: "type_pei", Code: CodeInvalidValue}, {Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "a creation without position", change: func(c *PushChange) { c.Geometry = nil },
			code: CodeInvalidGeometry, fields: []FieldIssue{{Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "a creation without geometry member", change: func(c *PushChange) { c.Geometry, c.GeometryChanged = nil, false },
			code: CodeInvalidGeometry, fields: []FieldIssue{{Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "an update removing the position", change: func(c *PushChange) {
			c.Op, c.BaseVersion, c.Geometry, c.Properties = OpUpdate, 1, orb.Collection{}, nil
		}, code: CodeInvalidGeometry, fields: []FieldIssue{{Field: GeometryField, Code: CodeInvalidGeometry}}},
		{name: "wrong layer", layer: canalLayer(), change: func(*PushChange) {}, code: CodeUnknownLayer},
		{name: "read-only layer", layer: &schema.Layer{Name: "pei", GeometryType: schema.Point, ReadOnly: true}, change: func(*PushChange) {},
			code: CodeReadOnlyLayer},
		{name: "malformed first", change: func(c *PushChange) { c.ChangeID = "" }, code: CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			layer := tc.layer
			if layer == nil {
				layer = pei
			}
			c := goodCreate()
			tc.change(&c)
			sent := clonePush(c)
			got, err := c.ValidateAgainst(layer)
			if !reflect.DeepEqual(c, sent) {
				t.Errorf("ValidateAgainst changed its receiver")
			}
			if tc.code == "" {
				if err != nil {
					t.Fatalf("ValidateAgainst: %v", err)
				}
				if tc.check != nil {
					tc.check(t, got)
				}
				return
			}
			var ce *ChangeError
			if !errors.As(err, &ce) || ce.Code != tc.code {
				t.Fatalf("ValidateAgainst = %v, want code %s", err, tc.code)
			}
			if !isFrench(ce.Message) {
				t.Errorf("message %q", ce.Message)
			}
			var fields []FieldIssue
			for _, f := range ce.Fields {
				if !isFrench(f.Message) {
					t.Errorf("field message %q", f.Message)
				}
				fields = append(fields, FieldIssue{Field: f.Field, Code: f.Code})
			}
			if !reflect.DeepEqual(fields, tc.fields) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
			if tc.code == CodeInvalidValue && !errors.Is(err, schema.ErrInvalidValue) ||
				tc.code == CodeInvalidGeometry && !errors.Is(err, schema.ErrInvalidGeometry) {
				t.Errorf("%v does not match the schema sentinel", err)
			}
		})
	}
}

// TestFieldMessages pins a few French messages as a person reads them.
func TestFieldMessages(t *testing.T) {
	c := goodCreate()
	c.Properties["type_pei"] = "XX"
	c.Properties["debit"] = "beaucoup"
	c.Geometry = orb.LineString{{4.9, 46.5}, {4.91, 46.51}}
	_, err := c.ValidateAgainst(peiLayer())
	var ce *ChangeError
	if !errors.As(err, &ce) {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Couche « Poteaux et bouches incendie » : ",
		"Le champ « Débit (m³/h) » attend un nombre : « beaucoup » ne convient pas.",
		"« XX » n'est pas une valeur de la liste du champ « Type ».",
		"La couche « Poteaux et bouches incendie » contient des points : cette géométrie n'en est pas.",
	} {
		if !strings.Contains(ce.Message, want) {
			t.Errorf("message %q lacks %q", ce.Message, want)
		}
	}
}

func TestCoerceProperties(t *testing.T) {
	props := map[string]any{"numero": num("12"), "debit": num("60"), "disponible": num("1"), "date_ct": "14/03/2025",
		"commentaire": num("12.50"), "couleur": "rouge"}
	got, issues := CoerceProperties(peiLayer(), props)
	want := map[string]any{"numero": int64(12), "debit": 60.0, "disponible": true, "date_ct": "2025-03-14", "commentaire": "12.50"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CoerceProperties = %#v, want %#v", got, want)
	}
	if len(issues) != 1 || issues[0].Field != "couleur" || issues[0].Code != CodeUnknownField {
		t.Errorf("issues %v", issues)
	}
	got, _ = CoerceProperties(nil, map[string]any{"a": num("12"), "b": num("1.5"), "c": num("1e400"), "d": "x"})
	want = map[string]any{"a": int64(12), "b": 1.5, "c": num("1e400"), "d": "x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CoerceProperties(nil) = %#v, want %#v", got, want)
	}
}

func TestSquash(t *testing.T) {
	upd := func(id string, base int64, props map[string]any) PushChange {
		return PushChange{ChangeID: id, Layer: "pei", ID: feature1, Op: OpUpdate, BaseVersion: base, Properties: props}
	}
	other := PushChange{ChangeID: changeD, Layer: "pei", ID: feature2, Op: OpUpdate, BaseVersion: 1, Properties: map[string]any{"debit": 1.0}}
	create := PushChange{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpCreate, Properties: map[string]any{"numero": int64(1), "debit": 10.0},
		GeometryChanged: true, Geometry: tournus}
	cases := []struct {
		name    string
		in      []PushChange
		want    []PushChange
		covers  map[string][]string
		dropped []string
	}{
		{name: "two updates of one field",
			in:     []PushChange{upd(changeA, 3, map[string]any{"debit": 70.0}), other, upd(changeB, 3, map[string]any{"debit": 75.0, "numero": int64(2)})},
			want:   []PushChange{upd(changeB, 3, map[string]any{"debit": 75.0, "numero": int64(2)}), other},
			covers: map[string][]string{changeB: {changeA, changeB}, changeD: {changeD}}},
		{name: "create then updates",
			in: []PushChange{create, upd(changeB, 0, map[string]any{"debit": 20.0}),
				{ChangeID: changeC, Layer: "pei", ID: feature1, Op: OpUpdate, GeometryChanged: true, Geometry: moved, Attachments: []string{hashA}}},
			want: []PushChange{{ChangeID: changeC, Layer: "pei", ID: feature1, Op: OpCreate, Properties: map[string]any{"numero": int64(1), "debit": 20.0},
				GeometryChanged: true, Geometry: moved, Attachments: []string{hashA}}},
			covers: map[string][]string{changeC: {changeA, changeB, changeC}}},
		{name: "create then delete",
			in:      []PushChange{create, other, upd(changeB, 0, map[string]any{"debit": 20.0}), {ChangeID: changeC, Layer: "pei", ID: feature1, Op: OpDelete}},
			want:    []PushChange{other},
			covers:  map[string][]string{changeD: {changeD}},
			dropped: []string{changeA, changeB, changeC}},
		{name: "update then delete",
			in:     []PushChange{upd(changeA, 3, map[string]any{"debit": 70.0}), {ChangeID: changeB, Layer: "pei", ID: feature1, Op: OpDelete, BaseVersion: 3}},
			want:   []PushChange{{ChangeID: changeB, Layer: "pei", ID: feature1, Op: OpDelete, BaseVersion: 3}},
			covers: map[string][]string{changeB: {changeA, changeB}}},
		{name: "different bases are not folded",
			in:     []PushChange{upd(changeA, 3, map[string]any{"debit": 70.0}), upd(changeB, 4, map[string]any{"debit": 75.0})},
			want:   []PushChange{upd(changeA, 3, map[string]any{"debit": 70.0}), upd(changeB, 4, map[string]any{"debit": 75.0})},
			covers: map[string][]string{changeA: {changeA}, changeB: {changeB}}},
		{name: "nothing follows a delete",
			in:     []PushChange{{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpDelete, BaseVersion: 3}, upd(changeB, 3, map[string]any{"debit": 75.0})},
			want:   []PushChange{{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpDelete, BaseVersion: 3}, upd(changeB, 3, map[string]any{"debit": 75.0})},
			covers: map[string][]string{changeA: {changeA}, changeB: {changeB}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := make([]PushChange, len(tc.in))
			for i, c := range tc.in {
				in[i] = clonePush(c)
			}
			got := Squash(in)
			if !reflect.DeepEqual(in, tc.in) {
				t.Errorf("Squash changed its input")
			}
			if !reflect.DeepEqual(got.Changes, tc.want) {
				t.Errorf("changes\n%+v\nwant\n%+v", got.Changes, tc.want)
			}
			if !reflect.DeepEqual(got.Covers, tc.covers) {
				t.Errorf("covers %v, want %v", got.Covers, tc.covers)
			}
			if !reflect.DeepEqual(got.Dropped, tc.dropped) {
				t.Errorf("dropped %v, want %v", got.Dropped, tc.dropped)
			}
		})
	}
}

// TestSquashThenMerge shows why Squash exists: two local edits of one field,
// pushed apart, conflict with each other; squashed, they apply.
func TestSquashThenMerge(t *testing.T) {
	first := pushUpdate(map[string]any{"debit": 70.0})
	second := pushUpdate(map[string]any{"debit": 75.0})
	second.ChangeID = changeB
	after := Merge(base(), base(), first)
	if after.Status != StatusApplied {
		t.Fatal(after.Status)
	}
	if got := Merge(base(), after.Feature, second); got.Status != StatusConflict {
		t.Fatalf("unsquashed second edit: %s, want the conflict Squash avoids", got.Status)
	}
	sq := Squash([]PushChange{first, second})
	if got := Merge(base(), base(), sq.Changes[0]); got.Status != StatusApplied || got.Feature.Properties["debit"] != 75.0 {
		t.Fatalf("squashed: %s %v", got.Status, got.Feature.Properties)
	}
	// The answer to the squashed push is lost; more edits follow; the
	// re-squashed push (a new change id) meets its own first version.
	third := pushUpdate(map[string]any{"numero": int64(14)})
	third.ChangeID = changeC
	sq2 := Squash([]PushChange{first, second, third})
	written := Merge(base(), base(), sq.Changes[0]).Feature
	if got := Merge(base(), written, sq2.Changes[0]); got.Status != StatusMerged || got.Feature.Properties["numero"] != int64(14) {
		t.Fatalf("re-sent after more edits: %s %v", got.Status, got.Feature.Properties)
	}
}

func TestPushResponseCheck(t *testing.T) {
	req := PushRequest{ClientID: "poste-mairie", Changes: []PushChange{{ChangeID: changeA}, {ChangeID: changeB}}}
	ok := PushResponse{Results: []PushResult{{ChangeID: changeA}, {ChangeID: changeB}}}
	if err := ok.Check(req); err != nil {
		t.Error(err)
	}
	for _, bad := range []PushResponse{{Results: ok.Results[:1]}, {Results: []PushResult{{ChangeID: changeB}, {ChangeID: changeA}}}} {
		if err := bad.Check(req); !errors.Is(err, ErrMalformed) {
			t.Errorf("Check(%v) = %v", bad, err)
		}
	}
}
