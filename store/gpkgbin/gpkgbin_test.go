package gpkgbin

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		geom orb.Geometry
	}{
		{"point", orb.Point{4.9, 46.56}},
		{"line", orb.LineString{{4.9, 46.5}, {4.91, 46.51}, {4.92, 46.5}}},
		{"polygon with hole", orb.Polygon{
			{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{2, 2}, {2, 4}, {4, 4}, {2, 2}},
		}},
		{"multipolygon", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
		{"multipoint", orb.MultiPoint{{1, 2}, {3, 4}}},
		{"multiline", orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Encode(c.geom, 4326)
			if err != nil {
				t.Fatal(err)
			}
			g, srs, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if srs != 4326 {
				t.Errorf("srs = %d, want 4326", srs)
			}
			if !orb.Equal(g, c.geom) {
				t.Errorf("decoded %v, want %v", g, c.geom)
			}
			bd, ok, err := Bound(b)
			if err != nil || !ok || !bd.Equal(c.geom.Bound()) {
				t.Errorf("Bound = %v %v %v, want %v", bd, ok, err, c.geom.Bound())
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	for _, g := range []orb.Geometry{nil, orb.LineString{}, orb.Polygon{}} {
		b, err := Encode(g, 4326)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := Decode(b)
		if err != nil || got != nil {
			t.Errorf("Decode(empty) = %v, %v; want nil, nil", got, err)
		}
		if _, ok, err := Bound(b); ok || err != nil {
			t.Errorf("Bound(empty) ok=%v err=%v", ok, err)
		}
	}
}

// A point written by GDAL 3.6 (ogr2ogr), big- and little-endian forms.
func TestDecodeGDAL(t *testing.T) {
	// GP, v0, flags 0x01 (LE, no envelope), srs 4326, WKB POINT(1 2).
	b, _ := hex.DecodeString("47500001e6100000" + "0101000000000000000000f03f0000000000000040")
	g, srs, err := Decode(b)
	if err != nil || srs != 4326 || !orb.Equal(g, orb.Point{1, 2}) {
		t.Fatalf("got %v %d %v", g, srs, err)
	}
	// Big-endian header, envelope type 1.
	b, _ = hex.DecodeString("47500002000010e6" +
		"3ff0000000000000" + "3ff0000000000000" + "4000000000000000" + "4000000000000000" +
		"000000000140000000000000004000000000000000")
	g, srs, err = Decode(b)
	if err != nil || srs != 4326 || !orb.Equal(g, orb.Point{2, 2}) {
		t.Fatalf("big endian: got %v %d %v", g, srs, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := map[string][]byte{
		"empty":     nil,
		"not gp":    []byte("hello world, not a geometry"),
		"truncated": {'G', 'P', 0, 3, 0, 0, 0, 0, 1, 2},
		"bad env":   {'G', 'P', 0, 0x0f, 0, 0, 0, 0},
		"version":   {'G', 'P', 9, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0},
		"bad wkb":   {'G', 'P', 0, 1, 0xe6, 0x10, 0, 0, 1, 99, 0, 0, 0},
	}
	for name, b := range cases {
		if _, _, err := Decode(b); !errors.Is(err, ErrNotGeoPackageBinary) {
			t.Errorf("%s: err = %v, want ErrNotGeoPackageBinary", name, err)
		}
	}
	if _, _, err := Decode([]byte{'G', 'P', 0, 0x21, 0, 0, 0, 0}); !errors.Is(err, ErrExtendedGeometry) {
		t.Errorf("extended: err = %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, g := range []orb.Geometry{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}} {
		b, _ := Encode(g, 4326)
		f.Add(b)
	}
	f.Add([]byte("GP"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, srs, err := Decode(b)
		if err != nil || g == nil {
			return
		}
		// Whatever decodes must re-encode and decode to the same geometry.
		again, err := Encode(g, srs)
		if errors.Is(err, ErrNonFinite) {
			return
		}
		if err != nil {
			t.Fatalf("re-encode %v: %v", g, err)
		}
		g2, _, err := Decode(again)
		if err != nil {
			t.Fatalf("decode re-encoded: %v", err)
		}
		if g2 != nil && !orb.Equal(g, g2) {
			t.Fatalf("round trip changed %v to %v", g, g2)
		}
	})
}

func BenchmarkDecodeLine(b *testing.B) {
	ls := make(orb.LineString, 50)
	for i := range ls {
		ls[i] = orb.Point{4.9 + float64(i)*1e-4, 46.5}
	}
	blob, _ := Encode(ls, 4326)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(blob); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeDropsZAndM(t *testing.T) {
	cases := map[string]struct {
		hex  string
		want orb.Geometry
	}{
		// ISO POINT Z (1 2 3), little-endian.
		"iso point z": {"01e9030000" + "000000000000f03f" + "0000000000000040" + "0000000000000840", orb.Point{1, 2}},
		// ISO LINESTRING ZM, 2 points.
		"iso line zm": {"01ba0b0000" + "02000000" +
			"000000000000f03f" + "0000000000000040" + "0000000000000840" + "0000000000001040" +
			"0000000000001440" + "0000000000001840" + "0000000000001c40" + "0000000000002040", orb.LineString{{1, 2}, {5, 6}}},
		// EWKB POINT Z with the Z flag, big-endian.
		"ewkb point z": {"0080000001" + "3ff0000000000000" + "4000000000000000" + "4008000000000000", orb.Point{1, 2}},
	}
	for name, c := range cases {
		wkbBytes, _ := hex.DecodeString(c.hex)
		blob := append([]byte{'G', 'P', 0, 1, 0xe6, 0x10, 0, 0}, wkbBytes...)
		g, _, err := Decode(blob)
		if err != nil || !orb.Equal(g, c.want) {
			t.Errorf("%s: got %v, %v; want %v", name, g, err, c.want)
		}
	}
}
