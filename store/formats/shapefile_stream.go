package formats

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// shpReader reads the shapes of a .shp file record by record, in
// sequence (the .shx index is not needed). The header's file length is
// often wrong in files from other tools: the file's own size is trusted.
type shpReader struct {
	r       *bufio.Reader
	left    int64 // bytes left in the file
	n       int   // records read
	content []byte
}

// newSHPReader reads and checks the header of a .shp file of size bytes.
func newSHPReader(r io.Reader, size int64) (*shpReader, error) {
	if size < shpHeaderLen {
		return nil, fmt.Errorf("shp: %d bytes, too short for a header", size)
	}
	s := &shpReader{r: bufio.NewReaderSize(r, 64<<10), left: size - shpHeaderLen}
	head := make([]byte, shpHeaderLen)
	if _, err := io.ReadFull(s.r, head); err != nil {
		return nil, fmt.Errorf("shp: %w", err)
	}
	if code := binary.BigEndian.Uint32(head[0:4]); code != 9994 {
		return nil, fmt.Errorf("shp: file code %d, want 9994: not a shapefile", code)
	}
	return s, nil
}

// next reads the next shape; io.EOF after the last one (trailing zero
// bytes, shorter than a record header, are padding).
func (s *shpReader) next() (orb.Geometry, error) {
	if s.left == 0 {
		return nil, io.EOF
	}
	n := s.n + 1
	if s.left < 8 {
		rest := make([]byte, s.left)
		if _, err := io.ReadFull(s.r, rest); err != nil {
			return nil, fmt.Errorf("shp: record %d: %w", n, err)
		}
		s.left = 0
		if allZero(rest) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("shp: record %d: truncated header", n)
	}
	var head [8]byte
	if _, err := io.ReadFull(s.r, head[:]); err != nil {
		return nil, fmt.Errorf("shp: record %d: %w", n, err)
	}
	s.left -= 8
	size := int64(binary.BigEndian.Uint32(head[4:8])) * 2
	if size > s.left {
		return nil, fmt.Errorf("shp: record %d: %d bytes announced, %d left in the file", n, size, s.left)
	}
	if size > maxFeatureBytes {
		return nil, fmt.Errorf("shp: record %d: %d bytes, more than the %d MiB a shape may take", n, size, maxFeatureBytes>>20)
	}
	if int64(cap(s.content)) < size {
		s.content = make([]byte, size)
	}
	s.content = s.content[:size]
	if _, err := io.ReadFull(s.r, s.content); err != nil {
		return nil, fmt.Errorf("shp: record %d: %w", n, err)
	}
	s.left -= size
	s.n = n
	g, err := decodeShape(s.content)
	if err != nil {
		return nil, fmt.Errorf("shp: record %d: %w", n, err)
	}
	return g, nil
}

// sizedOpener opens a file again for another pass, with its size.
type sizedOpener func() (io.ReadCloser, int64, error)

func sizedFile(path string) sizedOpener {
	return func() (io.ReadCloser, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, fi.Size(), nil
	}
}

func sizedBytes(data []byte) sizedOpener {
	return func() (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(data)), int64(len(data)), nil
	}
}

// OpenShapefile opens the ESRI Shapefile whose .shp is at path for an
// import without holding its features (see Source): the first pass reads
// the .shp and the .dbf record by record, decoding each shape for its type
// and each record for the table's encoding and types; the second reads
// both again in step. The features are those ReadShapefile gives, in the
// same order; memory is bounded by the largest shape (at most 64 MiB).
func OpenShapefile(path string) (*Source, error) {
	base := filepath.Base(path)
	wrap := func(err error) error { return fmt.Errorf("formats: shapefile %s: %w", base, err) }
	if _, err := os.Stat(path); err != nil {
		return nil, wrap(err)
	}
	sib, err := siblings(path)
	if err != nil {
		return nil, wrap(err)
	}
	read := func(ext string) (string, error) {
		p, ok := sib[ext]
		if !ok {
			return "", nil
		}
		b, err := os.ReadFile(p)
		return string(b), err
	}
	prj, err := read(".prj")
	if err != nil {
		return nil, wrap(err)
	}
	cpg, err := read(".cpg")
	if err != nil {
		return nil, wrap(err)
	}
	var dbf sizedOpener
	if p, ok := sib[".dbf"]; ok {
		dbf = sizedFile(p)
	}
	src, err := openShapefile(sizedFile(path), dbf, prj, cpg)
	if err != nil {
		return nil, wrap(err)
	}
	src.Name = LayerName(base)
	return src, nil
}

// openShapefile makes the first pass over a .shp and its .dbf (nil when
// absent), with the text of the .prj and .cpg ("" when absent).
func openShapefile(shp, dbf sizedOpener, prj, cpg string) (*Source, error) {
	src := &Source{}
	if strings.TrimSpace(prj) != "" {
		if code, err := srs.FromPRJ(prj); err == nil || code != 0 {
			src.SRS = code
		}
	}
	// The kinds of each record's shape: only those of records the .dbf
	// keeps count.
	var kinds []GeometryKinds
	// Without a .prj the coordinates tell Lambert-93 (metres of
	// metropolitan France, what a survey firm's file most often holds)
	// from the rest, which is read as longitude/latitude as before.
	var vote srsVote
	// The .dbf is learnt on a goroutine of its own while the shapes are
	// read: two files, two cores.
	learning := make(chan learntDBF, 1)
	go func() { learning <- learnDBF(dbf, cpg) }()
	err := withReader(shp, func(r io.Reader, size int64) error {
		s, err := newSHPReader(r, size)
		if err != nil {
			return err
		}
		for {
			g, err := s.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			var k GeometryKinds
			k.Add(g)
			kinds = append(kinds, k)
			if g != nil {
				b := g.Bound()
				vote.add(b.Min)
				vote.add(b.Max)
			}
		}
	})
	fromDBF := <-learning
	if err != nil {
		return nil, err
	}
	if fromDBF.err != nil {
		return nil, fromDBF.err
	}
	learnt := fromDBF.d
	if learnt != nil {
		if learnt.nrec != len(kinds) {
			return nil, fmt.Errorf("the .shp holds %d shapes but the .dbf %d records", len(kinds), learnt.nrec)
		}
		src.Fields = learnt.fields
	}
	deleted := map[int]bool{}
	if learnt != nil {
		for _, i := range learnt.deleted {
			deleted[i] = true
		}
	}
	for i, k := range kinds {
		if !deleted[i] {
			src.Count++
			src.Geometries |= k
		}
	}
	if strings.TrimSpace(prj) == "" && vote.points > 0 && vote.l93 {
		src.SRS, src.SRSDeduced = srs.Lambert93, true
	}
	src.open = func() (FeatureReader, io.Closer, error) {
		return openShapefileFeatures(shp, dbf, learnt)
	}
	return src, nil
}

// learntDBF is what learnDBF learnt of a .dbf: nil when there is none.
type learntDBF struct {
	d   *dbfReader
	err error
}

// learnDBF reads the .dbf dbf opens (none when nil) to learn its fields,
// encoding (cpg, the .cpg's text) and deleted records.
func learnDBF(dbf sizedOpener, cpg string) learntDBF {
	if dbf == nil {
		return learntDBF{}
	}
	var d *dbfReader
	err := withReader(dbf, func(r io.Reader, size int64) error {
		var err error
		if d, err = newDBFReader(r, size); err != nil {
			return err
		}
		return d.learn(cpg)
	})
	if err != nil {
		return learntDBF{err: err}
	}
	return learntDBF{d: d}
}

func withReader(open sizedOpener, fn func(r io.Reader, size int64) error) error {
	rc, size, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return fn(rc, size)
}

// shapefileFeatures is the second pass over a shapefile: shapes and
// records read in step, deleted records skipped.
type shapefileFeatures struct {
	shp *shpReader
	dbf *dbfReader // nil without a .dbf
	i   int        // index of the next record
}

// closers closes several files.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func openShapefileFeatures(shp, dbf sizedOpener, learnt *dbfReader) (FeatureReader, io.Closer, error) {
	wrap := func(err error) error { return fmt.Errorf("formats: shapefile: %w", err) }
	rc, size, err := shp()
	if err != nil {
		return nil, nil, wrap(err)
	}
	cs := closers{rc}
	r := &shapefileFeatures{}
	if r.shp, err = newSHPReader(rc, size); err != nil {
		cs.Close()
		return nil, nil, wrap(err)
	}
	if dbf != nil {
		drc, dsize, err := dbf()
		if err != nil {
			cs.Close()
			return nil, nil, wrap(err)
		}
		cs = append(cs, drc)
		if r.dbf, err = newDBFReader(drc, dsize); err != nil {
			cs.Close()
			return nil, nil, wrap(err)
		}
		r.dbf.withSchema(learnt)
	}
	return r, cs, nil
}

func (r *shapefileFeatures) Next() (Feature, error) {
	for {
		g, err := r.shp.next()
		if err == io.EOF {
			return Feature{}, io.EOF
		}
		if err != nil {
			return Feature{}, fmt.Errorf("formats: shapefile: %w", err)
		}
		f := Feature{ID: strconv.Itoa(r.i), Geometry: g, Properties: map[string]any{}}
		r.i++
		if r.dbf == nil {
			return f, nil
		}
		props, deleted, more, err := r.dbf.values()
		if err != nil {
			return Feature{}, fmt.Errorf("formats: shapefile: %w", err)
		}
		if !more {
			return Feature{}, fmt.Errorf("formats: shapefile: %w: the .dbf ends before record %d", ErrFileChanged, r.i)
		}
		if deleted {
			continue
		}
		f.Properties = props
		return f, nil
	}
}
