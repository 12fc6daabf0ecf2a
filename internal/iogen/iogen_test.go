package iogen

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
)

// generate writes n features or entities of a kind with a seed.
func generate(t *testing.T, write func(*bytes.Buffer, int, *rand.Rand) error, n int, seed uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, n, Rand(seed)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The same seed writes the same bytes; another seed, others.
func TestSeeded(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		write func(*bytes.Buffer, int, *rand.Rand) error
	}{
		{"points", func(b *bytes.Buffer, n int, r *rand.Rand) error { return WritePoints(b, n, r) }},
		{"mains", func(b *bytes.Buffer, n int, r *rand.Rand) error { return WriteMains(b, n, r) }},
		{"dxf", func(b *bytes.Buffer, n int, r *rand.Rand) error { return WriteDXF(b, n, r) }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			a, b, c := generate(t, tc.write, 200, 1), generate(t, tc.write, 200, 1), generate(t, tc.write, 200, 2)
			if !bytes.Equal(a, b) {
				t.Error("two runs with seed 1 differ")
			}
			if bytes.Equal(a, c) {
				t.Error("seeds 1 and 2 write the same file")
			}
		})
	}
}

// The points are valid GeoJSON with the five fields, some debits null,
// every point on the territory.
func TestPoints(t *testing.T) {
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   struct {
				Type        string
				Coordinates []float64
			}
		}
	}
	if err := json.Unmarshal(generate(t, func(b *bytes.Buffer, n int, r *rand.Rand) error { return WritePoints(b, n, r) }, 1000, 1), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1000 {
		t.Fatalf("%d features, want 1000", len(fc.Features))
	}
	nulls := 0
	for i, f := range fc.Features {
		p := f.Properties
		if _, ok := p["nom"].(string); !ok || len(p) != 5 {
			t.Fatalf("feature %d: properties %v", i, p)
		}
		if _, ok := p["numero"].(float64); !ok {
			t.Fatalf("feature %d: numero %v", i, p["numero"])
		}
		if p["debit"] == nil {
			nulls++
		}
		c := f.Geometry.Coordinates
		if f.Geometry.Type != "Point" || len(c) != 2 || c[0] < territory[0] || c[0] > territory[2] || c[1] < territory[1] || c[1] > territory[3] {
			t.Fatalf("feature %d: geometry %+v off the territory", i, f.Geometry)
		}
	}
	if nulls == 0 || nulls > 100 {
		t.Errorf("%d null debits in 1000, want about 20", nulls)
	}
}

// Terrimap's DXF reader reads every entity of the plan, in Lambert-93
// within 2 km of its origin, most of them lines.
func TestPlan(t *testing.T) {
	dwg, err := formats.ReadDXF(bytes.NewReader(generate(t, func(b *bytes.Buffer, n int, r *rand.Rand) error { return WriteDXF(b, n, r) }, 1000, 1)), "plan.dxf")
	if err != nil {
		t.Fatal(err)
	}
	if len(dwg.Entities) != 1000 {
		t.Fatalf("%d entities, want 1000", len(dwg.Entities))
	}
	lines := 0
	area := orb.Bound{Min: orb.Point{planOrigin[0] - 200, planOrigin[1] - 200}, Max: orb.Point{planOrigin[0] + planSize + 200, planOrigin[1] + planSize + 200}}
	for _, e := range dwg.Entities {
		if e.Geometry == nil {
			continue
		}
		if b := e.Geometry.Bound(); !area.Contains(b.Min) || !area.Contains(b.Max) {
			t.Fatalf("%s %s lies at %v, off the plan", e.Type, e.Handle, b)
		}
		if _, ok := e.Geometry.(orb.LineString); ok {
			lines++
		}
	}
	if lines < 800 || lines > 920 {
		t.Errorf("%d lines of 1000 entities, want about 880", lines)
	}
}
