package formats

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"terrimap/internal/jsonscan"
)

// OpenGeoJSON opens the GeoJSON file at path for an import without holding
// its features, in two passes as GDAL reads GeoJSON. The first reads the
// whole file, a buffer at a time, each feature decoded as ReadGeoJSON
// decodes it but none kept: it learns the fields and their types (by
// ReadGeoJSON's rules), the count, the geometry types and the members of
// the collection ("crs", "name", in any order, also after "features"). The
// second, Source.Features, reads the file again and yields each feature
// with its values converted to its field's type: the same features as
// ReadGeoJSON's, in the same order. Memory is bounded by the largest
// feature, not by the file; a feature (or a member other than "features")
// larger than 64 MiB is refused.
//
// Errors name the feature, numbered from 1, with its id when it has one:
// `feature 987654 (id "PEI-12"): geometry: …`; syntax errors give their line
// and column. A document other than a FeatureCollection (a bare Feature or
// geometry) is one feature, read as ReadGeoJSON reads it.
func OpenGeoJSON(path string) (*Source, error) {
	src, err := openGeoJSON(fileOpener(path), filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("formats: geojson: %w", err)
	}
	return src, nil
}

// geoJSONHead is what the first pass learns of a document.
type geoJSONHead struct {
	shell   []byte // the top-level object without the elements of its "features" arrays
	arrays  int    // "features" arrays met
	last    int    // the "features" array that counts (the last member "features"), 0 when not an array
	builder *datasetBuilder
	featErr error // the first feature error of the last array
}

func openGeoJSON(open opener, name string) (*Source, error) {
	head, err := learnGeoJSON(open)
	if err != nil {
		return nil, err
	}
	ds, err := decodeGeoJSON(head.shell)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = ds.Name
	}
	if len(ds.Features) > 0 || head.last == 0 { // a Feature, a geometry, or "features" null
		ds.Name = LayerName(name)
		return ds.Source(), nil
	}
	if head.featErr != nil {
		return nil, head.featErr
	}
	b := head.builder
	src := &Source{Name: LayerName(name), SRS: ds.SRS, Fields: b.schemaFields(), Count: b.count, Geometries: b.geometries}
	if src.Fields == nil {
		src.Fields = ds.Fields
	}
	src.open = func() (FeatureReader, io.Closer, error) {
		rc, err := open()
		if err != nil {
			return nil, nil, fmt.Errorf("formats: geojson: %w", err)
		}
		j := newJSONSplitter(rc, maxFeatureBytes)
		j.keepArray = func(n int) bool { return n == head.last }
		return &geoJSONFeatures{j: j, open: open, b: b.typed(), count: b.count}, rc, nil
	}
	return src, nil
}

// learnGeoJSON makes the first pass over a document.
func learnGeoJSON(open opener) (*geoJSONHead, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	head := &geoJSONHead{shell: []byte{'{'}}
	j := newJSONSplitter(rc, maxFeatureBytes)
	var builder *datasetBuilder
	j.member = func(key, value []byte, start int64) error {
		s := jsonscan.New(value)
		s.Skip()
		s.End()
		if err := s.Err(); err != nil {
			return lineColumn(open, start+err.Offset, err)
		}
		if k, _ := jsonscan.New(key).Text(); memberOf(k) == memberFeatures {
			head.last = 0
		}
		head.shell = appendMember(head.shell, key, value)
		return nil
	}
	number := 0
	j.onArray = func(key []byte, n int) {
		number = 0
		builder = &datasetBuilder{mode: learnSchema}
		head.arrays, head.last, head.builder, head.featErr = n, n, builder, nil
		head.shell = appendMember(head.shell, key, []byte("[]"))
	}
	for {
		elem, err := j.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, splitError(open, j, err)
		}
		number++
		d := &geoJSONDecoder{s: jsonscan.New(elem), b: datasetBuilder{}}
		if head.featErr != nil {
			d.s.Skip()
		} else {
			builder.data = elem
			d.b = *builder
			id, ferr := d.feature()
			*builder = d.b
			if ferr != nil && d.s.Err() == nil {
				head.featErr = &FeatureError{Number: number, ID: id, Err: ferr}
			}
		}
		if err := d.s.Err(); err != nil {
			return nil, lineColumn(open, j.start+err.Offset, err)
		}
	}
	head.shell = append(head.shell, '}')
	return head, nil
}

// appendMember appends a member to an object being written.
func appendMember(obj, key, value []byte) []byte {
	if len(obj) > 1 {
		obj = append(obj, ',')
	}
	obj = append(obj, key...)
	obj = append(obj, ':')
	return append(obj, value...)
}

// splitError words an error of the splitter: a syntax error with its line
// and column, a feature too large with its number.
func splitError(open opener, j *jsonSplitter, err error) error {
	var syn *streamSyntaxError
	var large *tooLargeError
	switch {
	case errors.As(err, &syn):
		return lineColumn(open, syn.offset, err)
	case errors.As(err, &large) && j.state == splitNextElement:
		return &FeatureError{Number: j.elements, Err: err}
	case errors.As(err, &large):
		return fmt.Errorf("member %s: %w", j.key, err)
	}
	return err
}

// geoJSONFeatures is the second pass over a FeatureCollection.
type geoJSONFeatures struct {
	j     *jsonSplitter
	open  opener
	b     *datasetBuilder
	count int
	n     int
}

func (r *geoJSONFeatures) Next() (Feature, error) {
	elem, err := r.j.next()
	if err == io.EOF {
		if r.n != r.count {
			return Feature{}, fmt.Errorf("formats: geojson: %w: %d features, %d before", ErrFileChanged, r.n, r.count)
		}
		return Feature{}, io.EOF
	}
	if err != nil {
		return Feature{}, fmt.Errorf("formats: geojson: %w", splitError(r.open, r.j, err))
	}
	r.n++
	r.b.data = elem
	d := &geoJSONDecoder{s: jsonscan.New(elem), b: *r.b}
	id, err := d.feature()
	*r.b = d.b
	if serr := d.s.Err(); serr != nil {
		return Feature{}, fmt.Errorf("formats: geojson: %w: %w", ErrFileChanged, lineColumn(r.open, r.j.start+serr.Offset, serr))
	}
	if err != nil {
		return Feature{}, fmt.Errorf("formats: geojson: %w: %w", ErrFileChanged, &FeatureError{Number: r.n, ID: id, Err: err})
	}
	f := r.b.current
	r.b.current = Feature{}
	return f, nil
}
