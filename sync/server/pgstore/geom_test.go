package pgstore

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestGeometriesRoundTripThroughPostGIS(t *testing.T) {
	st := openTestStorage(t)
	ctx := context.Background()
	geoms := []orb.Geometry{
		orb.Point{4.9, 46.56},
		orb.LineString{{4.9, 46.5}, {4.91, 46.51}},
		orb.Polygon{{{4.9, 46.5}, {4.91, 46.5}, {4.91, 46.51}, {4.9, 46.5}}},
		orb.MultiPoint{{4.9, 46.5}, {4.91, 46.51}},
		orb.MultiLineString{{{4.9, 46.5}, {4.91, 46.51}}},
		orb.MultiPolygon{{{{4.9, 46.5}, {4.91, 46.5}, {4.91, 46.51}, {4.9, 46.5}}}},
	}
	for _, g := range geoms {
		b, err := encodeGeom(g)
		if err != nil {
			t.Fatal(err)
		}
		var back []byte
		var srid int
		if err := st.pool.QueryRow(ctx, `SELECT ST_AsEWKB(ST_GeomFromEWKB($1::bytea)), ST_SRID(ST_GeomFromEWKB($1::bytea))`, b).Scan(&back, &srid); err != nil {
			t.Fatalf("%T: %v", g, err)
		}
		got, err := decodeGeom(back)
		if err != nil || !reflect.DeepEqual(got, g) || srid != srid4326 {
			t.Errorf("%T came back as %v (SRID %d), %v", g, got, srid, err)
		}
	}
}

const srid4326 = 4326

func TestZAndMGeometriesAreRefusedNotMisread(t *testing.T) {
	st := openTestStorage(t)
	ctx := context.Background()
	for _, wkt := range []string{
		"SRID=4326;POINT Z (4.9 46.5 180)",
		"SRID=4326;POINT M (4.9 46.5 3)",
		"SRID=4326;LINESTRING ZM (4.9 46.5 1 2, 4.91 46.51 1 2)",
		"SRID=4326;MULTIPOINT Z ((4.9 46.5 1), (4.91 46.51 2))",
	} {
		for _, fn := range []string{"ST_AsEWKB", "ST_AsBinary"} {
			var b []byte
			if err := st.pool.QueryRow(ctx, `SELECT `+fn+`($1::geometry)`, wkt).Scan(&b); err != nil {
				t.Fatal(err)
			}
			if g, err := decodeGeom(b); !errors.Is(err, ErrNot2D) {
				t.Errorf("%s of %s decoded as %v, %v; want ErrNot2D", fn, wkt, g, err)
			}
		}
	}
	if g, err := decodeGeom(nil); g != nil || err != nil {
		t.Errorf("no geometry decoded as %v, %v", g, err)
	}
}

func FuzzDecodeGeom(f *testing.F) {
	for _, g := range []orb.Geometry{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}, orb.Collection{orb.Point{1, 2}}} {
		b, _ := encodeGeom(g)
		f.Add(b)
	}
	f.Add([]byte{1, 1, 0, 0, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGeom(b)
		if err == nil && len(b) > 0 && g == nil {
			t.Errorf("%x decoded as no geometry without an error", b)
		}
	})
}
