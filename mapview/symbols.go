package mapview

import (
	"image"
	"image/draw"
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// symbolOutline returns the closed outline of a symbol of diameter size
// centred on c. The shapes are sized to look alike in weight: a square is
// a little smaller than its circle, a star a little larger.
func symbolOutline(s Symbol, c orb.Point, size float64) orb.Ring {
	r := size / 2
	poly := func(n int, radius, phase, dy float64) orb.Ring {
		out := make(orb.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			a := phase + 2*math.Pi*float64(i)/float64(n)
			out = append(out, orb.Point{c[0] + radius*math.Cos(a), c[1] + dy + radius*math.Sin(a)})
		}
		return append(out, out[0])
	}
	switch s {
	case Square:
		h := r * 0.88
		return orb.Ring{{c[0] - h, c[1] - h}, {c[0] + h, c[1] - h}, {c[0] + h, c[1] + h}, {c[0] - h, c[1] + h}, {c[0] - h, c[1] - h}}
	case Triangle:
		// Pointing up, drawn a little low so that it sits on its point.
		return poly(3, r*1.2, -math.Pi/2, r*0.15)
	case Diamond:
		return poly(4, r*1.1, -math.Pi/2, 0)
	case Star:
		out := make(orb.Ring, 0, 11)
		for i := 0; i < 10; i++ {
			rad := r * 1.25
			if i%2 == 1 {
				rad *= 0.45
			}
			a := -math.Pi/2 + math.Pi*float64(i)/5
			out = append(out, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
		}
		return append(out, out[0])
	case Cross:
		t := r * 0.3
		return orb.Ring{
			{c[0] - t, c[1] - r}, {c[0] + t, c[1] - r}, {c[0] + t, c[1] - t}, {c[0] + r, c[1] - t},
			{c[0] + r, c[1] + t}, {c[0] + t, c[1] + t}, {c[0] + t, c[1] + r}, {c[0] - t, c[1] + r},
			{c[0] - t, c[1] + t}, {c[0] - r, c[1] + t}, {c[0] - r, c[1] - t}, {c[0] - t, c[1] - t}, {c[0] - t, c[1] - r},
		}
	}
	return poly(circleSteps(r), r, 0, 0)
}

// spriteKey identifies a drawn symbol.
type spriteKey struct {
	symbol       Symbol
	size, width  float32
	fill, stroke Color
}

// sprite is a symbol drawn once, to be copied at every point that shows it.
type sprite struct {
	img    *image.RGBA
	centre image.Point // the symbol's centre in img
}

func makeSprite(k spriteKey) *sprite {
	w := float64(k.width)
	if k.stroke.A == 0 {
		w = 0
	}
	side := int(math.Ceil(float64(k.size)*1.3+w)) + 4
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	c := orb.Point{float64(side) / 2, float64(side) / 2}
	outline := symbolOutline(k.symbol, c, float64(k.size))
	cv := newCanvas(img)
	if k.fill.A > 0 {
		cv.polygon(outline, false)
		cv.fill(k.fill)
	}
	if w > 0 {
		cv.stroke(outline, w/2, capButt, joinMiter, true)
		cv.fill(k.stroke)
	}
	return &sprite{img: img, centre: image.Pt(side/2, side/2)}
}

// drawAt copies the sprite over dst with its centre at p, snapped to the
// pixel grid so that symbols stay crisp.
func (s *sprite) drawAt(dst *image.RGBA, p orb.Point) image.Rectangle {
	at := image.Pt(int(math.Floor(p[0]+0.5)), int(math.Floor(p[1]+0.5))).Sub(s.centre)
	r := s.img.Bounds().Add(at)
	draw.Draw(dst, r, s.img, image.Point{}, draw.Over)
	return r
}

// sprites keeps the sprites of one drawing job, taken from the renderer's.
type sprites map[spriteKey]*sprite

func (ss sprites) get(k spriteKey, shared *spriteCache) *sprite {
	s, ok := ss[k]
	if !ok {
		s = shared.get(k)
		ss[k] = s
	}
	return s
}

// spriteCache shares the sprites drawn once among a renderer's tiles. It
// holds at most maxSprites; past that it starts again.
type spriteCache struct {
	mu sync.Mutex
	m  map[spriteKey]*sprite
}

const maxSprites = 1024

func (c *spriteCache) get(k spriteKey) *sprite {
	c.mu.Lock()
	s, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = makeSprite(k)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxSprites {
		c.m = map[spriteKey]*sprite{}
	}
	c.m[k] = s
	c.mu.Unlock()
	return s
}
