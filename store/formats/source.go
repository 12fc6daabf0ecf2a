package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
)

// Source is a vector file opened for an import that does not hold its
// features: a first pass over the file learned what the store needs before
// the first feature is written (the layer name, the SRS, the fields and
// their types, the number of features, the kinds of their geometries), and
// Features reads them, a second pass, one at a time. Close releases the
// file.
type Source struct {
	Name       string  // as Dataset.Name
	SRS        int     // as Dataset.SRS
	Fields     []Field // as Dataset.Fields
	Count      int     // how many features Features yields
	Geometries GeometryKinds
	// SRSDeduced: the file does not declare SRS, it was deduced from the
	// coordinates (a CSV's, a Shapefile's without .prj in Lambert-93).
	SRSDeduced bool

	open    func() (FeatureReader, io.Closer, error)
	pass    io.Closer // what the current pass holds open
	release io.Closer // what the source holds open
}

// SetOpener says how a source made outside this package (a GeoPackage
// layer) reads its features: open starts a pass and returns what the pass
// holds open; release, when not nil, is closed with the source.
func (s *Source) SetOpener(open func() (FeatureReader, io.Closer, error), release io.Closer) {
	s.open, s.release = open, release
}

// Features starts a pass over the source's features, in file order, with
// their values already of their field's type. A new call starts again from
// the first feature (and ends the previous pass).
func (s *Source) Features() (FeatureReader, error) {
	if err := s.endPass(); err != nil {
		return nil, err
	}
	r, c, err := s.open()
	if err != nil {
		return nil, err
	}
	s.pass = c
	return r, nil
}

func (s *Source) endPass() error {
	if s.pass == nil {
		return nil
	}
	err := s.pass.Close()
	s.pass = nil
	return err
}

// Close ends the current pass, if any, and releases the file.
func (s *Source) Close() error {
	err := s.endPass()
	if s.release != nil {
		if rerr := s.release.Close(); err == nil {
			err = rerr
		}
		s.release = nil
	}
	return err
}

// Source returns a Source over the dataset, already in memory.
func (ds *Dataset) Source() *Source {
	s := &Source{Name: ds.Name, SRS: ds.SRS, Fields: ds.Fields, Count: len(ds.Features)}
	for _, f := range ds.Features {
		s.Geometries.Add(f.Geometry)
	}
	s.open = func() (FeatureReader, io.Closer, error) { return ds.Reader(), nil, nil }
	return s
}

// ReadAll reads every feature of the source into a Dataset, in memory, and
// closes the source.
func (s *Source) ReadAll() (*Dataset, error) {
	ds := &Dataset{Name: s.Name, SRS: s.SRS, Fields: s.Fields, Features: make([]Feature, 0, s.Count)}
	defer s.Close()
	r, err := s.Features()
	if err != nil {
		return nil, err
	}
	for {
		f, err := r.Next()
		if err == io.EOF {
			return ds, nil
		}
		if err != nil {
			return nil, err
		}
		ds.Features = append(ds.Features, f)
	}
}

// OpenFile opens the vector file at path for an import, choosing the
// format by extension as ReadFile does, and makes the first pass over it.
// A GeoJSON FeatureCollection, a Shapefile and a CSV file are streamed
// (see OpenGeoJSON, OpenShapefile, OpenCSV).
func OpenFile(path string) (*Source, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		return OpenGeoJSON(path)
	case ".shp":
		return OpenShapefile(path)
	case ".csv", ".tsv", ".txt":
		return OpenCSV(path, CSVOptions{})
	}
	return nil, unsupportedFormat(path)
}

// GeometryKinds is the set of geometry types met among a file's features.
type GeometryKinds uint8

// The members of GeometryKinds.
const (
	HasPoint GeometryKinds = 1 << iota
	HasMultiPoint
	HasLineString
	HasMultiLineString
	HasPolygon
	HasMultiPolygon
	HasOther // a GeometryCollection, or any other orb type
)

// Add adds the type of g to the set; nil adds nothing.
func (k *GeometryKinds) Add(g orb.Geometry) {
	switch g.(type) {
	case nil:
	case orb.Point:
		*k |= HasPoint
	case orb.MultiPoint:
		*k |= HasMultiPoint
	case orb.LineString:
		*k |= HasLineString
	case orb.MultiLineString:
		*k |= HasMultiLineString
	case orb.Polygon:
		*k |= HasPolygon
	case orb.MultiPolygon:
		*k |= HasMultiPolygon
	default:
		*k |= HasOther
	}
}

// FeatureError is the error of one feature of a file: its number from 1 in
// file order, its ID when the file gives one, the line of a text file
// where it is (a CSV's row: what a spreadsheet shows; 0 when not known),
// and what is wrong.
type FeatureError struct {
	Number int
	ID     string
	Line   int
	Err    error
}

func (e *FeatureError) Error() string {
	return FeatureLabel(e.Number, e.ID) + ": " + e.Err.Error()
}

func (e *FeatureError) Unwrap() error { return e.Err }

// FeatureLabel names a feature in an error: `feature 12` or, when the file
// gives it an ID, `feature 12 (id "PEI-12")`.
func FeatureLabel(number int, id string) string {
	if id == "" {
		return "feature " + strconv.Itoa(number)
	}
	return fmt.Sprintf("feature %d (id %q)", number, id)
}

// ErrBadGeometry is wrapped by the error of a feature whose geometry cannot
// be decoded (a GeoJSON coordinate that is not a number); its text is the
// word that introduces the reason: "geometry: …".
var ErrBadGeometry = errors.New("geometry")

// ErrTooManyCells is wrapped by the error of a CSV row with more
// non-empty cells than the header has columns (most often a separator
// typed inside a cell that is not quoted).
var ErrTooManyCells = errors.New("more cells than the header has columns")

// ErrFileChanged is returned (wrapped) when a file no longer holds what the
// first pass over it found.
var ErrFileChanged = errors.New("the file changed while it was read")

// opener opens a file again for another pass.
type opener func() (io.ReadCloser, error)

// fileOpener opens the file at path for each pass. From its second open
// on, a file whose size or modification time is not the first open's is
// refused with ErrFileChanged: the pass would read another file than the
// one the first pass learned — rows of the same kinds with coordinates of
// another system would be read in the first pass's.
func fileOpener(path string) opener {
	var mu sync.Mutex
	var first os.FileInfo
	return func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = st
			return f, nil
		}
		if st.Size() != first.Size() || !st.ModTime().Equal(first.ModTime()) {
			f.Close()
			return nil, fmt.Errorf("formats: %s: %w (%d bytes, modified %s; %d bytes, modified %s before)",
				filepath.Base(path), ErrFileChanged, st.Size(), st.ModTime().Format(time.RFC3339Nano), first.Size(), first.ModTime().Format(time.RFC3339Nano))
		}
		return f, nil
	}
}

// bytesOpener opens data again for each pass.
func bytesOpener(data []byte) opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}
