package mapview

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/cputime"
	"terrimap/store"
	// The demo generator is pure (the standard library, orb and
	// store/schema): the benchmarks draw the demo territory with it.
	"terrimap/sync/server/demo"
)

// testBinaryDigest is a digest of the running test binary. The workspaces
// cached in the temp dir are kept under it, so that they are made again
// whenever the code that fills them changes: keyed by a number bumped by
// hand, the demo territory's cache outlived four changes of the demo
// generator, and the overview's golden images were drawn from the stale
// workspace (they failed on every machine with a clean temp dir).
var testBinaryDigest = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
})

// cachedWorkspace opens the workspace kept at name in the temp dir for
// this test binary, making it with fill the first time (and removing the
// copies other builds left).
func cachedWorkspace(b testing.TB, name string, fill func(ws *store.Workspace) error) *store.Workspace {
	b.Helper()
	digest, err := testBinaryDigest()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-mapview-%s-%s.gpkg", digest, name))
	if _, err := os.Stat(path); err != nil {
		old, _ := filepath.Glob(filepath.Join(os.TempDir(), "terrimap-mapview-*-"+name+".gpkg*"))
		for _, o := range old {
			os.Remove(o)
		}
		tmp := path + ".part"
		os.Remove(tmp)
		ws, err := store.Create(tmp)
		if err != nil {
			b.Fatal(err)
		}
		if err := fill(ws); err != nil {
			b.Fatal(err)
		}
		ws.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return ws
}

// demoWorkspace is the demo territory, as `terrimap-server demo` makes it.
func demoWorkspace(b testing.TB) *store.Workspace {
	return cachedWorkspace(b, "demo", func(ws *store.Workspace) error {
		ctx := context.Background()
		for _, l := range demo.Layers() {
			if _, err := ws.CreateLayer(ctx, l); err != nil {
				return err
			}
		}
		batches := map[string][]store.RemoteFeature{}
		err := demo.Generate(demo.GenerateOptions{}, func(layer string, f demo.Feature) error {
			batches[layer] = append(batches[layer], store.RemoteFeature{UUID: f.ID, Version: 1, Geometry: f.Geometry, Properties: f.Properties})
			return nil
		})
		if err != nil {
			return err
		}
		return ws.Edit(ctx, func(tx *store.Tx) error {
			for layer, batch := range batches {
				if _, err := tx.ApplyRemoteBatch(layer, batch); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// demoFrame is the view of the cold-frame benchmarks: Tournus at commune
// scale (1:25 000), full HD.
var demoFrame = Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 14, Width: 1920, Height: 1080, Scale: 1}

// BenchmarkFrameCold1080p draws a full HD frame of the demo territory at
// commune scale (Tournus, 1:25 000) with nothing cached: every feature
// read, every tile drawn, the labels placed.
func BenchmarkFrameCold1080p(b *testing.B) {
	ws := demoWorkspace(b)
	benchFrames(b, demoFrame, DefaultLayers(ws, DefaultStyles()), func() *Renderer { return NewRenderer(ws, RendererOptions{}) })
}

// BenchmarkFrameNewZoom1080p draws the frame of BenchmarkFrameCold1080p
// with no tile cached, but with the features read and decoded before by a
// frame of the same place at zoom 13.5, as when the user zooms in: the
// renderer's feature cache spares the reads, the tiles are all drawn.
func BenchmarkFrameNewZoom1080p(b *testing.B) {
	ws := demoWorkspace(b)
	layers := DefaultLayers(ws, DefaultStyles())
	r := NewRenderer(ws, RendererOptions{})
	wide := demoFrame
	wide.Zoom = 13.5
	tc := NewTileCache(r, nil, TileCacheOptions{})
	tc.SetLayers(layers)
	settle(b, tc, wide)
	tc.Close()
	benchFrames(b, demoFrame, layers, func() *Renderer { return r })
}

// benchFrames times vp drawn by a new TileCache of the renderer
// newRenderer returns, until complete.
func benchFrames(b *testing.B, vp Viewport, layers []Layer, newRenderer func() *Renderer) {
	b.ReportAllocs()
	var times []time.Duration
	var cpu cpuMeter
	for b.Loop() {
		cpu.start()
		start := time.Now()
		tc := NewTileCache(newRenderer(), nil, TileCacheOptions{})
		tc.SetLayers(layers)
		settle(b, tc, vp)
		times = append(times, time.Since(start))
		cpu.stop()
		b.StopTimer()
		tc.Close()
		b.StartTimer()
	}
	reportMedian(b, times)
	cpu.report(b, len(times))
}

// BenchmarkRenderCold1080p draws the frame of BenchmarkFrameCold1080p with
// Render, on one goroutine, nothing cached: what an export of that view
// costs, and the engine's work without its second core.
func BenchmarkRenderCold1080p(b *testing.B) {
	ws := demoWorkspace(b)
	layers := DefaultLayers(ws, DefaultStyles())
	b.ReportAllocs()
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := NewRenderer(ws, RendererOptions{}).Render(context.Background(), demoFrame, layers, nil); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportMedian(b, times)
}

// BenchmarkFrameCachedPan1080p pans a full HD frame by a few pixels per
// frame over 110 000 features, every tile drawn beforehand: a frame only
// composites.
func BenchmarkFrameCachedPan1080p(b *testing.B) {
	vp := Viewport{Center: testCentre, Zoom: 15, Width: 1920, Height: 1080, Scale: 1}
	ws := denseWorkspace(b, vp, 60000, 50000)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(b))
	benchPan(b, tc, vp)
}

// benchPan times the frames of tc panned from vp by a few pixels per
// frame, every tile over the panning range drawn beforehand: a frame only
// composites.
func benchPan(b *testing.B, tc *TileCache, vp Viewport) {
	for _, v := range []Viewport{vp, vp.Pan(-40, -20), vp.Pan(40, 20)} {
		settle(b, tc, v)
	}
	b.ReportAllocs()
	var times []time.Duration
	i := 0
	for b.Loop() {
		// Back and forth by 3 pixels a frame, within ±30.
		step := float64(3 * (1 - 2*((i/10)%2)))
		vp = vp.Pan(step, step/3)
		i++
		start := time.Now()
		tc.Frame(vp)
		times = append(times, time.Since(start))
	}
	reportMedian(b, times)
}

// cpuMeter adds up the CPU time the process spends, on all its threads,
// between start and stop: on a shared machine it varies less than the
// elapsed time.
type cpuMeter struct {
	total, at time.Duration
	ok        bool
}

func (m *cpuMeter) start() { m.at, m.ok = cputime.Used() }

func (m *cpuMeter) stop() {
	if now, ok := cputime.Used(); ok && m.ok {
		m.total += now - m.at
	}
}

// report gives the mean CPU time of n frames.
func (m *cpuMeter) report(b *testing.B, n int) {
	if n > 0 && m.total > 0 {
		b.ReportMetric(float64(m.total.Microseconds())/1000/float64(n), "cpu-ms/op")
	}
}

func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}

// denseWorkspace fills vp with random pipes and hydrants of the test
// layers.
func denseWorkspace(b *testing.B, vp Viewport, lines, points int) *store.Workspace {
	bound := vp.Bound()
	return cachedWorkspace(b, fmt.Sprintf("dense-%d-%d", lines, points), func(ws *store.Workspace) error {
		ctx := context.Background()
		for _, l := range testLayers() {
			if _, err := ws.CreateLayer(ctx, l); err != nil {
				return err
			}
		}
		rng := rand.New(rand.NewPCG(7, 11))
		random := func() orb.Point {
			return orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])}
		}
		materials := []string{"11", "18", "99"}
		n := 0
		var pipes, hydrants []store.RemoteFeature
		for range lines {
			p := random()
			ls := orb.LineString{p}
			for range 1 + rng.IntN(3) {
				p = orb.Point{p[0] + (rng.Float64()-0.5)*0.002, p[1] + (rng.Float64()-0.5)*0.0014}
				ls = append(ls, p)
			}
			n++
			pipes = append(pipes, store.RemoteFeature{UUID: uuidOf(n), Version: 1, Geometry: ls,
				Properties: map[string]any{"materiau": materials[rng.IntN(3)], "diametre": int64(40 + rng.IntN(200))}})
		}
		types := []string{"circle", "square", "triangle", "diamond", "star", "cross"}
		for range points {
			n++
			hydrants = append(hydrants, store.RemoteFeature{UUID: uuidOf(n), Version: 1, Geometry: random(),
				Properties: map[string]any{"type": types[rng.IntN(6)], "disponible": rng.IntN(10) > 0}})
		}
		return ws.Edit(ctx, func(tx *store.Tx) error {
			if _, err := tx.ApplyRemoteBatch("reseau", pipes); err != nil {
				return err
			}
			_, err := tx.ApplyRemoteBatch("poteaux", hydrants)
			return err
		})
	})
}
