package schema

import (
	"math"
	"testing"
)

// One reading of a yes or a no for every package: RAEPA's O/N, the words
// of forms and other tools, booleans and numbers; nothing else is either.
func TestTruth(t *testing.T) {
	for _, c := range []struct {
		v         any
		value, ok bool
	}{
		{"O", true, true}, {"n", false, true}, {" Oui ", true, true}, {"NON", false, true},
		{"vrai", true, true}, {"faux", false, true}, {"yes", true, true}, {"0", false, true},
		{true, true, true}, {false, false, true}, {int64(2), true, true}, {0.0, false, true},
		{[]byte("o"), true, true},
		{"peut-être", false, false}, {"", false, false}, {nil, false, false}, {math.NaN(), false, false},
	} {
		if value, ok := Truth(c.v); value != c.value || ok != c.ok {
			t.Errorf("Truth(%#v) = %v, %v; want %v, %v", c.v, value, ok, c.value, c.ok)
		}
	}
}
