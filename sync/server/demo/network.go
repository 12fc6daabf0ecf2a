package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// A water network is grown as a tree of lines (streets) from the bourg
// centre: a few trunk mains run out towards hamlets and the border, then
// branches leave existing nodes at roughly right angles, more often near the
// bourg and the hamlets, until the network reaches its planned length. An
// occupancy grid keeps lines apart, so the result reads as streets rather
// than spaghetti.

type wnode struct {
	p     orb.Point
	line  int32
	sides uint8 // bit 0: a branch leaves on the left, bit 1: on the right
}

type wline struct {
	level  int
	parent int     // parent line, -1 for a trunk
	nodes  []int32 // nodes[0] is the junction on the parent line (or the centre)
	border bool    // growth stopped at the commune border
	hamlet int     // index of the hamlet a trunk serves, or -1
	name   string
	attrs  pipeAttrs
}

// network is a commune's water network in local metres.
type network struct {
	nodes  []wnode
	lines  []*wline
	grid   map[uint64]int32
	cell   float64
	length float64
}

func cellKey(ix, iy int64) uint64 { return uint64(ix+1<<31)<<32 | uint64(iy+1<<31)&0xffffffff }

func (n *network) cellOf(p orb.Point) (int64, int64) {
	return int64(math.Floor(p[0] / n.cell)), int64(math.Floor(p[1] / n.cell))
}

// mark records segment ab of line li in the occupancy grid.
func (n *network) mark(a, b orb.Point, li int32) {
	l := dist(a, b)
	steps := int(l/(n.cell/2)) + 1
	for i := 0; i <= steps; i++ {
		ix, iy := n.cellOf(lerp(a, b, float64(i)/float64(steps)))
		k := cellKey(ix, iy)
		if _, ok := n.grid[k]; !ok {
			n.grid[k] = li
		}
	}
}

// free reports whether segment ab, of line li starting at start, keeps clear
// of other lines: every sample farther than skip from the line's start must
// have no other line in its 3×3 cell neighbourhood.
func (n *network) free(a, b, start orb.Point, li int32, skip float64) bool {
	l := dist(a, b)
	steps := int(l/(n.cell/2)) + 1
	for i := 1; i <= steps; i++ {
		p := lerp(a, b, float64(i)/float64(steps))
		if dist(p, start) < skip {
			continue
		}
		ix, iy := n.cellOf(p)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				if o, ok := n.grid[cellKey(ix+dx, iy+dy)]; ok && o != li {
					return false
				}
			}
		}
	}
	return true
}

func (n *network) addNode(p orb.Point, li int32) int32 {
	n.nodes = append(n.nodes, wnode{p: p, line: li})
	return int32(len(n.nodes) - 1)
}

// headingAt returns the direction of line l at its k-th node.
func (n *network) headingAt(l *wline, k int) float64 {
	switch {
	case k+1 < len(l.nodes):
		return heading(n.nodes[l.nodes[k]].p, n.nodes[l.nodes[k+1]].p)
	case k > 0:
		return heading(n.nodes[l.nodes[k-1]].p, n.nodes[l.nodes[k]].p)
	}
	return 0
}

// growth holds what the growth of one commune's network depends on.
type growth struct {
	g       *gen
	r       rnd
	n       *network
	hamlets []orb.Point
	rh      float64 // radius of a hamlet
	margin  float64
}

// weight is how much the network wants to grow at p: high in the bourg and
// the hamlets, low in the fields.
func (gr *growth) weight(p orb.Point) float64 {
	q := gr.g.bourgDist(p)
	q2 := q * q
	w := 1 / (1 + q2*q2)
	for _, h := range gr.hamlets {
		q := dist(p, h) / gr.rh
		q2 := q * q
		w += 0.6 / (1 + q2*q2)
	}
	return w + 0.03
}

func (gr *growth) inBourg(p orb.Point) bool { return gr.g.bourgDist(p) < 1 }

// stepLength draws the length of the next segment at p.
func (gr *growth) stepLength(p orb.Point) float64 {
	if gr.inBourg(p) {
		return gr.r.between(30, 80) / gr.g.f
	}
	return gr.r.between(60, 150) / gr.g.f
}

// extend grows line li from its last node, heading h, for at most maxLen
// metres, steering towards target when it is not nil. It returns the length
// grown.
func (gr *growth) extend(li int32, h, maxLen float64, target *orb.Point) float64 {
	n, l := gr.n, gr.n.lines[li]
	start := n.nodes[l.nodes[0]].p
	grown := 0.0
	for grown < maxLen {
		cur := n.nodes[l.nodes[len(l.nodes)-1]].p
		bourg := gr.inBourg(cur)
		noise := 0.10
		if bourg {
			noise = 0.05
		}
		h += noise * gr.r.gauss()
		if gr.r.chance(0.12) { // a bend in the road
			s := 1.0
			if gr.r.chance(0.5) {
				s = -1
			}
			h += s * gr.r.between(0.25, 0.5)
		}
		if target != nil { // steer gently, as a road follows the land
			want := heading(cur, *target)
			d := angleDiff(want, h)
			if math.Abs(d) > 0.15 || dist(cur, *target) < 400 {
				h += math.Max(-0.2, math.Min(0.2, 0.4*d))
			}
		}
		step := math.Min(gr.stepLength(cur), maxLen-grown+10/gr.g.f)
		arrive := false
		if target != nil {
			d := dist(cur, *target)
			if d < 10/gr.g.f {
				break
			}
			if d < step*1.3 {
				step, h, arrive = d, heading(cur, *target), true
			}
		}
		next := add(cur, mul(dir(h), step))
		if !gr.g.terr.fits(cur, next, gr.margin) {
			// Try a shorter step before giving up at the border.
			next = add(cur, mul(dir(h), step/2))
			if step/2 < 15/gr.g.f || !gr.g.terr.fits(cur, next, gr.margin) {
				l.border = true
				break
			}
			step /= 2
		}
		skip := 2 * n.cell
		if l.level == 0 {
			skip = 6 * n.cell
		}
		if !n.free(cur, next, start, li, skip) {
			break
		}
		n.mark(cur, next, li)
		l.nodes = append(l.nodes, n.addNode(next, li))
		grown += step
		if arrive {
			break
		}
	}
	return grown
}

// newLine starts a line at node from with the given level and parent.
func (gr *growth) newLine(from int32, level, parent int) int32 {
	li := int32(len(gr.n.lines))
	gr.n.lines = append(gr.n.lines, &wline{level: level, parent: parent, nodes: []int32{from}, hamlet: -1})
	return li
}

// dropLine removes the last line when it did not grow.
func (gr *growth) dropLine(li int32) {
	if int(li) == len(gr.n.lines)-1 && len(gr.n.lines[li].nodes) < 2 {
		gr.n.lines = gr.n.lines[:li]
	}
}

// placeHamlets picks the hamlets of the commune: points well away from the
// bourg and from each other.
func (gr *growth) placeHamlets(count int) {
	g := gr.g
	b := g.terr.bound
	minD := math.Max(2*g.rb, 700)
	for try := 0; try < 400 && len(gr.hamlets) < count; try++ {
		p := orb.Point{gr.r.between(b.Min[0], b.Max[0]), gr.r.between(b.Min[1], b.Max[1])}
		if dist(p, g.centre) < minD || !g.terr.contains(p) || g.terr.borderDist(p) < 150 {
			continue
		}
		ok := true
		for _, h := range gr.hamlets {
			if dist(p, h) < 800 {
				ok = false
			}
		}
		if ok {
			gr.hamlets = append(gr.hamlets, p)
		}
	}
}

// growWater grows the commune's water network to about budget metres.
func growWater(g *gen) (*network, []orb.Point) {
	r := newRnd(g.c.INSEE, streamWater)
	n := &network{grid: map[uint64]int32{}, cell: 25 / g.f}
	gr := &growth{g: g, r: r, n: n, margin: 3, rh: 150 + 4*math.Sqrt(float64(g.pop))}
	pop := float64(g.pop)

	gr.placeHamlets(min(4, 1+g.pop/600))

	root := n.addNode(g.centre, 0)
	// Trunks: one to each hamlet, the others spread around towards the border.
	trunks := min(7, 2+g.pop/900) + r.IntN(2)
	var headings []float64
	for _, h := range gr.hamlets {
		headings = append(headings, heading(g.centre, h))
	}
	base := r.between(0, 2*math.Pi)
	for k := 0; len(headings) < trunks && k < 3*trunks; k++ {
		h := base + float64(k)*2*math.Pi/float64(trunks) + r.between(-0.3, 0.3)
		ok := true
		for _, o := range headings {
			if math.Abs(angleDiff(h, o)) < 0.6 {
				ok = false
			}
		}
		if ok {
			headings = append(headings, h)
		}
	}
	for i, h := range headings {
		li := gr.newLine(root, 0, -1)
		var target orb.Point
		if i < len(gr.hamlets) {
			n.lines[li].hamlet = i
			target = gr.hamlets[i]
		} else {
			target = add(g.centre, mul(dir(h), 20000))
		}
		n.length += gr.extend(li, h, 15000, &target)
		if i < len(gr.hamlets) && r.chance(0.5) { // the road goes on past the hamlet
			l := n.lines[li]
			k := len(l.nodes) - 1
			far := add(n.nodes[l.nodes[k]].p, mul(dir(n.headingAt(l, k)), 20000))
			n.length += gr.extend(li, n.headingAt(l, k), 15000, &far)
		}
		gr.dropLine(li)
	}

	// The streets: about 1.5 km plus 9 m per inhabitant on top of the trunks.
	budget := n.length + (1500+9*pop)*g.f

	// Each hamlet gets a few streets of its own around its trunk.
	var near []int32
	for _, h := range gr.hamlets {
		near = near[:0]
		for i := range n.nodes {
			if i != int(root) && dist(n.nodes[i].p, h) < gr.rh {
				near = append(near, int32(i))
			}
		}
		for k := 0; k < 2+g.pop/500 && len(near) > 0; k++ {
			ni := near[r.IntN(len(near))]
			n.length += gr.branch(ni, 0)
		}
	}

	// Branches.
	maxLevel := 3
	var cands []int32
	for i := range n.nodes {
		if i != int(root) {
			cands = append(cands, int32(i))
		}
	}
	attempts := 0
	for n.length < budget && len(cands) > 0 && attempts < 200000 {
		attempts++
		// Tournament of three: the candidate where the network most wants to grow.
		best := -1
		bestW := -1.0
		for range 3 {
			k := r.IntN(len(cands))
			nd := n.nodes[cands[k]]
			w := gr.weight(nd.p) / (1 + 0.3*float64(n.lines[nd.line].level))
			if w > bestW {
				best, bestW = k, w
			}
		}
		ni := cands[best]
		nd := &n.nodes[ni]
		parent := n.lines[nd.line]
		if nd.sides == 3 || parent.level >= maxLevel {
			cands[best] = cands[len(cands)-1]
			cands = cands[:len(cands)-1]
			continue
		}
		grown := gr.branch(ni, maxLevel)
		if grown == 0 {
			continue
		}
		n.length += grown
		li := len(n.lines) - 1
		cands = append(cands, n.lines[li].nodes[1:]...)
	}
	return n, gr.hamlets
}

func indexOf(xs []int32, x int32) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// branch grows a street off node ni on a free side, at right angles most of
// the time, and returns its length (0 when it could not grow).
func (gr *growth) branch(ni int32, maxLevel int) float64 {
	n, r := gr.n, gr.r
	nd := &n.nodes[ni]
	parent := n.lines[nd.line]
	if nd.sides == 3 || (maxLevel > 0 && parent.level >= maxLevel) {
		return 0
	}
	side := 1
	if nd.sides&1 != 0 || (nd.sides == 0 && r.chance(0.5)) {
		side = 2
	}
	nd.sides |= uint8(side)
	k := indexOf(parent.nodes, ni)
	h := n.headingAt(parent, k)
	turn := math.Pi / 2
	if r.chance(0.15) {
		turn = math.Pi / 3
		if r.chance(0.5) {
			turn = 2 * math.Pi / 3
		}
	}
	if side == 2 {
		turn = -turn
	}
	h += turn + r.between(-0.15, 0.15)
	var maxLen float64
	level := parent.level + 1
	switch {
	case !gr.inBourg(nd.p):
		maxLen = r.between(80, 500)
	case level == 1:
		maxLen = r.between(200, 700)
	case level == 2:
		maxLen = r.between(80, 350)
	default:
		maxLen = r.between(50, 200)
	}
	li := gr.newLine(ni, level, int(nd.line))
	grown := gr.extend(li, h, maxLen, nil)
	if grown == 0 {
		gr.dropLine(li)
	}
	return grown
}
