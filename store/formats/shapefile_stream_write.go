package formats

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/fileout"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ShapefilePlan lays out a Shapefile before it is written, from a first
// pass over its records (Add): the widths of the dBase columns, and the
// shape type of a layer of any geometry. A Shapefile is then written
// record by record (Create), whatever its size, in little memory.
type ShapefilePlan struct {
	geomType schema.GeometryType
	dbf      *dbfPlan
	kind     int  // the kind of the first geometry
	multi    bool // some geometry is a MultiPoint
}

// NewShapefilePlan starts the plan of a Shapefile of fields whose layer
// has geometries of type geomType (for AnyGeometry, the file takes the
// kind of the first geometry).
func NewShapefilePlan(fields []Field, geomType schema.GeometryType) *ShapefilePlan {
	return &ShapefilePlan{geomType: geomType, dbf: newDBFPlan(fields), kind: shapeNull}
}

// Add takes one record into the plan; the writer must then be given the
// same records, in any order.
func (p *ShapefilePlan) Add(r *Record) {
	p.dbf.add(r.Values)
	if p.kind == shapeNull {
		p.kind = shapeKind(r.Geometry)
	}
	if _, ok := r.Geometry.(orb.MultiPoint); ok {
		p.multi = true
	}
}

// shapeType is the shape type of the file: the layer's, or for a layer
// of any geometry the kind of the first geometry.
func (p *ShapefilePlan) shapeType() int {
	switch p.geomType {
	case schema.Point:
		return shapePoint
	case schema.MultiPoint:
		return shapeMultiPoint
	case schema.LineString, schema.MultiLineString:
		return shapePolyLine
	case schema.Polygon, schema.MultiPolygon:
		return shapePolygon
	}
	if p.kind == shapePoint && p.multi {
		return shapeMultiPoint
	}
	return p.kind
}

// ShapefileWriter writes a Shapefile record by record: the .shp, .shx
// and .dbf as they go, each to a file beside its final name, their
// headers completed at the end (the box, the sizes, the count); Close
// puts the whole set in place with its .prj and .cpg, Abort leaves
// nothing.
type ShapefileWriter struct {
	plan          *ShapefilePlan
	typ           int
	prj           string
	set           *fileout.Set
	shp, shx, dbf *bufio.Writer
	shpLen        int // bytes of the .shp so far
	n, dropped    int
	box           orb.Bound
	boxSet        bool
	buf           []byte
}

// The files of a Shapefile set, in the order of ShapefileWriter.set.
var shapefileExts = []string{".shp", ".shx", ".dbf", ".prj", ".cpg"}

// Create starts writing the Shapefile at path (a .shp) in EPSG code
// (4326 or 2154).
func (p *ShapefilePlan) Create(path string, code int) (*ShapefileWriter, error) {
	prj, err := srs.PRJ(code)
	if err != nil {
		return nil, fmt.Errorf("formats: shapefile: %w", err)
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	paths := make([]string, len(shapefileExts))
	for i, ext := range shapefileExts {
		paths[i] = base + ext
	}
	set, err := fileout.NewSet(paths)
	if err != nil {
		return nil, fmt.Errorf("formats: shapefile: %w", err)
	}
	w := &ShapefileWriter{plan: p, typ: p.shapeType(), prj: prj, set: set,
		shp: bufio.NewWriterSize(set.File(0), writeBufferSize), shx: bufio.NewWriterSize(set.File(1), writeBufferSize/4),
		dbf: bufio.NewWriterSize(set.File(2), writeBufferSize), buf: make([]byte, 8, 256)}
	// The headers of the .shp and .shx are written again at the end.
	w.shp.Write(make([]byte, shpHeaderLen))
	w.shx.Write(make([]byte, shpHeaderLen))
	w.shpLen = shpHeaderLen
	w.dbf.Write(dbfHeader(p.dbf.cols, p.dbf.records, time.Now()))
	return w, nil
}

// Write writes one record; a geometry of another kind than the file's is
// written as a null shape and counted.
func (w *ShapefileWriter) Write(r *Record) error {
	b, ok := appendShapeContent(w.buf[:8], r.Geometry, w.typ)
	if !ok {
		if r.Geometry != nil {
			w.dropped++
		}
		b = binary.LittleEndian.AppendUint32(b, shapeNull)
	} else if bound := r.Geometry.Bound(); !w.boxSet {
		w.box, w.boxSet = bound, true
	} else {
		w.box = w.box.Union(bound)
	}
	w.n++
	words := uint32(len(b)-8) / 2
	binary.BigEndian.PutUint32(b, uint32(w.n))
	binary.BigEndian.PutUint32(b[4:], words)
	var idx [8]byte
	binary.BigEndian.PutUint32(idx[:], uint32(w.shpLen/2))
	binary.BigEndian.PutUint32(idx[4:], words)
	w.shpLen += len(b)
	if _, err := w.shp.Write(b); err != nil {
		return fmt.Errorf("formats: shapefile: %w", err)
	}
	if _, err := w.shx.Write(idx[:]); err != nil {
		return fmt.Errorf("formats: shapefile: %w", err)
	}
	w.buf = appendDBFRecord(b[:0], w.plan.dbf.cols, r.Values)
	if _, err := w.dbf.Write(w.buf); err != nil {
		return fmt.Errorf("formats: shapefile: %w", err)
	}
	return nil
}

// Close completes the files and puts them in place; it returns what the
// files could not hold as it was.
func (w *ShapefileWriter) Close() ([]Warning, error) {
	if err := w.finish(); err != nil {
		w.Abort()
		return nil, fmt.Errorf("formats: shapefile: %w", err)
	}
	if err := w.set.Commit(); err != nil {
		return nil, fmt.Errorf("formats: shapefile: %w", err)
	}
	var warnings []Warning
	warn := func(x Warning) { warnings = append(warnings, x) }
	if w.dropped > 0 {
		warn(Warning{Kind: WarnGeometryDropped, Count: w.dropped})
	}
	w.plan.dbf.warnings(warn)
	return warnings, nil
}

// finish flushes the files, writes the headers' box, sizes and count, and
// the .prj and .cpg.
func (w *ShapefileWriter) finish() error {
	w.dbf.WriteByte(0x1A)
	for _, b := range []*bufio.Writer{w.shp, w.shx, w.dbf} {
		if err := b.Flush(); err != nil {
			return err
		}
	}
	h := make([]byte, shpHeaderLen)
	for i, size := range []int{w.shpLen, shpHeaderLen + 8*w.n} {
		shpHeader(h, w.typ, w.box, size)
		if _, err := w.set.File(i).WriteAt(h, 0); err != nil {
			return err
		}
	}
	var count [4]byte
	binary.LittleEndian.PutUint32(count[:], uint32(w.n))
	if _, err := w.set.File(2).WriteAt(count[:], 4); err != nil {
		return err
	}
	if _, err := w.set.File(3).WriteString(w.prj); err != nil {
		return err
	}
	_, err := w.set.File(4).WriteString("UTF-8")
	return err
}

// Abort removes what was written.
func (w *ShapefileWriter) Abort() { w.set.Abort() }
