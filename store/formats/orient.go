package formats

import "github.com/paulmach/orb"

// RFC7946 returns g with the rings of its polygons turned as RFC 7946
// (GeoJSON) wants them: exteriors counter-clockwise, holes clockwise. Rings
// already so are shared with g; the others are reversed copies, g itself
// is left as it is.
func RFC7946(g orb.Geometry) orb.Geometry { return orient(g, orb.CCW) }

// ShapefileRings returns g with the rings of its polygons turned as the
// Shapefile format wants them: exteriors clockwise, holes
// counter-clockwise (the opposite of RFC7946).
func ShapefileRings(g orb.Geometry) orb.Geometry { return orient(g, orb.CW) }

// orient turns exterior rings to ext and holes the other way.
func orient(g orb.Geometry, ext orb.Orientation) orb.Geometry {
	switch x := g.(type) {
	case orb.Polygon:
		return orientPolygon(x, ext)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = orientPolygon(p, ext)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(x))
		for i, m := range x {
			out[i] = orient(m, ext)
		}
		return out
	}
	return g
}

func orientPolygon(p orb.Polygon, ext orb.Orientation) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		want := ext
		if i > 0 {
			want = -ext
		}
		if o := r.Orientation(); o != 0 && o != want {
			r = reversed(r)
		}
		out[i] = r
	}
	return out
}

// reversed returns a reversed copy of r.
func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}
