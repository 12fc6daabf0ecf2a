package main

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestIconUpToDate checks that assets/icon.png is what this program draws:
// after a change here, run go generate ./assets.
func TestIconUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the full icon")
	}
	f, err := os.Open(filepath.Join("..", "..", "icon.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	committed, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	drawn := drawIcon(grid)
	if committed.Bounds() != drawn.Bounds() {
		t.Fatalf("icon.png is %v, gen draws %v; run go generate ./assets", committed.Bounds(), drawn.Bounds())
	}
	for y := 0; y < grid; y++ {
		for x := 0; x < grid; x++ {
			if !samePixel(committed, drawn, x, y) {
				t.Fatalf("icon.png differs from the drawing at (%d, %d); run go generate ./assets", x, y)
			}
		}
	}
}

func samePixel(a image.Image, b *image.NRGBA, x, y int) bool {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestDrawIconScales(t *testing.T) {
	for _, size := range []int{16, 32, 64} {
		img := drawIcon(size)
		if got := img.Bounds().Dx(); got != size {
			t.Errorf("drawIcon(%d) is %d wide", size, got)
		}
		// The corners are outside the rounded square, the centre is the pin.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("drawIcon(%d): corner is not transparent", size)
		}
		if _, _, _, a := img.At(size/2, size/3).RGBA(); a != 0xffff {
			t.Errorf("drawIcon(%d): centre is not opaque", size)
		}
	}
}

func BenchmarkDrawIcon(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		drawIcon(64)
	}
}
