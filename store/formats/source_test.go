package formats

import (
	"io"
	"testing"
)

// readSecondPass reads every feature of src's second pass into a Dataset
// and closes src, checking that the first pass's count and geometry kinds
// are those of the features the second yields.
func readSecondPass(t testing.TB, src *Source) *Dataset {
	t.Helper()
	defer src.Close()
	r, err := src.Features()
	if err != nil {
		t.Fatal(err)
	}
	ds := &Dataset{Name: src.Name, SRS: src.SRS, Fields: src.Fields, Features: []Feature{}}
	var kinds GeometryKinds
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("second pass: %v", err)
		}
		kinds.Add(f.Geometry)
		ds.Features = append(ds.Features, f)
	}
	if len(ds.Features) != src.Count || kinds != src.Geometries {
		t.Fatalf("first pass: %d features of kinds %b, second %d of kinds %b", src.Count, src.Geometries, len(ds.Features), kinds)
	}
	return ds
}
