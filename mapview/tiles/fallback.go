package tiles

import (
	"context"
	"image"

	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/draw"
)

// maxFallback is how many zooms up a fallback looks for a parent tile.
const maxFallback = 6

// Approximate is a tile made by enlarging part of a lower zoom's tile, given
// while the real one is missing or unreachable. The map shows it and asks
// again later.
type Approximate struct {
	image.Image
	// From is the lower zoom tile it was cut from.
	From maptile.Tile
}

// Fallback is a Source that never leaves a hole where a parent tile exists:
// see WithFallback.
type Fallback struct {
	src Source
}

var _ Source = (*Fallback)(nil)

// WithFallback returns src filling a tile that src lacks (ErrNoTile) or
// cannot reach (ErrOffline) at zoom z with the matching part of the nearest
// parent tile it has, at z-1 down to z-6 (not below src's MinZoom),
// enlarged; such tiles are *Approximate. Past src's MaxZoom this
// over-zooms.
func WithFallback(src Source) *Fallback {
	return &Fallback{src: src}
}

// Info describes the source underneath.
func (f *Fallback) Info() Info { return f.src.Info() }

// Tile returns tile t, or an *Approximate of it, or src's error when no
// parent helps.
func (f *Fallback) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	img, err := f.src.Tile(ctx, t)
	if err == nil || !isMissing(err) || !t.Valid() {
		return img, err
	}
	info := f.src.Info()
	p := t
	for d := 1; d <= maxFallback && p.Z > info.MinZoom; d++ {
		p = p.Parent()
		parent, perr := f.src.Tile(ctx, p)
		if perr != nil {
			if cerr := ctxErr(ctx, f.src.Info().Name+" "+tileName(t)); cerr != nil {
				return nil, cerr
			}
			continue
		}
		if out := enlarge(parent, t, p, info.TileSize); out != nil {
			return &Approximate{Image: out, From: p}, nil
		}
	}
	return nil, err
}

// enlarge cuts from parent, tile p, the part that tile t covers and scales
// it to size pixels (the parent's own size when size is 0); nil when that
// part is less than a pixel.
func enlarge(parent image.Image, t, p maptile.Tile, size int) image.Image {
	b := parent.Bounds()
	d := uint(t.Z - p.Z)
	n := 1 << d
	// t's column and row inside p, by orb's own subdivision.
	first, _ := p.Range(t.Z)
	col, row := int(t.X-first.X), int(t.Y-first.Y)
	sub := image.Rect(
		b.Min.X+col*b.Dx()/n, b.Min.Y+row*b.Dy()/n,
		b.Min.X+(col+1)*b.Dx()/n, b.Min.Y+(row+1)*b.Dy()/n,
	)
	if sub.Empty() {
		return nil
	}
	if size <= 0 {
		size = b.Dx()
	}
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), parent, sub, draw.Src, nil)
	return dst
}
