package mapview

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPixelLonLatRoundTrip(t *testing.T) {
	for _, vp := range []Viewport{
		testViewport(),
		{Center: orb.Point{4.86, 46.5}, Zoom: 11.37, Width: 1920, Height: 1080, Scale: 1.25},
		{Center: orb.Point{-122.4, 37.8}, Zoom: 3, Width: 800, Height: 600},
		{Center: orb.Point{0, 0}, Zoom: 0, Width: 256, Height: 256},
		{Center: orb.Point{179.9, -60}, Zoom: 21.9, Width: 100, Height: 100},
	} {
		for _, p := range []orb.Point{{0, 0}, {17.25, 3.5}, {float64(vp.Width), float64(vp.Height)}, {float64(vp.Width) / 2, float64(vp.Height) / 2}} {
			ll := vp.PixelToLonLat(p)
			back := vp.LonLatToPixel(ll)
			if !near(back[0], p[0], 1e-6) || !near(back[1], p[1], 1e-6) {
				t.Errorf("zoom %v: pixel %v → %v → %v", vp.Zoom, p, ll, back)
			}
		}
		c := vp.LonLatToPixel(vp.Center)
		if !near(c[0], float64(vp.Width)/2, 1e-6) || !near(c[1], float64(vp.Height)/2, 1e-6) {
			t.Errorf("the centre is drawn at %v", c)
		}
	}
}

func TestLambert93(t *testing.T) {
	// The projection's origin: 3°E, 46.5°N is (700 000, 6 600 000).
	p := LonLatToLambert93(orb.Point{3, 46.5})
	if !near(p[0], 700000, 0.01) || !near(p[1], 6600000, 0.01) {
		t.Errorf("origin in Lambert-93: %v", p)
	}
	ll := Lambert93ToLonLat(orb.Point{845000, 6610000})
	back := LonLatToLambert93(ll)
	if !near(back[0], 845000, 1e-3) || !near(back[1], 6610000, 1e-3) {
		t.Errorf("round trip gave %v", back)
	}
	vp := testViewport()
	q := vp.PixelToLambert93(orb.Point{10, 20})
	if px := vp.Lambert93ToPixel(q); !near(px[0], 10, 1e-6) || !near(px[1], 20, 1e-6) {
		t.Errorf("pixel → Lambert-93 → pixel gave %v", px)
	}
	// Tournus lies near x = 845 km.
	if c := LonLatToLambert93(testCentre); c[0] < 840000 || c[0] > 850000 {
		t.Errorf("Tournus at %v", c)
	}
}

func TestZoomAroundKeepsThePointUnderTheCursor(t *testing.T) {
	vp := Viewport{Center: testCentre, Zoom: 14.2, Width: 800, Height: 600, Scale: 2}
	cursor := orb.Point{123, 456}
	under := vp.PixelToLonLat(cursor)
	for _, dz := range []float64{1, -1, 0.37, -3.3} {
		z := vp.ZoomAround(cursor, dz)
		if !near(z.Zoom, vp.Zoom+dz, 1e-12) {
			t.Errorf("zoom %v, want %v", z.Zoom, vp.Zoom+dz)
		}
		if p := z.LonLatToPixel(under); !near(p[0], cursor[0], 1e-6) || !near(p[1], cursor[1], 1e-6) {
			t.Errorf("dz %v: the point under the cursor moved to %v", dz, p)
		}
	}
	if z := vp.ZoomAround(cursor, 100); z.Zoom != MaxZoom {
		t.Errorf("zoom not clamped: %v", z.Zoom)
	}
	if z := vp.ZoomAround(cursor, -100); z.Zoom != MinZoom {
		t.Errorf("zoom not clamped: %v", z.Zoom)
	}
}

func TestPanMovesTheContent(t *testing.T) {
	vp := testViewport()
	ll := vp.PixelToLonLat(orb.Point{50, 60})
	moved := vp.Pan(7, -3)
	if p := moved.LonLatToPixel(ll); !near(p[0], 57, 1e-6) || !near(p[1], 57, 1e-6) {
		t.Errorf("the content moved to %v, want (57, 57)", p)
	}
}

func TestFitBound(t *testing.T) {
	vp := Viewport{Width: 1200, Height: 800}
	b := orb.Bound{Min: orb.Point{4.74285, 46.39912}, Max: orb.Point{4.98615, 46.59596}}
	f := vp.FitBound(b)
	in := f.Bound().Pad(1e-9)
	if !in.Contains(b.Min) || !in.Contains(b.Max) {
		t.Errorf("view %v does not hold %v", in, b)
	}
	// It is the largest such zoom: the bound fills one side.
	nw, se := f.LonLatToPixel(orb.Point{b.Min[0], b.Max[1]}), f.LonLatToPixel(orb.Point{b.Max[0], b.Min[1]})
	if !near(se[0]-nw[0], 1200, 1e-6) && !near(se[1]-nw[1], 800, 1e-6) {
		t.Errorf("the bound spans %v×%v pixels of 1200×800", se[0]-nw[0], se[1]-nw[1])
	}
	p := vp.FitBound(orb.Bound{Min: testCentre, Max: testCentre})
	if p.Zoom != vp.Zoom || !near(p.Center[0], testCentre[0], 1e-9) {
		t.Errorf("fitting a point gave %+v", p)
	}
}

func TestMetresAndScale(t *testing.T) {
	vp := Viewport{Center: orb.Point{0, 0}, Zoom: 0, Width: 256, Height: 256}
	if m := vp.MetersPerPixel(); !near(m, 156543.03392804097, 1e-6) {
		t.Errorf("metres per pixel at the equator, zoom 0: %v", m)
	}
	vp = Viewport{Center: orb.Point{4.9, 46.56}, Zoom: 15, Width: 256, Height: 256}
	want := 156543.03392804097 * math.Cos(46.56*math.Pi/180) / math.Exp2(15)
	if m := vp.MetersPerPixel(); !near(m, want, 1e-9) {
		t.Errorf("metres per pixel %v, want %v", m, want)
	}
	// 1:N at 96 dpi: a pixel is 0.0254/96 m of paper.
	if s := vp.ScaleDenominator(); !near(s, want/(0.0254/96), 1e-6) || s < 10000 || s > 15000 {
		t.Errorf("scale 1:%v", s)
	}
}

func TestDeviceSize(t *testing.T) {
	vp := Viewport{Width: 800, Height: 600, Scale: 1.25}
	if s := vp.DeviceSize(); s.X != 1000 || s.Y != 750 {
		t.Errorf("device size %v", s)
	}
	vp.Scale = 0
	if s := vp.DeviceSize(); s.X != 800 || vp.DeviceZoom() != vp.Zoom {
		t.Errorf("zero scale: %v, zoom %v", s, vp.DeviceZoom())
	}
}

// A level's tiles tile the world: each pixel is in exactly one tile.
func TestLevelTiles(t *testing.T) {
	for _, z := range []float64{0, 3.2, 14.5, 14.51, 17.9, 21.3} {
		lv := levelOf(z)
		for _, px := range []int{0, 1, 255, 256, 1000, 123457} {
			i := lv.tileAt(px)
			r := lv.tileRect(i, i)
			if px < r.x0 || px >= r.x1 {
				t.Errorf("zoom %v: pixel %d not in tile %d (%v)", z, px, i, r)
			}
		}
		if d := lv.tilePixels(); d < 181 || d > 363 {
			t.Errorf("zoom %v: tiles of %v pixels", z, d)
		}
	}
}

// worldX is toWorld's x to the bit: what a box's width is found with.
func TestWorldX(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	for range 10000 {
		lon := rng.Float64()*360 - 180
		for _, x := range []float64{lon, float64(float32(lon))} {
			if got, want := worldX(x), toWorld(orb.Point{x, 46.5}).X(); got != want {
				t.Fatalf("worldX(%v) = %v, toWorld gives %v", x, got, want)
			}
		}
	}
}
