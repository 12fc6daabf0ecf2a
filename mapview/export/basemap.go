package export

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/tiles"
)

// basemapWorkers is how many tiles are fetched at once: few, as the
// providers' usage policies ask.
const basemapWorkers = 4

// drawMap draws the map of the frame: the ground, the basemap, then the
// layers as the screen draws them. drawn lists the tile sources of which
// at least one tile is on the map: only they are credited.
func drawMap(ctx context.Context, r *mapview.Renderer, vp mapview.Viewport, layers []mapview.Layer, opts Options, warn func(string)) (_ *image.RGBA, drawn []tiles.Source, _ error) {
	size := vp.DeviceSize()
	out := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	draw.Draw(out, out.Bounds(), image.NewUniform(paper.PaperMap.NRGBA()), image.Point{}, draw.Src)
	if opts.Basemap != nil {
		timeout := opts.BasemapTimeout
		if timeout <= 0 {
			timeout = DefaultBasemapTimeout
		}
		got, err := DrawBasemap(ctx, out, opts.Basemap, vp, timeout, warn)
		if err != nil {
			return nil, nil, err
		}
		if got > 0 {
			drawn = append(drawn, opts.Basemap)
		}
	}
	img, err := r.Render(ctx, vp, layers, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("export: drawing the map: %w", err)
	}
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Over)
	return out, drawn, nil
}

// basemapZoom picks the zoom of the source's tiles for a view: the one
// whose tiles show at 0.84 to 1.68 times their size on screen, so that
// their lettering stays readable on paper whatever the DPI.
func basemapZoom(info tiles.Info, vp mapview.Viewport) int {
	ts := info.TileSize
	if ts <= 0 {
		ts = mapview.TileSize
	}
	z := int(math.Floor(vp.Zoom + 0.25 - math.Log2(float64(ts)/mapview.TileSize)))
	maxZ := int(info.MaxZoom)
	if maxZ == 0 {
		maxZ = 19
	}
	return max(int(info.MinZoom), min(maxZ, z))
}

// worldFraction returns the position of a longitude/latitude in the Web
// Mercator square, x east and y south, both in [0, 1].
func worldFraction(ll orb.Point) orb.Point {
	m := project.WGS84.ToMercator(ll)
	half := orb.EarthRadius * math.Pi
	return orb.Point{(m[0] + half) / (2 * half), (half - m[1]) / (2 * half)}
}

// DrawBasemap draws the source's tiles for the view vp into dst (of vp's
// device size), over what dst holds: fetched within timeout, put together
// at their own zoom, then resampled once to the frame, so that no seam
// shows between tiles. A tile the source lacks is cut from a lower zoom's;
// tiles that cannot be had are left out with a warning (in English, for a
// log). It returns how many tiles were drawn. Only the cancellation of ctx
// is an error. The export draws its basemap with it; so do other printed
// maps (the DT-DICT answer's plans).
func DrawBasemap(ctx context.Context, dst *image.RGBA, src tiles.Source, vp mapview.Viewport, timeout time.Duration, warn func(string)) (int, error) {
	info := src.Info()
	ts := info.TileSize
	if ts <= 0 {
		ts = mapview.TileSize
	}
	z := basemapZoom(info, vp)
	n := 1 << z
	// Device pixels per native pixel of zoom z.
	f := math.Exp2(vp.DeviceZoom()-float64(z)) * mapview.TileSize / float64(ts)
	c := worldFraction(vp.Center)
	size := vp.DeviceSize()
	// The frame in native pixels of zoom z.
	nx0 := c[0]*float64(ts*n) - float64(size.X)/2/f
	ny0 := c[1]*float64(ts*n) - float64(size.Y)/2/f
	nx1 := nx0 + float64(size.X)/f
	ny1 := ny0 + float64(size.Y)/f
	tx0, tx1 := max(0, int(math.Floor(nx0/float64(ts)))), min(n-1, int(math.Floor(nx1/float64(ts))))
	ty0, ty1 := max(0, int(math.Floor(ny0/float64(ts)))), min(n-1, int(math.Floor(ny1/float64(ts))))
	if tx0 > tx1 || ty0 > ty1 {
		return 0, nil
	}
	mosaic := image.NewRGBA(image.Rect(0, 0, (tx1-tx0+1)*ts, (ty1-ty0+1)*ts))

	fetchCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fb := tiles.WithFallback(src)
	type job struct{ x, y int }
	jobs := make(chan job)
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		got      int
		firstErr error
		mosaicB  = mosaic.Bounds()
	)
	for w := 0; w < basemapWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				img, err := fb.Tile(fetchCtx, maptile.New(uint32(j.x), uint32(j.y), maptile.Zoom(z)))
				mu.Lock()
				if err != nil || img == nil {
					if firstErr == nil && err != nil && !errors.Is(err, tiles.ErrNoTile) {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				got++
				at := image.Pt((j.x-tx0)*ts, (j.y-ty0)*ts)
				b := img.Bounds()
				// Tiles of another size than announced are scaled to it.
				r := image.Rectangle{Min: at, Max: at.Add(image.Pt(ts, ts))}.Intersect(mosaicB)
				if b.Dx() == ts && b.Dy() == ts {
					draw.Draw(mosaic, r, img, b.Min, draw.Src)
				} else {
					draw.BiLinear.Scale(mosaic, r, img, b, draw.Src, nil)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for y := ty0; y <= ty1; y++ {
		for x := tx0; x <= tx1; x++ {
			select {
			case jobs <- job{x, y}:
			case <-fetchCtx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	total := (tx1 - tx0 + 1) * (ty1 - ty0 + 1)
	switch {
	case got == 0:
		why := "no tile came"
		if firstErr != nil {
			why = firstErr.Error()
		} else if fetchCtx.Err() != nil {
			why = fmt.Sprintf("nothing came within %v", timeout)
		}
		warn(fmt.Sprintf("the basemap %s is left out (%s)", info.Name, why))
		return 0, nil
	case got < total:
		warn(fmt.Sprintf("%d of the %d tiles of the basemap %s are missing", total-got, total, info.Name))
	}
	// Native pixel (px, py) of the mosaic lands on device pixel
	// ((px + tx0·ts − nx0)·f, (py + ty0·ts − ny0)·f).
	ox := (float64(tx0*ts) - nx0) * f
	oy := (float64(ty0*ts) - ny0) * f
	s2d := f64.Aff3{f, 0, ox, 0, f, oy}
	draw.CatmullRom.Transform(dst, s2d, mosaic, mosaic.Bounds(), draw.Over, nil)
	return got, nil
}
