package formats

import "testing"

// readSecondPass reads every feature of src's second pass into a Dataset
// (ReadAll, which closes src), checking that the first pass's count and
// geometry kinds are those of the features the second yields.
func readSecondPass(t testing.TB, src *Source) *Dataset {
	t.Helper()
	ds, err := src.ReadAll()
	if err != nil {
		t.Fatalf("second pass: %v", err)
	}
	var kinds GeometryKinds
	for _, f := range ds.Features {
		kinds.Add(f.Geometry)
	}
	if len(ds.Features) != src.Count || kinds != src.Geometries {
		t.Fatalf("first pass: %d features of kinds %b, second %d of kinds %b", src.Count, src.Geometries, len(ds.Features), kinds)
	}
	return ds
}
