package store

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func TestAppendPropertiesIsJSON(t *testing.T) {
	cases := []map[string]any{
		{},
		{"nom": "Église \"Saint\"-Philibert\\\n\t\x01", "n": int64(-42), "r": 3.25, "b": true, "z": nil},
		{"big": 1e300, "small": 1e-9, "nan": nil, "bad utf8": "a\xffb"},
		{"nan": math.NaN(), "inf": math.Inf(-1), "x": 1.5},
	}
	for _, c := range cases {
		b, err := appendProperties(nil, c)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(finiteOnly(c)); !bytes.Equal(b, want) {
			t.Errorf("wrote %s, encoding/json writes %s", b, want)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		want, _ := json.Marshal(finiteOnly(c))
		var wantBack map[string]any
		json.Unmarshal(want, &wantBack)
		if !reflect.DeepEqual(back, wantBack) {
			t.Errorf("got %v, want %v", back, wantBack)
		}
	}
}

// finiteOnly is props with NaN and infinities as nil, as appendProperties
// writes them.
func finiteOnly(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		out[k] = v
	}
	return out
}
