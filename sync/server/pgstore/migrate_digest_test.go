package pgstore

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// Values that PostgreSQL gives back in another form compare equal; values
// that differ do not.
func TestCanonicalValues(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 30, 0, 123456789, time.FixedZone("CET", 3600))
	little, err := ewkb.Marshal(orb.Point{4.9, 46.55}, srid)
	if err != nil {
		t.Fatal(err)
	}
	big, err := ewkb.Marshal(orb.Point{4.9, 46.55}, srid, binary.BigEndian)
	if err != nil {
		t.Fatal(err)
	}
	moved, _ := ewkb.Marshal(orb.Point{4.9, 46.56}, srid)
	cases := []struct {
		name  string
		k     kind
		a, b  any
		equal bool
	}{
		{"time to the microsecond, any zone", kTime, at, at.UTC().Truncate(time.Microsecond), true},
		{"another microsecond", kTime, at, at.Add(time.Microsecond), false},
		{"geometry in either byte order", kGeom, little, big, true},
		{"a moved point", kGeom, little, moved, false},
		{"no geometry", kGeom, []byte(nil), nil, true},
		{"JSON keys in any order, jsonb spacing", kJSON, `{"b":1,"a":"x"}`, `{"a": "x", "b": 1}`, true},
		{"JSON numbers as jsonb prints them", kJSON, `{"d":60.5,"n":1e21}`, `{"d": 60.5, "n": 1000000000000000000000}`, true},
		{"no properties: null or {}", kJSON, `null`, `{}`, true},
		{"a changed value", kJSON, `{"a":"x"}`, `{"a":"y"}`, false},
		{"a NULL and an empty text", kPlain, nil, "", false},
		{"changed fields: NULL and none", kPlain, []string(nil), []string{}, false},
		{"integers of any width", kPlain, int64(7), plainValue(int32(7)), true},
	}
	for _, c := range cases {
		a, errA := canon(c.k, c.a)
		b, errB := canon(c.k, c.b)
		if errA != nil || errB != nil {
			t.Errorf("%s: %v %v", c.name, errA, errB)
			continue
		}
		if (a == b) != c.equal {
			t.Errorf("%s: %q and %q equal %v, want %v", c.name, a, b, a == b, c.equal)
		}
	}
}

// A digest does not depend on the order rows come in, and two equal rows
// do not cancel out.
func TestDigestOrderFree(t *testing.T) {
	var a, b, twice digest
	a.add("1", "pei")
	a.add("2", "canalaep")
	b.add("2", "canalaep")
	b.add("1", "pei")
	if !a.equal(b) {
		t.Errorf("order changed the digest: %s %s", a.Sum(), b.Sum())
	}
	twice.add("1", "pei")
	twice.add("1", "pei")
	var none digest
	none.Rows = 2
	if twice.equal(none) || twice.Sum() == none.Sum() {
		t.Error("two equal rows cancelled out")
	}
	var one, two digest
	one.add("1,pei")
	two.add("1", "pei")
	if one.equal(two) {
		t.Error("a row of one field equals a row of two")
	}
}
