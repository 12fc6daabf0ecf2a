// Command bound prints the extent of the benchmark frame
// (BenchmarkFrameCold1080p) for the MapServer and Mapnik definitions:
// EPSG:3857 metres of the frame's outer pixel edges, snapped to the
// engine's pixel grid, then the same in longitude/latitude.
package main

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"terrimap/mapview"
)

func main() {
	vp := mapview.Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 14, Width: 1920, Height: 1080, Scale: 1}
	const r = 6378137.0
	merc := func(p orb.Point) (float64, float64) {
		return r * p[0] * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360))
	}
	b := vp.Bound()
	x0, y0 := merc(b.Min)
	x1, y1 := merc(b.Max)
	fmt.Printf("%.3f %.3f %.3f %.3f\n", x0, y0, x1, y1)
	fmt.Printf("%.8f %.8f %.8f %.8f\n", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}
