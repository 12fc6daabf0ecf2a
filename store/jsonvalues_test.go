package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestAppendPropertiesIsJSON(t *testing.T) {
	cases := []map[string]any{
		{},
		{"nom": "Église \"Saint\"-Philibert\\\n\t\x01", "n": int64(-42), "r": 3.25, "b": true, "z": nil},
		{"big": 1e300, "small": 1e-9, "nan": nil, "bad utf8": "a\xffb"},
	}
	for _, c := range cases {
		b, err := appendProperties(nil, c)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		want, _ := json.Marshal(c)
		var wantBack map[string]any
		json.Unmarshal(want, &wantBack)
		if !reflect.DeepEqual(back, wantBack) {
			t.Errorf("got %v, want %v", back, wantBack)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("Mâcon")
	f.Add("\x00\"\\\xff")
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("%q: got %q, want %q", s, back, wantBack)
		}
	})
}
