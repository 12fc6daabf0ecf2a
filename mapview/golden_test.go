package mapview

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images under testdata")

// goldenTolerance is how a rendering may differ from its golden image and
// still match: different CPUs round some floating-point maths differently.
type goldenTolerance struct {
	delta int // a pixel differs when a channel is off by more than this
	count int // how many pixels may differ
}

var (
	shapesTolerance = goldenTolerance{delta: 24, count: 40}
	textTolerance   = goldenTolerance{delta: 48, count: 400}
)

// assertGolden compares img, laid over white, with testdata/name. A
// mismatch writes the rendering and a difference map to testdata/failed/.
func assertGolden(t *testing.T, name string, img image.Image, tol goldenTolerance) {
	t.Helper()
	flat := image.NewRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	path := filepath.Join("testdata", name)
	if *update {
		writePNG(t, path, flat)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden image %s: %v (run the test with -update to make it)", path, err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("golden image %s: %v", path, err)
	}
	if want.Bounds().Size() != flat.Bounds().Size() {
		writeFailed(t, name, flat, nil)
		t.Fatalf("%s: size %v, golden %v", name, flat.Bounds().Size(), want.Bounds().Size())
	}
	diff := image.NewRGBA(flat.Bounds())
	bad := 0
	for y := 0; y < flat.Rect.Dy(); y++ {
		for x := 0; x < flat.Rect.Dx(); x++ {
			a := flat.RGBAAt(x, y)
			b := color.RGBAModel.Convert(want.At(want.Bounds().Min.X+x, want.Bounds().Min.Y+y)).(color.RGBA)
			if far(a.R, b.R, tol.delta) || far(a.G, b.G, tol.delta) || far(a.B, b.B, tol.delta) || far(a.A, b.A, tol.delta) {
				bad++
				diff.SetRGBA(x, y, color.RGBA{0xff, 0, 0, 0xff})
			} else {
				diff.SetRGBA(x, y, color.RGBA{a.R / 4, a.G / 4, a.B / 4, 0xff})
			}
		}
	}
	if bad > tol.count {
		writeFailed(t, name, flat, diff)
		t.Errorf("%s: %d pixels differ from the golden image by more than %d (at most %d may)", name, bad, tol.delta, tol.count)
	}
}

func far(a, b uint8, d int) bool {
	x := int(a) - int(b)
	return x > d || x < -d
}

func writeFailed(t *testing.T, name string, img, diff image.Image) {
	t.Helper()
	dir := filepath.Join("testdata", "failed")
	writePNG(t, filepath.Join(dir, name), img)
	if diff != nil {
		writePNG(t, filepath.Join(dir, "diff-"+name), diff)
	}
	t.Logf("wrote %s", filepath.Join(dir, name))
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
