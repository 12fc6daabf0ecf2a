package iogen

import (
	"fmt"
	"io"
	"math/rand/v2"
)

// WriteMains writes n water mains in Tournus (longitude/latitude) as a
// GeoJSON FeatureCollection with a material and a diameter: imported, they
// make the line layer a DXF plan goes into, and the territory the plan
// must lie in.
func WriteMains(w io.Writer, n int, r *rand.Rand) error {
	materials := []string{"Fonte ductile", "PVC", "PEHD", "Acier"}
	if _, err := io.WriteString(w, "{\n\"type\": \"FeatureCollection\",\n\"name\": \"mains\",\n\"features\": [\n"); err != nil {
		return err
	}
	for i := range n {
		sep := ",\n"
		if i == n-1 {
			sep = "\n"
		}
		x, y := 4.895+r.Float64()*0.03, 46.55+r.Float64()*0.02
		_, err := fmt.Fprintf(w, `{ "type": "Feature", "properties": { "materiau": %q, "diametre": %d }, "geometry": { "type": "LineString", "coordinates": [ [ %.7f, %.7f ], [ %.7f, %.7f ] ] } }%s`,
			materials[r.IntN(len(materials))], 60+10*r.IntN(20), x, y, x+0.001, y+0.0005, sep)
		if err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]\n}\n")
	return err
}
