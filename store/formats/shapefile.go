package formats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ReadShapefile reads the ESRI Shapefile whose .shp is at path, with its
// sibling .dbf (attributes), .prj (spatial reference) and .cpg (text
// encoding) found whatever the case of their extension. The .dbf is
// optional (features then have no properties), and so are the .prj (SRS 0)
// and the .cpg (see decodeDBF for how the encoding is chosen). The .shx index
// is not needed: records are read in sequence.
//
// Shapes: Point and MultiPoint give Point and MultiPoint; PolyLine gives a
// LineString, or a MultiLineString when it has several parts; Polygon rings
// are grouped by orientation (clockwise rings are exteriors, the others
// holes of the exterior that contains them) into a Polygon or MultiPolygon,
// re-oriented the GeoJSON way (exteriors counter-clockwise); Z and M values
// are dropped; Null shapes give nil geometries. MultiPatch is refused.
// Records flagged deleted in the .dbf are skipped. Feature IDs are record
// indexes from 0, as GDAL numbers them.
func ReadShapefile(path string) (*Dataset, error) {
	src, err := OpenShapefile(path)
	if err != nil {
		return nil, err
	}
	ds, err := src.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("formats: shapefile %s: %w", filepath.Base(path), err)
	}
	return ds, nil
}

// siblings finds the files next to the .shp with the same base name and
// another extension, ignoring case; it maps lower-case extensions to paths.
func siblings(path string) (map[string]string, error) {
	dir := filepath.Dir(path)
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if e.Type()&fs.ModeType&^fs.ModeSymlink != 0 || !strings.EqualFold(strings.TrimSuffix(name, ext), stem) {
			continue
		}
		key := strings.ToLower(ext)
		// Prefer the exact-case sibling when several differ only by case.
		if prev, ok := out[key]; ok && strings.TrimSuffix(filepath.Base(prev), filepath.Ext(prev)) == stem {
			continue
		}
		out[key] = filepath.Join(dir, name)
	}
	return out, nil
}

// decodeShapefile builds a Dataset from the bytes of a .shp and .dbf (nil
// when absent) and the text of the .prj and .cpg ("" when absent), with the
// readers of OpenShapefile.
func decodeShapefile(shp, dbf []byte, prj, cpg string) (*Dataset, error) {
	var dbfOpen sizedOpener
	if dbf != nil {
		dbfOpen = sizedBytes(dbf)
	}
	src, err := openShapefile(sizedBytes(shp), dbfOpen, prj, cpg)
	if err != nil {
		return nil, err
	}
	return src.ReadAll()
}

// Shape types of the .shp format.
const (
	shapeNull        = 0
	shapePoint       = 1
	shapePolyLine    = 3
	shapePolygon     = 5
	shapeMultiPoint  = 8
	shapePointZ      = 11
	shapePolyLineZ   = 13
	shapePolygonZ    = 15
	shapeMultiPointZ = 18
	shapePointM      = 21
	shapePolyLineM   = 23
	shapePolygonM    = 25
	shapeMultiPointM = 28
	shapeMultiPatch  = 31
)

const shpHeaderLen = 100

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// shapeReader reads little-endian values from a record's content.
type shapeReader struct {
	b   []byte
	pos int
	err error
}

func (r *shapeReader) need(n int) bool {
	if r.err == nil && (n < 0 || len(r.b)-r.pos < n) {
		r.err = errors.New("content shorter than its shape needs")
	}
	return r.err == nil
}

func (r *shapeReader) int32() int {
	if !r.need(4) {
		return 0
	}
	v := int(int32(binary.LittleEndian.Uint32(r.b[r.pos:])))
	r.pos += 4
	return v
}

func (r *shapeReader) point() orb.Point {
	if !r.need(16) {
		return orb.Point{}
	}
	p := orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.pos:])),
		math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.pos+8:])),
	}
	r.pos += 16
	if r.err == nil && !finite(p) {
		r.err = fmt.Errorf("coordinate (%g, %g) is not a finite number", p[0], p[1])
	}
	return p
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// decodeShape decodes one record's content (shape type onwards).
func decodeShape(content []byte) (orb.Geometry, error) {
	r := &shapeReader{b: content}
	typ := r.int32()
	if r.err != nil {
		return nil, r.err
	}
	switch typ {
	case shapeNull:
		return nil, nil
	case shapePoint, shapePointZ, shapePointM:
		p := r.point()
		return p, r.err
	case shapeMultiPoint, shapeMultiPointZ, shapeMultiPointM:
		r.need(32) // bounding box
		r.pos += 32
		n := r.int32()
		if !r.need(n * 16) {
			return nil, fmt.Errorf("%d points: %w", n, r.err)
		}
		mp := make(orb.MultiPoint, n)
		for i := range mp {
			mp[i] = r.point()
		}
		return mp, r.err
	case shapePolyLine, shapePolyLineZ, shapePolyLineM, shapePolygon, shapePolygonZ, shapePolygonM:
		parts, err := readParts(r)
		if err != nil {
			return nil, err
		}
		switch typ {
		case shapePolyLine, shapePolyLineZ, shapePolyLineM:
			if len(parts) == 0 {
				return nil, nil
			}
			if len(parts) == 1 {
				return orb.LineString(parts[0]), nil
			}
			mls := make(orb.MultiLineString, len(parts))
			for i, p := range parts {
				mls[i] = p
			}
			return mls, nil
		}
		return assemblePolygons(parts), nil
	case shapeMultiPatch:
		return nil, errors.New("MultiPatch shapes are not supported")
	}
	return nil, fmt.Errorf("unknown shape type %d", typ)
}

// readParts reads the parts of a PolyLine or Polygon record (box, part
// count, point count, part starts, points; Z and M arrays after them are
// ignored).
func readParts(r *shapeReader) ([][]orb.Point, error) {
	r.need(32)
	r.pos += 32
	nparts := r.int32()
	npoints := r.int32()
	if r.err != nil {
		return nil, r.err
	}
	if nparts < 0 || npoints < 0 || !r.need(4*nparts+16*npoints) {
		return nil, fmt.Errorf("%d parts of %d points do not fit in %d bytes", nparts, npoints, len(r.b))
	}
	if nparts == 0 {
		if npoints != 0 {
			return nil, fmt.Errorf("%d points in no part", npoints)
		}
		return nil, nil
	}
	starts := make([]int, nparts)
	for i := range starts {
		starts[i] = r.int32()
		if starts[i] < 0 || starts[i] > npoints || i > 0 && starts[i] < starts[i-1] {
			return nil, fmt.Errorf("part %d starts at point %d, out of order or beyond the %d points", i, starts[i], npoints)
		}
	}
	if starts[0] != 0 {
		return nil, fmt.Errorf("first part starts at point %d, not 0", starts[0])
	}
	pts := make([]orb.Point, npoints)
	for i := range pts {
		pts[i] = r.point()
	}
	if r.err != nil {
		return nil, r.err
	}
	parts := make([][]orb.Point, 0, nparts)
	for i, s := range starts {
		end := npoints
		if i+1 < nparts {
			end = starts[i+1]
		}
		if end > s {
			parts = append(parts, pts[s:end:end])
		}
	}
	return parts, nil
}

// assemblePolygons groups shapefile rings into polygons: clockwise rings are
// exteriors; every other ring is a hole of the smallest exterior containing
// it, or an exterior of its own when none does. Rings are closed when they
// are not, and oriented exterior counter-clockwise, holes clockwise. It
// returns a Polygon when there is one exterior, else a MultiPolygon (nil
// geometry when there is no ring at all).
func assemblePolygons(parts [][]orb.Point) orb.Geometry {
	type exterior struct {
		poly orb.Polygon
		area float64
	}
	var exts []exterior
	var holes []orb.Ring
	for _, p := range parts {
		ring := orb.Ring(p)
		if len(ring) > 0 && !ring.Closed() {
			ring = append(ring[:len(ring):len(ring)], ring[0])
		}
		area := math.Abs(planar.Area(ring))
		if ring.Orientation() == orb.CW {
			exts = append(exts, exterior{poly: orb.Polygon{ring}, area: area})
		} else {
			holes = append(holes, ring)
		}
	}
	for _, h := range holes {
		best := -1
		for i, e := range exts {
			if (best < 0 || e.area < exts[best].area) && ringInside(h, e.poly[0]) {
				best = i
			}
		}
		if best < 0 {
			exts = append(exts, exterior{poly: orb.Polygon{h}, area: math.Abs(planar.Area(h))})
			continue
		}
		exts[best].poly = append(exts[best].poly, h)
	}
	for _, e := range exts {
		for i, r := range e.poly {
			cw := r.Orientation() == orb.CW
			if (i == 0) == cw { // exterior CW or hole CCW: reverse
				r.Reverse()
			}
		}
	}
	switch len(exts) {
	case 0:
		return nil
	case 1:
		return exts[0].poly
	}
	mp := make(orb.MultiPolygon, len(exts))
	for i, e := range exts {
		mp[i] = e.poly
	}
	return mp
}

// ringInside reports whether hole lies inside ext, judging by the first of
// its vertices that is not on ext's boundary.
func ringInside(hole, ext orb.Ring) bool {
	if !ext.Bound().Contains(hole.Bound().Min) || !ext.Bound().Contains(hole.Bound().Max) {
		return false
	}
	for _, p := range hole {
		if onBoundary(ext, p) {
			continue
		}
		return planar.RingContains(ext, p)
	}
	return true // every vertex on the boundary: take it as inside
}

func onBoundary(r orb.Ring, p orb.Point) bool {
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if (b[0]-a[0])*(p[1]-a[1])-(b[1]-a[1])*(p[0]-a[0]) == 0 &&
			math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1]) {
			return true
		}
	}
	return false
}
