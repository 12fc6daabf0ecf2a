package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// FuzzAppendString holds AppendString to encoding/json's bytes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "Mâcon", "\x00\"\\\xff", "<a&b>", "\u2028\u2029", "tab\tret\r\nbs\b ff\f", "\xed\xa0\x80 🚒"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: wrote %s, encoding/json writes %s", s, got, want)
		}
	})
}

// FuzzAppendObject holds AppendObject to encoding/json's bytes for the
// values properties hold: a key, a text, an integer, a float and a boolean.
func FuzzAppendObject(f *testing.F) {
	f.Add("nom", "Église", int64(42), 3.25, true)
	f.Add("", "", int64(0), 0.0, false)
	f.Add("a<b", "\xff", int64(math.MinInt64), 1e-7, true)
	f.Add("z", "x", int64(math.MaxInt64), 1e21, false)
	f.Add("k", "€", int64(-1), -123456789.125, true)
	f.Fuzz(func(t *testing.T, key, text string, n int64, x float64, b bool) {
		props := map[string]any{key: text, key + "_n": n, key + "_x": x, key + "_b": b, key + "_z": nil}
		got, err := AppendObject(nil, props)
		want, werr := json.Marshal(props)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if !errors.Is(err, ErrNotFinite) || werr == nil {
				t.Fatalf("%v: err %v, encoding/json %v", x, err, werr)
			}
			return
		}
		if err != nil || werr != nil {
			t.Fatal(err, werr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("wrote %s, encoding/json writes %s", got, want)
		}
	})
}

func TestAppendValueJSONNumber(t *testing.T) {
	for _, c := range []struct {
		in   json.Number
		want string
		err  bool
	}{{"12.50", "12.50", false}, {"", "0", false}, {"1e3", "1e3", false}, {"x", "", true}, {"01", "", true}} {
		got, err := AppendValue(nil, c.in)
		if (err != nil) != c.err || string(got) != c.want {
			t.Errorf("%q: got %s, %v; want %s (error %v)", c.in, got, err, c.want, c.err)
		}
		want, werr := json.Marshal(c.in)
		if (werr != nil) != c.err || !c.err && string(want) != c.want {
			t.Errorf("%q: encoding/json writes %s, %v", c.in, want, werr)
		}
	}
}
