package formats

import (
	"encoding/binary"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/fileout"
	"terrimap/store/schema"
)

// WriteShapefile writes ds as an ESRI Shapefile at path (a .shp): the
// .shp and .shx of the geometries, the .dbf of the properties (UTF-8, said
// by the .cpg), and the .prj of ds.SRS (EPSG:4326 or 2154). Every file is
// written beside its final name and renamed into place once all are
// written. geomType is the layer's geometry type; for AnyGeometry the
// file takes the kind of the first geometry.
//
// A Shapefile holds one kind of geometry: points (several points make a
// MultiPoint file), lines or polygons (rings turned clockwise for
// exteriors, as the format wants). What the files cannot hold as it was is
// returned as warnings: field names cut to 10 characters (made unique),
// texts over 254 bytes cut, date-times written as text, geometries of
// another kind dropped.
func WriteShapefile(path string, ds *Dataset, geomType schema.GeometryType) ([]Warning, error) {
	plan := NewShapefilePlan(ds.Fields, geomType)
	rec := Record{Values: make([]any, len(ds.Fields))}
	each := func(fn func(*Record) error) error {
		for _, f := range ds.Features {
			rec.Geometry = f.Geometry
			for i, fl := range ds.Fields {
				rec.Values[i] = f.Properties[fl.Name]
			}
			if err := fn(&rec); err != nil {
				return err
			}
		}
		return nil
	}
	each(func(r *Record) error { plan.Add(r); return nil })
	w, err := plan.Create(path, ds.SRS)
	if err != nil {
		return nil, err
	}
	if err := each(w.Write); err != nil {
		w.Abort()
		return nil, err
	}
	return w.Close()
}

// fileData is one file of a set: its extension and content.
type fileData struct {
	ext  string
	data []byte
}

// writeFileSet writes the files of a set (a MIF's .mif and .mid) beside
// path, each with its extension in place of path's, all or none
// (fileout.WriteSet).
func writeFileSet(path string, files []fileData) error {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = base + f.ext
	}
	return fileout.WriteSet(paths, func(i int, w io.Writer) error { _, err := w.Write(files[i].data); return err })
}

// shapeKind is the shape type that holds g: shapeNull for nil and for what
// no shape type holds (a collection).
func shapeKind(g orb.Geometry) int {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return shapePoint
	case orb.LineString, orb.MultiLineString:
		return shapePolyLine
	case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
		return shapePolygon
	}
	return shapeNull
}

// shpHeader fills the 100-byte header of a .shp or .shx of size bytes.
func shpHeader(h []byte, typ int, box orb.Bound, size int) {
	binary.BigEndian.PutUint32(h[0:], 9994)
	binary.BigEndian.PutUint32(h[24:], uint32(size/2))
	binary.LittleEndian.PutUint32(h[28:], 1000)
	binary.LittleEndian.PutUint32(h[32:], uint32(typ))
	for i, v := range []float64{box.Min[0], box.Min[1], box.Max[0], box.Max[1]} {
		binary.LittleEndian.PutUint64(h[36+8*i:], math.Float64bits(v))
	}
}

// appendShapeContent appends the record content of g in a file of shape
// type typ; false, and nothing appended, when g is nil or of another
// kind.
func appendShapeContent(out []byte, g orb.Geometry, typ int) ([]byte, bool) {
	if g == nil || shapeKind(g) != typ && !(typ == shapeMultiPoint && shapeKind(g) == shapePoint) {
		return out, false
	}
	le := binary.LittleEndian
	start := len(out)
	out = le.AppendUint32(out, uint32(typ))
	point := func(p orb.Point) {
		out = le.AppendUint64(out, math.Float64bits(p[0]))
		out = le.AppendUint64(out, math.Float64bits(p[1]))
	}
	if typ == shapePoint {
		p, ok := g.(orb.Point)
		if !ok {
			return out[:start], false // a MultiPoint in a Point file
		}
		point(p)
		return out, true
	}
	switch x := g.(type) {
	case orb.Ring:
		g = orb.Polygon{x}
	case orb.Bound:
		g = x.ToPolygon()
	}
	var parts [][]orb.Point
	switch x := ShapefileRings(g).(type) {
	case orb.Point:
		parts = [][]orb.Point{{x}}
	case orb.MultiPoint:
		parts = [][]orb.Point{x}
	case orb.LineString:
		parts = [][]orb.Point{x}
	case orb.MultiLineString:
		for _, l := range x {
			parts = append(parts, l)
		}
	case orb.Polygon:
		for _, r := range x {
			parts = append(parts, r)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			for _, r := range p {
				parts = append(parts, r)
			}
		}
	}
	b := g.Bound()
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		out = le.AppendUint64(out, math.Float64bits(v))
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if typ == shapeMultiPoint {
		out = le.AppendUint32(out, uint32(n))
	} else {
		out = le.AppendUint32(out, uint32(len(parts)))
		out = le.AppendUint32(out, uint32(n))
		start := 0
		for _, p := range parts {
			out = le.AppendUint32(out, uint32(start))
			start += len(p)
		}
	}
	for _, p := range parts {
		for _, pt := range p {
			point(pt)
		}
	}
	return out, true
}
