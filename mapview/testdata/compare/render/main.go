// Command render draws the BenchmarkFrameCold1080p frame with
// Renderer.Render (a new Renderer each time: nothing cached) N times,
// prints the median and writes the last frame as a PNG.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
)

func main() {
	n := flag.Int("n", 10, "renders")
	out := flag.String("o", "", "PNG to write")
	flag.Parse()
	ws, err := store.Open(flag.Arg(0), store.Options{ReadOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	defer ws.Close()
	vp := mapview.Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 14, Width: 1920, Height: 1080, Scale: 1}
	layers := mapview.DefaultLayers(ws, mapview.DefaultStyles())
	var times []time.Duration
	for range *n {
		start := time.Now()
		img, err := mapview.NewRenderer(ws, mapview.RendererOptions{}).Render(context.Background(), vp, layers, nil)
		if err != nil {
			log.Fatal(err)
		}
		times = append(times, time.Since(start))
		if *out != "" {
			f, _ := os.Create(*out)
			png.Encode(f, img)
			f.Close()
		}
	}
	slices.Sort(times)
	fmt.Printf("terrimap Render median %.1f ms (n=%d)\n", float64(times[len(times)/2].Microseconds())/1000, *n)
}
