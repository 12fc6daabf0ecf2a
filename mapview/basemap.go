package mapview

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"terrimap/mapview/tiles"
)

// maxTileSide bounds the tiles a source may give, in pixels.
const maxTileSide = 4096

// maxParentFallback is how many zooms up a missing basemap tile is looked
// for, to be shown enlarged.
const maxParentFallback = 6

func (tc *TileCache) runBasemap(ctx context.Context, src tiles.Source, gen uint64, lv level, x, y int) {
	img, degraded := tc.basemapTile(ctx, src, gen, lv, lv.tileRect(x, y))
	tc.mu.Lock()
	if ctx.Err() != nil || gen != tc.srcGen {
		tc.mu.Unlock()
		return
	}
	t := &baseTile{img: img, gen: gen, degraded: degraded}
	if degraded {
		t.retryAt = time.Now().Add(tc.retry)
	}
	status := tc.basemapStatus(degraded)
	cost := int64(256)
	if img != nil {
		cost += int64(len(img.Pix))
	}
	k := tileKey{lv, int32(x), int32(y)}
	tc.base.put(k, t, cost)
	fn := tc.arrived(jobKey{basemapJob, lv, int32(x), int32(y)})
	tc.mu.Unlock()
	if status != nil {
		status()
	}
	if fn != nil {
		fn()
	}
}

// basemapTile draws the world rectangle r at lv from the source's tiles
// of the nearest zoom it has, resampled; parts the source lacks come from
// its tiles of lower zooms, enlarged. degraded is true when some part
// failed for a reason that may pass. The image is nil when nothing at all
// could be drawn.
func (tc *TileCache) basemapTile(ctx context.Context, src tiles.Source, gen uint64, lv level, r pixRect) (_ *image.RGBA, degraded bool) {
	info := src.Info()
	ts := info.TileSize
	if ts <= 0 {
		ts = TileSize
	}
	zn := int(math.Round(lv.zoom() - math.Log2(float64(ts)/TileSize)))
	maxZ := int(info.MaxZoom)
	if maxZ == 0 {
		maxZ = MaxZoom
	}
	zn = max(int(info.MinZoom), min(maxZ, zn))
	var out *image.RGBA
	// k: native pixels of zoom zn per pixel of lv.
	k := float64(ts) * math.Exp2(float64(zn)) / lv.worldPixels()
	n := 1 << zn
	x0, x1 := int(math.Floor(float64(r.x0)*k/float64(ts))), int(math.Floor((float64(r.x1)*k-1e-6)/float64(ts)))
	y0, y1 := int(math.Floor(float64(r.y0)*k/float64(ts))), int(math.Floor((float64(r.y1)*k-1e-6)/float64(ts)))
	for ty := max(0, y0); ty <= min(n-1, y1); ty++ {
		for tx := max(0, x0); tx <= min(n-1, x1); tx++ {
			t := maptile.New(uint32(tx), uint32(ty), maptile.Zoom(zn))
			// The part of the rectangle this tile covers: a parent drawn
			// in its place must not spill over its neighbours.
			part := image.Rect(
				int(math.Round(float64(tx*ts)/k))-r.x0, int(math.Round(float64(ty*ts)/k))-r.y0,
				int(math.Round(float64((tx+1)*ts)/k))-r.x0, int(math.Round(float64((ty+1)*ts)/k))-r.y0)
			for up := 0; up <= maxParentFallback && up <= zn; up++ {
				img, err := tc.nativeTile(ctx, src, gen, t)
				if ctx.Err() != nil {
					return nil, false
				}
				if err != nil && !errors.Is(err, tiles.ErrNoTile) {
					degraded = true
				}
				if img != nil {
					if out == nil {
						out = image.NewRGBA(image.Rect(0, 0, r.dx(), r.dy()))
					}
					// Place tile t (at its zoom) on the rectangle.
					s := math.Exp2(float64(zn-int(t.Z))) / k // lv pixels per native pixel of t
					ox := float64(t.X)*float64(ts)*s - float64(r.x0)
					oy := float64(t.Y)*float64(ts)*s - float64(r.y0)
					placeTile(out.SubImage(part).(*image.RGBA), img, s, ox, oy)
					break
				}
				t = t.Parent()
			}
		}
	}
	return out, degraded
}

// placeTile draws img into dst scaled by s with its corner at (ox, oy):
// copied when that lands on whole pixels, resampled otherwise.
func placeTile(dst, img *image.RGBA, s, ox, oy float64) {
	if dst.Rect.Empty() {
		return
	}
	if math.Abs(s-1) < 1e-9 && ox == math.Trunc(ox) && oy == math.Trunc(oy) {
		at := image.Pt(int(ox), int(oy))
		draw.Draw(dst, img.Bounds().Add(at), img, image.Point{}, draw.Src)
		return
	}
	draw.BiLinear.Transform(dst, f64.Aff3{s, 0, ox, 0, s, oy}, img, img.Bounds(), draw.Src, nil)
}

// nativeTile returns a source tile, from the cache or the source. A tile
// the source does not have is remembered as such; other failures are not,
// so that they are tried again.
func (tc *TileCache) nativeTile(ctx context.Context, src tiles.Source, gen uint64, t maptile.Tile) (*image.RGBA, error) {
	tc.mu.Lock()
	if gen == tc.srcGen {
		if nt, ok := tc.natives.get(t); ok {
			tc.mu.Unlock()
			if nt.img == nil {
				return nil, tiles.ErrNoTile
			}
			return nt.img, nil
		}
	}
	tc.mu.Unlock()
	img, err := src.Tile(ctx, t)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var rgba *image.RGBA
	if err == nil && img != nil {
		if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > maxTileSide || b.Dy() > maxTileSide {
			err = fmt.Errorf("%w: %s gave a tile of %v pixels", tiles.ErrInvalidSource, src.Info().Name, b.Size())
			img = nil
		}
	}
	if err == nil && img != nil {
		var ok bool
		if rgba, ok = img.(*image.RGBA); !ok || rgba.Rect.Min != (image.Point{}) {
			b := img.Bounds()
			rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
			draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
		}
	} else if err == nil {
		err = tiles.ErrNoTile
	}
	if err == nil || errors.Is(err, tiles.ErrNoTile) {
		tc.mu.Lock()
		if gen == tc.srcGen {
			cost := int64(64)
			if rgba != nil {
				cost += int64(len(rgba.Pix))
			}
			tc.natives.put(t, &nativeTile{img: rgba}, cost)
		}
		tc.mu.Unlock()
	}
	return rgba, err
}
