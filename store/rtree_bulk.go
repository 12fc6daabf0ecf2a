package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Bulk loading of the GeoPackage R*Tree. Inserting a million boxes one by
// one through SQLite's rtree module takes tens of seconds here; GDAL, too,
// writes the module's shadow tables directly for large loads. The tree is
// packed along a Hilbert curve and written as SQLite's rtree module lays
// it out (sqlite/ext/rtree/rtree.c):
//
//	<name>_node(nodeno INTEGER PRIMARY KEY, data)   node 1 is the root
//	<name>_rowid(rowid INTEGER PRIMARY KEY, nodeno) leaf holding each id
//	<name>_parent(nodeno INTEGER PRIMARY KEY, parentnode)
//
// A node blob is nodeSize bytes: a 2-byte tree depth (root only), a 2-byte
// cell count, then cells of an 8-byte id and minx, maxx, miny, maxy as
// 4-byte floats, all big-endian. Every blob has the size of the root's,
// which is how the module learns the node size of an existing table.

const (
	rtreeCellSize = 8 + 4*4
	rtreeMaxCells = 51 // RTREE_MAXCELLS
	// rtreePackCells leaves room in packed nodes for later inserts.
	rtreePackCells = 45
)

// rtreeLinksAtOnce is how many rows of <name>_rowid or <name>_parent one
// INSERT of rebuildRTree writes, rtreeNodesAtOnce how many of <name>_node.
const (
	rtreeLinksAtOnce = 256
	rtreeNodesAtOnce = 32
)

type packedNode struct {
	no       int64
	min, max [2]float32
	cells    []rtreeRow // leaf entries, or children as (nodeno, box)
}

// rebuildRTree replaces the layer's R*Tree with a packed tree of rows.
func (w *sqlWriter) rebuildRTree(l *Layer, rows []rtreeRow) error {
	name := l.RTreeTable()
	var nodeSize int
	if err := w.tx.QueryRowContext(w.ctx, fmt.Sprintf("SELECT length(data) FROM %s WHERE nodeno = 1", quoteIdent(name+"_node"))).Scan(&nodeSize); err != nil {
		return fmt.Errorf("store: rebuild rtree %s: %w", name, err)
	}
	maxCells := (nodeSize - 4) / rtreeCellSize
	if maxCells < 4 {
		return fmt.Errorf("store: rebuild rtree %s: node size %d", name, nodeSize)
	}
	pack := min(rtreePackCells, maxCells)
	for _, t := range []string{"_node", "_rowid", "_parent"} {
		if _, err := w.tx.ExecContext(w.ctx, "DELETE FROM "+quoteIdent(name+t)); err != nil {
			return fmt.Errorf("store: rebuild rtree %s: %w", name, err)
		}
	}
	sortHilbert(rows)
	next := int64(2)
	var level []packedNode
	for start := 0; start < len(rows) || start == 0; start += pack {
		end := min(start+pack, len(rows))
		n := packedNode{no: next, cells: rows[start:end]}
		next++
		n.min, n.max = cover(n.cells)
		level = append(level, n)
		if end == len(rows) {
			break
		}
	}
	depth := 0
	leaves := true
	for {
		if len(level) == 1 {
			level[0].no = 1
		}
		if err := w.writeNodes(name, nodeSize, level, depth, len(level) == 1); err != nil {
			return err
		}
		if err := w.writeLinks(name, level, leaves); err != nil {
			return err
		}
		if len(level) == 1 {
			return nil
		}
		var parents []packedNode
		for start := 0; start < len(level); start += pack {
			end := min(start+pack, len(level))
			p := packedNode{no: next}
			next++
			for _, c := range level[start:end] {
				p.cells = append(p.cells, rtreeRow{fid: c.no, min: c.min, max: c.max})
			}
			p.min, p.max = cover(p.cells)
			parents = append(parents, p)
		}
		level, leaves = parents, false
		depth++
	}
}

// writeLinks writes the row of <name>_rowid (leaves) or <name>_parent of
// each cell of a level's nodes, rtreeLinksAtOnce per statement, in the
// order of their keys: a level's cells come along the Hilbert curve, in
// no order of id, and rows inserted out of their key's order cost SQLite
// a search and often a page split each, where rows in order are appended
// (0.12 → 0.03 s of a 100,000-point import's pack).
func (w *sqlWriter) writeLinks(name string, level []packedNode, leaves bool) error {
	table, cols := quoteIdent(name+"_rowid"), []string{"rowid", "nodeno"}
	if !leaves {
		table, cols = quoteIdent(name+"_parent"), []string{"nodeno", "parentnode"}
	}
	args := make(rowArgs, 0, 2*rtreeLinksAtOnce)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		if _, err := w.execRows(multiInsertSQL(table, cols, len(args)/2), args); err != nil {
			return fmt.Errorf("store: rebuild rtree %s: %w", name, err)
		}
		args = args[:0]
		return nil
	}
	var err error
	linksInKeyOrder(level, func(key, node int64) bool {
		if args = args.add(key).add(node); len(args) == cap(args) {
			err = flush()
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// linksInKeyOrder yields the links of the cells of a level's nodes in the
// order of their keys, until yield returns false: through a table of the
// keys' range when they are dense (the fids of an import, the node
// numbers of a level: 8 bytes a key), else sorted (16 bytes a cell).
func linksInKeyOrder(level []packedNode, yield func(key, node int64) bool) {
	cells := 0
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, n := range level {
		cells += len(n.cells)
		for _, c := range n.cells {
			lo, hi = min(lo, c.fid), max(hi, c.fid)
		}
	}
	if cells > 0 && hi-lo < 2*int64(cells) {
		if node, ok := nodesByKey(level, lo, hi); ok {
			for i, no := range node {
				if no != 0 && !yield(lo+int64(i), no) {
					return
				}
			}
			return
		}
	}
	links := make([]rtreeLink, 0, cells)
	for _, n := range level {
		for _, c := range n.cells {
			links = append(links, rtreeLink{key: c.fid, node: n.no})
		}
	}
	slices.SortFunc(links, func(a, b rtreeLink) int { return cmp.Compare(a.key, b.key) })
	for _, l := range links {
		if !yield(l.key, l.node) {
			return
		}
	}
}

// nodesByKey returns the node of each key from lo to hi (0 for a key no
// cell has: node numbers start at 1); not ok when a key comes twice,
// which the rows' primary key then refuses.
func nodesByKey(level []packedNode, lo, hi int64) (node []int64, ok bool) {
	node = make([]int64, hi-lo+1)
	for _, n := range level {
		for _, c := range n.cells {
			if node[c.fid-lo] != 0 {
				return nil, false
			}
			node[c.fid-lo] = n.no
		}
	}
	return node, true
}

// rtreeLink is a row of an R*Tree's <name>_rowid (an id and its leaf) or
// <name>_parent (a node and its parent).
type rtreeLink struct{ key, node int64 }

// writeNodes writes a level's nodes into <name>_node, rtreeNodesAtOnce
// per statement; root says the level is the root's, of the tree's depth.
func (w *sqlWriter) writeNodes(name string, size int, level []packedNode, depth int, root bool) error {
	table := quoteIdent(name + "_node")
	buf := make([]byte, size*min(rtreeNodesAtOnce, len(level)))
	args := make(rowArgs, 0, 2*rtreeNodesAtOnce)
	for start := 0; start < len(level); start += rtreeNodesAtOnce {
		args = args[:0]
		clear(buf)
		for i, n := range level[start:min(start+rtreeNodesAtOnce, len(level))] {
			data := buf[i*size : (i+1)*size]
			encodeNode(data, n, depth, root)
			args = args.add(n.no).add(data)
		}
		if _, err := w.execRows(multiInsertSQL(table, []string{"nodeno", "data"}, len(args)/2), args); err != nil {
			return fmt.Errorf("store: rebuild rtree %s: %w", name, err)
		}
	}
	return nil
}

// encodeNode lays node n out in data (zeroed, of the node size) as the
// rtree module does.
func encodeNode(data []byte, n packedNode, depth int, root bool) {
	if root {
		binary.BigEndian.PutUint16(data, uint16(depth))
	}
	binary.BigEndian.PutUint16(data[2:], uint16(len(n.cells)))
	for i, c := range n.cells {
		p := data[4+i*rtreeCellSize:]
		binary.BigEndian.PutUint64(p, uint64(c.fid))
		for k, v := range []float32{c.min[0], c.max[0], c.min[1], c.max[1]} {
			binary.BigEndian.PutUint32(p[8+4*k:], math.Float32bits(v))
		}
	}
}

func cover(rows []rtreeRow) (min, max [2]float32) {
	if len(rows) == 0 {
		return
	}
	min, max = rows[0].min, rows[0].max
	for _, r := range rows[1:] {
		min[0], min[1] = float32(math.Min(float64(min[0]), float64(r.min[0]))), float32(math.Min(float64(min[1]), float64(r.min[1])))
		max[0], max[1] = float32(math.Max(float64(max[0]), float64(r.max[0]))), float32(math.Max(float64(max[1]), float64(r.max[1])))
	}
	return
}

// sortHilbert orders rows along a Hilbert curve over their centres. Each
// row's position on the curve (below 1<<32) and its index are packed in
// one integer, and the integers sorted: a sort of 8-byte values, faster
// than one of the rows through a comparison function.
func sortHilbert(rows []rtreeRow) {
	if len(rows) < 2 {
		return
	}
	mn, mx := cover(rows)
	ext := orb.Bound{Min: orb.Point{float64(mn[0]), float64(mn[1])}, Max: orb.Point{float64(mx[0]), float64(mx[1])}}
	keys := make([]uint64, len(rows))
	for i, r := range rows {
		keys[i] = hilbert((float64(r.min[0])+float64(r.max[0]))/2, (float64(r.min[1])+float64(r.max[1]))/2, ext)<<32 | uint64(i)
	}
	slices.Sort(keys)
	// Put each row in its place by following the permutation's cycles,
	// rather than from a copy of rows (24 bytes a row: 108 MB for the 4.5
	// million points of a 1 GB import). The row at i goes to the place
	// whose key names i; a placed key is set to name its own place.
	const index = 1<<32 - 1
	for i := range rows {
		if int(keys[i]&index) == i {
			continue
		}
		held, j := rows[i], i
		for {
			k := int(keys[j] & index)
			keys[j] = uint64(j)
			if k == i {
				rows[j] = held
				break
			}
			rows[j], j = rows[k], k
		}
	}
}

// hilbert returns the position of (x, y) on a Hilbert curve of order 16
// over ext: below 1<<32.
func hilbert(x, y float64, ext orb.Bound) uint64 {
	const n = 1 << 16
	scale := func(v, lo, hi float64) uint32 {
		if hi <= lo {
			return 0
		}
		return uint32(math.Max(0, math.Min(n-1, (v-lo)/(hi-lo)*(n-1))))
	}
	xi, yi := scale(x, ext.Min[0], ext.Max[0]), scale(y, ext.Min[1], ext.Max[1])
	var d uint64
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if xi&s != 0 {
			rx = 1
		}
		if yi&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				xi, yi = n-1-xi, n-1-yi
			}
			xi, yi = yi, xi
		}
	}
	return d
}

// rtreeEntries reads every (id, box) of the layer's R*Tree from its pages.
func (tx *Tx) rtreeEntries(l *Layer) ([]rtreeRow, error) {
	var out []rtreeRow
	t, err := loadTreeFromNodes(tx.ctx, tx.tx, l)
	if err != nil {
		return nil, err
	}
	t.Scan(func(min, max [2]float32, fid int64) bool {
		out = append(out, rtreeRow{fid: fid, min: min, max: max})
		return true
	})
	return out, nil
}

// rtreeChanges collects the boxes a bulk write sets and removes while the
// layer's R*Tree triggers are suspended; apply rebuilds the tree with them.
type rtreeChanges struct {
	set     map[int64]rtreeRow
	removed map[int64]bool
}

func newRTreeChanges() *rtreeChanges {
	return &rtreeChanges{set: map[int64]rtreeRow{}, removed: map[int64]bool{}}
}

func (c *rtreeChanges) put(fid int64, g orb.Geometry) {
	if g == nil {
		c.remove(fid)
		return
	}
	min, max := rectOf(g.Bound())
	c.set[fid] = rtreeRow{fid: fid, min: min, max: max}
	delete(c.removed, fid)
}

func (c *rtreeChanges) remove(fid int64) {
	delete(c.set, fid)
	c.removed[fid] = true
}

// apply rebuilds the layer's R*Tree from its current entries and the changes.
func (tx *Tx) applyRTreeChanges(l *Layer, c *rtreeChanges) error {
	old, err := tx.rtreeEntries(l)
	if err != nil {
		return fmt.Errorf("store: read rtree %s: %w", l.Schema.Name, err)
	}
	rows := make([]rtreeRow, 0, len(old)+len(c.set))
	for _, r := range old {
		if _, changed := c.set[r.fid]; !changed && !c.removed[r.fid] {
			rows = append(rows, r)
		}
	}
	for _, r := range c.set {
		rows = append(rows, r)
	}
	return tx.rebuildRTree(l, rows)
}

// packRTree packs the layer's R*Tree again with its current entries and
// the boxes of new rows (whose fids it does not hold).
func (tx *Tx) packRTree(l *Layer, boxes []rtreeRow) error {
	old, err := tx.rtreeEntries(l)
	if err != nil {
		return fmt.Errorf("store: read rtree %s: %w", l.Schema.Name, err)
	}
	return tx.rebuildRTree(l, append(boxes, old...))
}
