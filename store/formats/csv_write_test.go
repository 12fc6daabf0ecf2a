package formats

import (
	"bytes"
	"encoding/csv"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// FuzzCSVField: a field is quoted exactly as encoding/csv quotes it.
func FuzzCSVField(f *testing.F) {
	for _, s := range []string{"", "abc", "a,b", `say "hi"`, "l1\nl2", "cr\rlf", " lead", "\u00a0nbsp", `\.`, "é,à", "\t", "trail "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		w.Write([]string{s, "x"})
		w.Flush()
		got := append(appendCSVField(nil, s), ",x\n"...)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: got %q, encoding/csv writes %q", s, got, want.Bytes())
		}
		if got := append(appendCSVField(nil, []byte(s)), ",x\n"...); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q as bytes: got %q, encoding/csv writes %q", s, got, want.Bytes())
		}
	})
}

// TestAppendWKT: every geometry is written as orb's encoding/wkt writes it.
func TestAppendWKT(t *testing.T) {
	ring := orb.Ring{{4.9, 46.55}, {4.92, 46.55}, {4.92, 46.57}, {4.9, 46.55}}
	for _, g := range []orb.Geometry{
		orb.Point{4.9087654, 46.5612345}, orb.Point{-1e-7, 1e21}, orb.Point{845123.25, 6607123.5}, orb.Point{math.Copysign(0, -1), 0},
		orb.Point{math.Inf(1), math.NaN()}, orb.MultiPoint{}, orb.MultiPoint{{1, 2}, {3.5, -4}},
		orb.LineString{}, orb.LineString{{1, 2}, {3, 4}}, orb.MultiLineString{}, orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}},
		ring, orb.Polygon{}, orb.Polygon{ring, ring}, orb.MultiPolygon{}, orb.MultiPolygon{{ring}, {ring, ring}},
		orb.Collection{}, orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}}, orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}},
	} {
		if got, want := string(AppendWKT(nil, g)), wkt.MarshalString(g); got != want {
			t.Errorf("%#v: got %s, want %s", g, got, want)
		}
	}
}
