package mapview

import (
	"cmp"
	"context"
	"image"
	"image/draw"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Labels are placed over a region of one level, greedily: by the styles'
// priority, then the top layers' first, then the largest polygons, then in
// fid order, each at the
// first of its candidate positions that collides with no label placed
// before it nor with a labelled layer's symbol. The placed labels are drawn
// over the frame, never cut by tiles; a new layout first tries the
// positions of the previous one, so that labels do not jump while panning.

// labelGap is the free space, in logical pixels, kept around each label.
const labelGap = 2

// labelKey identifies a label across layouts.
type labelKey struct {
	layer string
	fid   int64
}

type placedLabel struct {
	key  labelKey
	text string
	at   image.Point // world pixel of the sprite's top-left corner
	img  *image.RGBA
}

// labelLayout is a set of labels placed without collisions over a region.
type labelLayout struct {
	lv     level
	region pixRect
	labels []placedLabel
	// size is the scene's symbol and text scale the sprites were drawn at:
	// a layout at another size (magnified or not) draws its own.
	size float64
}

// draw lays the labels over dst, whose top-left corner is world pixel
// origin at a level f times larger than the layout's. Away from the
// layout's level the labels move with the map but keep their size.
func (l *labelLayout) draw(dst *image.RGBA, origin image.Point, f float64) {
	if l == nil {
		return
	}
	for i := range l.labels {
		p := &l.labels[i]
		if r := p.rect(origin, f); r.Overlaps(dst.Bounds()) {
			draw.Draw(dst, r, p.img, image.Point{}, draw.Over)
		}
	}
}

// rect returns where the label goes in an image whose top-left corner is
// world pixel origin at a level f times larger than its layout's.
func (p *placedLabel) rect(origin image.Point, f float64) image.Rectangle {
	b := p.img.Bounds()
	at := p.at
	if f != 1 {
		cx := (float64(p.at.X) + float64(b.Dx())/2) * f
		cy := (float64(p.at.Y) + float64(b.Dy())/2) * f
		at = image.Pt(int(math.Round(cx-float64(b.Dx())/2)), int(math.Round(cy-float64(b.Dy())/2)))
	}
	return b.Add(at.Sub(origin))
}

// labelCand is a feature to label and where its label may go.
type labelCand struct {
	key      labelKey
	text     string
	priority int     // the style's: higher first
	rank     int     // layer rank, 0 for the top layer
	area     float64 // polygons: larger first
	style    *Label
	anchor   orb.Point // world pixels
	offset   float64   // clearance around a point's symbol
	centred  bool      // polygons and lines: on the anchor only
	minWidth float64   // polygons: the label is skipped when it is much wider
	prev     *placedLabel
}

// layoutLabels places the labels of the scene's features whose anchor
// lies in region (world pixels at lv). prev, when at the same level and
// size, gives positions and sprites to keep.
func (r *Renderer) layoutLabels(ctx context.Context, sc *scene, lv level, region pixRect, prev *labelLayout) (*labelLayout, error) {
	out := &labelLayout{lv: lv, region: region, size: sc.size}
	zoom := lv.zoom() - math.Log2(sc.scale)
	prevBy := map[labelKey]*placedLabel{}
	if prev != nil && prev.lv == lv && prev.size == sc.size {
		for i := range prev.labels {
			prevBy[prev.labels[i].key] = &prev.labels[i]
		}
	}
	var cands []labelCand
	var obstacles []image.Rectangle
	wpx := lv.worldPixels()
	for i := len(sc.layers) - 1; i >= 0; i-- {
		l := &sc.layers[i]
		lab := l.style.Label
		if lab == nil || zoom < lab.MinZoom || (lab.MaxZoom > 0 && zoom >= lab.MaxZoom) {
			continue
		}
		tree := r.ws.Index().Snapshot(l.name)
		if tree == nil {
			continue
		}
		var found []candidate
		mn, mx := lv.searchBound(region, 0)
		tree.Search(mn, mx, func(min, max [2]float32, fid int64) bool {
			if l.keeps(fid) {
				found = append(found, candidate{fid: fid, min: min, max: max})
			}
			return true
		})
		slices.SortFunc(found, func(a, b candidate) int { return cmp.Compare(a.fid, b.fid) })
		var st [nClasses]*styler
		st[l.class] = sc.styler(l, l.class, zoom)
		feats, err := r.load(ctx, l, found, st[l.class].codeFilters(l.schema))
		if err != nil {
			return nil, err
		}
		for _, f := range feats {
			if f == nil {
				continue
			}
			if st[f.class] == nil {
				st[f.class] = sc.styler(l, f.class, zoom)
			}
			p := st[f.class].resolve(f.attrs)
			if p.hidden {
				continue
			}
			c := labelCand{key: labelKey{l.key, f.fid}, priority: lab.priority(), rank: len(sc.layers) - 1 - i, style: lab}
			if fld, ok := l.schema.Field(lab.Field); ok && len(fld.Domain) > 0 {
				c.text = fld.Label(ValueKey(f.attrs.get(lab.Field)))
			} else {
				c.text = labelText(f.attrs.get(lab.Field))
			}
			if c.text == "" {
				continue
			}
			switch f.class {
			case pointClass:
				var w orb.Point
				eachPoint(f.world, func(p orb.Point) { w = p })
				c.anchor = orb.Point{w[0] * wpx, w[1] * wpx}
				c.offset = float64(p.size)/2 + 3*sc.size
				if p.size > 0 {
					h := float64(p.size) / 2
					obstacles = append(obstacles, image.Rect(int(c.anchor[0]-h), int(c.anchor[1]-h), int(c.anchor[0]+h), int(c.anchor[1]+h)))
				}
			case lineClass:
				c.anchor = lineMiddle(f.world)
				c.anchor = orb.Point{c.anchor[0] * wpx, c.anchor[1] * wpx}
				c.centred = true
			case polygonClass:
				a, area, width := labelPoint(f.world)
				c.anchor = orb.Point{a[0] * wpx, a[1] * wpx}
				c.area = area
				c.minWidth = width * wpx
				c.centred = true
			}
			if !region.containsPoint(c.anchor) {
				continue
			}
			c.prev = prevBy[c.key]
			cands = append(cands, c)
		}
	}
	slices.SortStableFunc(cands, func(a, b labelCand) int {
		return cmp.Or(cmp.Compare(boolRank(a.prev != nil), boolRank(b.prev != nil)),
			cmp.Compare(b.priority, a.priority), cmp.Compare(a.rank, b.rank), cmp.Compare(b.area, a.area), cmp.Compare(a.key.fid, b.key.fid))
	})
	fc := r.fonts.faces()
	col := newCollider(64)
	for _, o := range obstacles {
		col.add(o)
	}
	gap := int(math.Ceil(labelGap * sc.size))
	for i := range cands {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c := &cands[i]
		var img *image.RGBA
		if c.prev != nil && c.prev.text == c.text {
			img = c.prev.img
		} else {
			img = labelSprite(fc, c.style, c.text, sc.size)
		}
		size := img.Bounds().Size()
		if c.minWidth > 0 && c.minWidth < 0.4*float64(size.X) {
			continue
		}
		for _, at := range c.positions(size) {
			box := image.Rectangle{Min: at, Max: at.Add(size)}.Inset(-gap)
			if col.hits(box) {
				continue
			}
			col.add(box)
			out.labels = append(out.labels, placedLabel{key: c.key, text: c.text, at: at, img: img})
			break
		}
	}
	return out, nil
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// positions returns where a label of this size may go, best first: the
// previous layout's place, then, for points, around the symbol (right,
// left, above, below, then the corners).
func (c *labelCand) positions(size image.Point) []image.Point {
	var out []image.Point
	if c.prev != nil && c.prev.img.Bounds().Size() == size {
		out = append(out, c.prev.at)
	}
	w, h := float64(size.X), float64(size.Y)
	ax, ay := c.anchor[0], c.anchor[1]
	at := func(x, y float64) image.Point { return image.Pt(int(math.Round(x)), int(math.Round(y))) }
	if c.centred {
		return append(out, at(ax-w/2, ay-h/2))
	}
	d := c.offset
	return append(out,
		at(ax+d, ay-h/2), at(ax-d-w, ay-h/2), at(ax-w/2, ay-d-h), at(ax-w/2, ay+d),
		at(ax+d*0.7, ay-d*0.7-h), at(ax+d*0.7, ay+d*0.7), at(ax-d*0.7-w, ay-d*0.7-h), at(ax-d*0.7-w, ay+d*0.7))
}

func labelSprite(fc *faces, l *Label, text string, scale float64) *image.RGBA {
	size := l.Size
	if size <= 0 {
		size = 12
	}
	fg := Color{0x2b, 0x2b, 0x2b, 0xff}
	if l.Color != nil {
		fg = *l.Color
	}
	halo := Color{0xff, 0xff, 0xff, 0xe6}
	if l.Halo != nil {
		halo = *l.Halo
	}
	return textSprite(fc.get(size*scale, l.Bold), text, fg, halo, 1.6*scale)
}

// labelText writes an attribute value as a label.
func labelText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func (r pixRect) containsPoint(p orb.Point) bool {
	return p[0] >= float64(r.x0) && p[0] < float64(r.x1) && p[1] >= float64(r.y0) && p[1] < float64(r.y1)
}

// lineMiddle returns the point halfway along a line (the longest part of a
// multi-line).
func lineMiddle(g orb.Geometry) orb.Point {
	var best orb.LineString
	bestLen := -1.0
	each := func(ls orb.LineString) {
		if l := planar.Length(ls); l > bestLen {
			best, bestLen = ls, l
		}
	}
	switch g := g.(type) {
	case orb.LineString:
		each(g)
	case orb.MultiLineString:
		for _, ls := range g {
			each(ls)
		}
	}
	if len(best) == 0 {
		return orb.Point{}
	}
	half := bestLen / 2
	for i := 1; i < len(best); i++ {
		seg := planar.Distance(best[i-1], best[i])
		if seg >= half && seg > 0 {
			return lerpPoint(best[i-1], best[i], half/seg)
		}
		half -= seg
	}
	return best[len(best)-1]
}

// labelPoint returns a point inside a polygon (the largest of a
// multi-polygon) to label it at, that polygon's area and the width of the
// polygon across that point.
func labelPoint(g orb.Geometry) (orb.Point, float64, float64) {
	var poly orb.Polygon
	area := -1.0
	pick := func(p orb.Polygon) {
		if len(p) == 0 {
			return
		}
		if a := math.Abs(planar.Area(p)); a > area {
			poly, area = p, a
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		pick(g)
	case orb.MultiPolygon:
		for _, p := range g {
			pick(p)
		}
	}
	if poly == nil {
		return orb.Point{}, 0, 0
	}
	c, _ := planar.CentroidArea(poly)
	// The widest inside span on the centroid's row: its middle is inside
	// even for a crescent-shaped polygon.
	var xs []float64
	for _, r := range poly {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if (a[1] <= c[1]) != (b[1] <= c[1]) {
				xs = append(xs, a[0]+(c[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]))
			}
		}
	}
	slices.Sort(xs)
	best, width := c, 0.0
	for i := 0; i+1 < len(xs); i += 2 {
		w := xs[i+1] - xs[i]
		mid := orb.Point{(xs[i] + xs[i+1]) / 2, c[1]}
		if xs[i] <= c[0] && c[0] <= xs[i+1] {
			// The centroid's own span wins unless another is much wider.
			w *= 1.5
			mid = orb.Point{c[0], c[1]}
		}
		if w > width {
			best, width = mid, w
		}
	}
	return best, area, width
}

// collider finds overlaps among placed boxes through a grid of cells.
type collider struct {
	cell  int
	grid  map[image.Point][]int
	boxes []image.Rectangle
}

func newCollider(cell int) *collider { return &collider{cell: cell, grid: map[image.Point][]int{}} }

func (c *collider) cells(r image.Rectangle, fn func(image.Point) bool) {
	for y := floorDiv(r.Min.Y, c.cell); y <= floorDiv(r.Max.Y-1, c.cell); y++ {
		for x := floorDiv(r.Min.X, c.cell); x <= floorDiv(r.Max.X-1, c.cell); x++ {
			if !fn(image.Pt(x, y)) {
				return
			}
		}
	}
}

func (c *collider) hits(r image.Rectangle) bool {
	hit := false
	c.cells(r, func(p image.Point) bool {
		for _, i := range c.grid[p] {
			if c.boxes[i].Overlaps(r) {
				hit = true
				return false
			}
		}
		return true
	})
	return hit
}

func (c *collider) add(r image.Rectangle) {
	i := len(c.boxes)
	c.boxes = append(c.boxes, r)
	c.cells(r, func(p image.Point) bool {
		c.grid[p] = append(c.grid[p], i)
		return true
	})
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
