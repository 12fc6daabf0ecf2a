package formats

import "github.com/paulmach/orb"

// Record is one feature as the streaming writers take it: its values in
// the order of the writer's fields, typed as Feature.Properties holds them
// (nil for null). A caller may reuse a Record and its Values from one
// feature to the next: writers keep nothing of it.
type Record struct {
	ID       string // written as GeoJSON's "id"; "" for none
	Geometry orb.Geometry
	Values   []any
}

// writeBufferSize is the buffer of the streaming writers: large enough
// that a file of hundreds of megabytes takes few write calls.
const writeBufferSize = 256 << 10
