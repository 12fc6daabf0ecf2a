package tiles

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/paulmach/orb/maptile"
)

// quadrantSource has only the world tile, its four quadrants red, green,
// blue and white (NW, NE, SW, SE), and answers err for every other tile.
type quadrantSource struct {
	err   error
	asked int
}

var quadrants = [2][2]color.RGBA{
	{{255, 0, 0, 255}, {0, 255, 0, 255}},
	{{0, 0, 255, 255}, {255, 255, 255, 255}},
}

func (q *quadrantSource) Info() Info {
	return Info{Name: "quadrants", MaxZoom: 0, TileSize: 256}
}

func (q *quadrantSource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	q.asked++
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.Z != 0 {
		return nil, fmt.Errorf("%w: %v", q.err, t)
	}
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			img.SetRGBA(x, y, quadrants[y/128][x/128])
		}
	}
	return img, nil
}

func TestFallbackScalesTheRightQuadrant(t *testing.T) {
	for _, miss := range []error{ErrNoTile, ErrOffline} {
		f := WithFallback(&quadrantSource{err: miss})
		for _, tl := range []maptile.Tile{{X: 0, Y: 0, Z: 1}, {X: 1, Y: 0, Z: 1}, {X: 0, Y: 1, Z: 1}, {X: 1, Y: 1, Z: 1}, {X: 3, Y: 0, Z: 2}, {X: 6, Y: 9, Z: 4}, {X: 20, Y: 40, Z: 6}} {
			img, err := f.Tile(context.Background(), tl)
			if err != nil {
				t.Fatalf("%v: %v", tl, err)
			}
			a, ok := img.(*Approximate)
			if !ok || a.From != (maptile.Tile{}) {
				t.Fatalf("%v: %T from %v, want *Approximate from the world tile", tl, img, a)
			}
			if img.Bounds() != image.Rect(0, 0, 256, 256) {
				t.Fatalf("%v: bounds %v", tl, img.Bounds())
			}
			first, _ := maptile.New(0, 0, 0).Range(tl.Z)
			half := uint32(1) << (tl.Z - 1)
			want := quadrants[(tl.Y-first.Y)/half][(tl.X-first.X)/half]
			for y := 0; y < 256; y += 5 {
				for x := 0; x < 256; x += 5 {
					if c := colorAt(img, x, y); c != want {
						t.Fatalf("%v: pixel %d,%d is %v, want %v", tl, x, y, c, want)
					}
				}
			}
		}
	}
}

// TestFallbackEdgeOfQuadrant checks a tile made from the inner edge of a
// quadrant takes nothing from the next one.
func TestFallbackEdgeOfQuadrant(t *testing.T) {
	f := WithFallback(&quadrantSource{err: ErrNoTile})
	img, err := f.Tile(context.Background(), maptile.New(1, 1, 2)) // touches the world tile's centre
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{255, 255}, {255, 0}, {0, 255}, {128, 128}} {
		if c := colorAt(img, p[0], p[1]); c != quadrants[0][0] {
			t.Errorf("pixel %v is %v, want %v", p, c, quadrants[0][0])
		}
	}
}

func TestFallbackLimits(t *testing.T) {
	ctx := context.Background()
	q := &quadrantSource{err: ErrNoTile}
	f := WithFallback(q)
	if _, err := f.Tile(ctx, maptile.New(0, 0, 7)); !errors.Is(err, ErrNoTile) {
		t.Errorf("seven zooms down: %v, want the source's ErrNoTile", err)
	}
	if q.asked != 7 {
		t.Errorf("asked %d tiles, want the tile and six parents", q.asked)
	}
	// Other errors are not papered over.
	f = WithFallback(&quadrantSource{err: ErrInvalidSource})
	if _, err := f.Tile(ctx, maptile.New(0, 0, 1)); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("invalid source: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	f = WithFallback(&quadrantSource{err: ErrOffline})
	if _, err := f.Tile(cctx, maptile.New(0, 0, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// A real tile comes as it is.
	if img, err := f.Tile(ctx, maptile.New(0, 0, 0)); err != nil {
		t.Error(err)
	} else if _, ok := img.(*Approximate); ok {
		t.Error("the world tile is marked approximate")
	}
}
