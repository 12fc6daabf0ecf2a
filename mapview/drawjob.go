package mapview

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"image/draw"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"

	"terrimap/store"
)

// simplifyTolerance is how far, in pixels, a simplified line may stray
// from the original: half a pixel cannot be seen.
const simplifyTolerance = 0.5

// highlightWidth is the width, in logical pixels, of the selection's halo.
const highlightWidth = 6

// highlightColor marks selected features: a cyan that no default style uses.
func highlightColor() Color { return Color{0x00, 0xc8, 0xff, 0xc0} }

// drawJob is the state of one drawRect call.
type drawJob struct {
	r    *Renderer
	sc   *scene
	lv   level
	rect pixRect
	wpx  float64 // world width in pixels at lv
	zoom float64 // logical zoom, for styles

	img     *image.RGBA // nil until something is drawn
	cv      *canvas
	layerIm *image.RGBA // scratch for translucent layers
	layerCv *canvas
	sprites sprites
	dp      *simplify.DouglasPeuckerSimplifier
	buf     []orb.Point
	piece   []orb.Point
	sel     []selItem
	seen    map[spriteAt]bool
	dotMask []uint64
}

type selItem struct {
	f *feature
	p paint
}

type spriteAt struct {
	x, y int
	s    *sprite
}

// dot is a feature smaller than a pixel, drawn as that pixel.
type dot struct {
	x, y int
	c    Color
}

type group struct {
	p     paint
	feats []*feature
}

func (j *drawJob) ensure() {
	if j.img == nil {
		j.img = image.NewRGBA(image.Rect(0, 0, j.rect.dx(), j.rect.dy()))
		j.cv = newCanvas(j.img)
		j.dp = simplify.DouglasPeucker(simplifyTolerance)
	}
}

// release hands the job's canvases back for reuse.
func (j *drawJob) release() {
	if j.cv != nil {
		j.cv.release()
		j.cv = nil
	}
	if j.layerCv != nil {
		j.layerCv.release()
		j.layerCv = nil
	}
}

// target returns the image and canvas a layer draws into: the tile's, or a
// cleared scratch one when the layer is translucent.
func (j *drawJob) target(l *sceneLayer) (*image.RGBA, *canvas) {
	j.ensure()
	if l.opacity >= 1 {
		return j.img, j.cv
	}
	if j.layerIm == nil {
		j.layerIm = image.NewRGBA(j.img.Bounds())
		j.layerCv = newCanvas(j.layerIm)
	} else {
		clear(j.layerIm.Pix)
	}
	return j.layerIm, j.layerCv
}

// px returns the tile pixel of a world fraction.
func (j *drawJob) px(w orb.Point) orb.Point {
	return orb.Point{w[0]*j.wpx - float64(j.rect.x0), w[1]*j.wpx - float64(j.rect.y0)}
}

// project returns pts in tile pixels, simplified, in scratch space that
// the next call reuses.
func (j *drawJob) project(pts []orb.Point) []orb.Point {
	j.buf = j.buf[:0]
	for _, p := range pts {
		j.buf = append(j.buf, j.px(p))
	}
	if len(j.buf) > 2 {
		return j.dp.LineString(j.buf)
	}
	return j.buf
}

// clipBound is the tile grown by m pixels: what lies beyond cannot show.
func (j *drawJob) clipBound(m float64) orb.Bound {
	return orb.Bound{Min: orb.Point{-m, -m}, Max: orb.Point{float64(j.rect.dx()) + m, float64(j.rect.dy()) + m}}
}

func (j *drawJob) layer(ctx context.Context, l *sceneLayer) error {
	var st [nClasses]*styler
	styler := func(c geomClass) *styler {
		if st[c] == nil {
			st[c] = j.sc.styler(l, c, j.zoom)
		}
		return st[c]
	}
	visible := styler(l.class).visibleAtAll()
	bleed := max(2, st[l.class].bleed())
	hasSel := j.sc.hasSelectionIn(l.key)
	if !visible && !hasSel {
		return nil
	}
	if hasSel {
		bleed += highlightWidth * j.sc.size
	}
	if feats, dots, ok, err := j.overviewLayer(ctx, l, styler, bleed); err != nil {
		return err
	} else if ok {
		if hasSel {
			if err := j.selectedOnly(ctx, l, styler, bleed); err != nil {
				return err
			}
		}
		return j.paintLayer(l, styler, visible, false, feats, nil, dots)
	}
	tree, err := j.r.ws.Index().SnapshotOrErr(l.name)
	if err != nil {
		return fmt.Errorf("mapview: draw %s: %w", l.name, err)
	}
	if tree == nil || tree.Len() == 0 {
		return nil
	}
	// Find the features; those smaller than a pixel become dots, without
	// reading them when the style paints them all alike.
	var cands []candidate
	var tiny []bool
	var dots []dot
	mergeBlind := l.class != pointClass && st[l.class].uniform()
	base := st[l.class]
	mn, mx := j.lv.searchBound(j.rect, bleed)
	tree.Search(mn, mx, func(min, max [2]float32, fid int64) bool {
		if !l.keeps(fid) {
			return true
		}
		sel := hasSel && j.sc.selected(l.key, fid)
		if !visible && !sel {
			return true
		}
		small := false
		if l.class != pointClass && !sel {
			if j.lv.withinPixel(min, max) {
				if mergeBlind {
					if base.hiddenAt() {
						return true
					}
					c := j.px(toWorld(orb.Point{float64(min[0]+max[0]) / 2, float64(min[1]+max[1]) / 2}))
					dots = append(dots, dot{int(math.Floor(c[0])), int(math.Floor(c[1])), dotColor(&base.base, l.class)})
					return true
				}
				small = true
			}
		}
		cands = append(cands, candidate{fid: fid, min: min, max: max})
		tiny = append(tiny, small)
		return true
	})
	// Draw in fid order, whatever the tree's, so that a tile looks the same
	// however it was indexed.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(cands[a].fid, cands[b].fid) })
	sorted := make([]candidate, len(cands))
	sortedTiny := make([]bool, len(cands))
	for i, k := range order {
		sorted[i], sortedTiny[i] = cands[k], tiny[k]
	}
	var codes []store.CodeFilter
	if !hasSel {
		// A selected feature is highlighted even where its style hides it.
		codes = styler(l.class).codeFilters(l.schema)
	}
	feats, err := j.r.load(ctx, l, sorted, codes)
	if err != nil {
		return err
	}
	return j.paintLayer(l, styler, visible, hasSel, feats, sortedTiny, dots)
}

// paintLayer draws a layer's features (those marked tiny as dots) and
// dots, and notes the selected ones for the highlight.
func (j *drawJob) paintLayer(l *sceneLayer, styler func(geomClass) *styler, visible, hasSel bool, feats []*feature, tiny []bool, dots []dot) error {
	var polys, lines []group
	polyIdx, lineIdx := map[paint]int{}, map[paint]int{}
	var points []selItem
	for i, f := range feats {
		if f == nil {
			continue
		}
		p := styler(f.class).resolve(f.attrs)
		if hasSel && j.sc.selected(l.key, f.fid) {
			j.sel = append(j.sel, selItem{f, p})
		}
		if p.hidden || !visible {
			continue
		}
		if tiny != nil && tiny[i] {
			c := j.px(f.bound.Center())
			dots = append(dots, dot{int(math.Floor(c[0])), int(math.Floor(c[1])), dotColor(&p, f.class)})
			continue
		}
		switch f.class {
		case polygonClass:
			polys = addToGroup(polys, polyIdx, p, f)
		case lineClass:
			lines = addToGroup(lines, lineIdx, p, f)
		case pointClass:
			points = append(points, selItem{f, p})
		}
	}
	if len(polys)+len(lines)+len(points)+len(dots) == 0 {
		return nil
	}
	img, cv := j.target(l)
	j.drawPolygons(cv, polys)
	// Thin lines first: mains are drawn over the service pipes they feed.
	slices.SortStableFunc(lines, func(a, b group) int { return cmp.Compare(a.p.width, b.p.width) })
	for _, g := range lines {
		for _, f := range g.feats {
			j.eachLine(f.world, func(ls []orb.Point) { j.strokeLine(cv, ls, &g.p, float64(g.p.width), false) })
		}
		cv.fill(g.p.stroke)
	}
	j.drawPoints(img, points)
	j.drawDots(img, dots)
	if l.opacity < 1 {
		drawFaded(j.img, img, l.opacity)
	}
	return nil
}

func addToGroup(gs []group, idx map[paint]int, p paint, f *feature) []group {
	i, ok := idx[p]
	if !ok {
		i = len(gs)
		idx[p] = i
		gs = append(gs, group{p: p})
	}
	gs[i].feats = append(gs[i].feats, f)
	return gs
}

// dotColor is the colour of a feature drawn as a dot.
func dotColor(p *paint, c geomClass) Color {
	if c == polygonClass && p.fill.A >= 0x80 {
		return p.fill
	}
	if p.stroke.A > 0 {
		return p.stroke
	}
	return p.fill
}

func (j *drawJob) drawPolygons(cv *canvas, polys []group) {
	for _, g := range polys {
		if g.p.fill.A == 0 {
			continue
		}
		for _, f := range g.feats {
			j.eachPolygon(f.world, func(poly orb.Polygon) { j.fillPolygon(cv, poly) })
		}
		cv.fill(g.p.fill)
	}
	for _, g := range polys {
		if g.p.stroke.A == 0 || g.p.width <= 0 {
			continue
		}
		for _, f := range g.feats {
			j.eachPolygon(f.world, func(poly orb.Polygon) {
				for _, r := range poly {
					j.strokeLine(cv, r, &g.p, float64(g.p.width), true)
				}
			})
		}
		cv.fill(g.p.stroke)
	}
}

func (j *drawJob) fillPolygon(cv *canvas, poly orb.Polygon) {
	cb := j.clipBound(2)
	for i, r := range poly {
		pts := j.project(r)
		if len(pts) < 4 {
			continue
		}
		if c := clip.Ring(cb, orb.Ring(pts)); len(c) >= 4 {
			cv.polygon(c, i > 0)
		}
	}
}

// strokeLine adds a line (or a polygon's ring, closed) to the canvas, with
// the paint's caps, joins and dashes.
func (j *drawJob) strokeLine(cv *canvas, line []orb.Point, p *paint, width float64, closed bool) {
	if width <= 0 {
		return
	}
	pts := j.project(line)
	hw := width / 2
	capKind := p.cap
	if closed {
		capKind = capButt
	}
	cb := j.clipBound(hw + 2)
	if p.ndash > 0 {
		var ok bool
		j.piece, ok = dash(pts, p.dashes(), cb, j.piece, func(piece []orb.Point) { cv.stroke(piece, hw, capKind, p.join, false) })
		if ok {
			return
		}
	}
	if closed && len(pts) > 2 {
		// Run past the start so that its corner is joined too.
		pts = append(pts, pts[1])
	}
	if b := pointsBound(pts); cb.Contains(b.Min) && cb.Contains(b.Max) {
		cv.stroke(pts, hw, capKind, p.join, false)
		return
	}
	for _, part := range clip.LineString(cb, orb.LineString(pts)) {
		cv.stroke(part, hw, capKind, p.join, false)
	}
}

func pointsBound(pts []orb.Point) orb.Bound {
	return orb.LineString(pts).Bound()
}

func (j *drawJob) eachLine(g orb.Geometry, fn func([]orb.Point)) {
	switch g := g.(type) {
	case orb.LineString:
		fn(g)
	case orb.MultiLineString:
		for _, ls := range g {
			fn(ls)
		}
	}
}

func (j *drawJob) eachPolygon(g orb.Geometry, fn func(orb.Polygon)) {
	switch g := g.(type) {
	case orb.Polygon:
		fn(g)
	case orb.MultiPolygon:
		for _, p := range g {
			fn(p)
		}
	case orb.Ring:
		fn(orb.Polygon{g})
	}
}

func eachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	}
}

func (p *paint) spriteKey() spriteKey {
	return spriteKey{symbol: p.symbol, size: p.size, width: p.width, fill: p.fill, stroke: p.stroke}
}

// drawPoints draws the symbols from the top of the tile down, so that
// lower ones overlap higher ones as on a perspective; a symbol hidden
// under the same symbol at the same pixel is skipped.
func (j *drawJob) drawPoints(img *image.RGBA, points []selItem) {
	if len(points) == 0 {
		return
	}
	type at struct {
		p orb.Point
		i int
	}
	var all []at
	for i, it := range points {
		eachPoint(it.f.world, func(w orb.Point) { all = append(all, at{j.px(w), i}) })
	}
	slices.SortStableFunc(all, func(a, b at) int { return cmp.Or(cmp.Compare(a.p[1], b.p[1]), cmp.Compare(a.p[0], b.p[0])) })
	if j.seen == nil {
		j.seen = map[spriteAt]bool{}
	}
	clear(j.seen)
	for _, a := range all {
		p := &points[a.i].p
		if p.size <= 0 {
			continue
		}
		s := j.sprites.get(p.spriteKey(), &j.r.sprites)
		k := spriteAt{int(math.Floor(a.p[0] + 0.5)), int(math.Floor(a.p[1] + 0.5)), s}
		if j.seen[k] {
			continue
		}
		j.seen[k] = true
		s.drawAt(img, a.p)
	}
}

// drawDots lays each dot's colour once per pixel.
func (j *drawJob) drawDots(img *image.RGBA, dots []dot) {
	if len(dots) == 0 {
		return
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	n := (w*h + 63) / 64
	if cap(j.dotMask) < n {
		j.dotMask = make([]uint64, n)
	}
	mask := j.dotMask[:n]
	clear(mask)
	for _, d := range dots {
		if d.x < 0 || d.y < 0 || d.x >= w || d.y >= h {
			continue
		}
		i := d.y*w + d.x
		if mask[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		mask[i/64] |= 1 << (i % 64)
		blendPixel(img, d.x, d.y, d.c.fade(0.85))
	}
}

// highlight draws the selected features over everything: a halo, then the
// feature again so that it stays readable.
func (j *drawJob) highlight() {
	if len(j.sel) == 0 {
		return
	}
	j.ensure()
	s := j.sc.size
	for _, it := range j.sel {
		p := it.p
		switch it.f.class {
		case lineClass:
			j.eachLine(it.f.world, func(ls []orb.Point) {
				solid := p
				solid.ndash, solid.cap = 0, capRound
				j.strokeLine(j.cv, ls, &solid, float64(p.width)+highlightWidth*s, false)
			})
			j.cv.fill(highlightColor())
			j.eachLine(it.f.world, func(ls []orb.Point) { j.strokeLine(j.cv, ls, &p, float64(p.width), false) })
			j.cv.fill(p.stroke)
		case polygonClass:
			j.eachPolygon(it.f.world, func(poly orb.Polygon) { j.fillPolygon(j.cv, poly) })
			j.cv.fill(highlightColor().fade(0.3))
			solid := p
			solid.ndash, solid.join = 0, joinRound
			j.eachPolygon(it.f.world, func(poly orb.Polygon) {
				for _, r := range poly {
					j.strokeLine(j.cv, r, &solid, 3*s, true)
				}
			})
			j.cv.fill(highlightColor())
		case pointClass:
			r := float64(p.size)*0.65 + 2.5*s
			eachPoint(it.f.world, func(w orb.Point) {
				c := j.px(w)
				j.cv.disc(c, r+highlightWidth*s/2)
			})
			j.cv.fill(highlightColor())
			if p.size > 0 {
				sp := j.sprites.get(p.spriteKey(), &j.r.sprites)
				eachPoint(it.f.world, func(w orb.Point) { sp.drawAt(j.img, j.px(w)) })
			}
		}
	}
}

// blendPixel lays c over one pixel.
func blendPixel(img *image.RGBA, x, y int, c Color) {
	i := img.PixOffset(x, y)
	pm := c.premul()
	a := 255 - uint32(pm.A)
	px := img.Pix[i : i+4 : i+4]
	px[0] = uint8(uint32(pm.R) + uint32(px[0])*a/255)
	px[1] = uint8(uint32(pm.G) + uint32(px[1])*a/255)
	px[2] = uint8(uint32(pm.B) + uint32(px[2])*a/255)
	px[3] = uint8(uint32(pm.A) + uint32(px[3])*a/255)
}

// drawFaded lays src over dst (same bounds) with its alpha times opacity.
func drawFaded(dst, src *image.RGBA, opacity float64) {
	m := image.NewUniform(Color{A: uint8(math.Round(opacity * 255))})
	draw.DrawMask(dst, dst.Bounds(), src, image.Point{}, m, image.Point{}, draw.Over)
}
