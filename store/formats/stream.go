package formats

import "io"

// FeatureReader yields a file's features one at a time, in file order, so
// that a file larger than memory can be imported. Next returns io.EOF
// after the last feature; any other error is about the feature being read
// and names it (its number from 1 and, when the file gives one, its id).
type FeatureReader interface {
	Next() (Feature, error)
}

// Reader returns a FeatureReader over the dataset's features, already in
// memory.
func (ds *Dataset) Reader() FeatureReader { return &sliceReader{features: ds.Features} }

// sliceReader is the FeatureReader of a Dataset in memory.
type sliceReader struct {
	features []Feature
	next     int
}

func (r *sliceReader) Next() (Feature, error) {
	if r.next >= len(r.features) {
		return Feature{}, io.EOF
	}
	f := r.features[r.next]
	r.next++
	return f, nil
}
