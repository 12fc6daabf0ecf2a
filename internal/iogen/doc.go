// Package iogen writes the files make compare-io times Terrimap and
// ogr2ogr on (issue 18), and the benchmarks of the same imports: points
// with the fields a GIS technician has, as GeoJSON; a few water mains (the
// line layer a DXF plan goes into); a surveyor's DXF plan in Lambert-93
// in Tournus. What they write depends only on n and the seed of Rand.
package iogen

import "math/rand/v2"

// Rand returns the pseudo-random source of seed the writers take.
func Rand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7e4417a9)) }
