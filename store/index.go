package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
	"golang.org/x/sync/errgroup"

	"terrimap/store/gpkgbin"
)

// Tree is an R-tree of one layer's feature bounding boxes (float32, rounded
// outward as SQLite's R*Tree rounds them), keyed by local fid.
type Tree = rtree.RTreeGN[float32, int64]

// Index is the in-memory spatial index over every layer of a workspace,
// used by the map and hit tests. It is built on open and kept current by
// every committed write. Readers take copy-on-write snapshots.
type Index struct {
	mu    sync.RWMutex
	trees map[string]*Tree // by lower-cased layer name
}

func newIndex() *Index { return &Index{trees: map[string]*Tree{}} }

// Index returns the workspace's in-memory spatial index.
func (ws *Workspace) Index() *Index { return ws.index }

// Search calls fn with the fid of every feature of the layer whose bounding
// box intersects b, until fn returns false.
func (ix *Index) Search(layer string, b orb.Bound, fn func(fid int64) bool) {
	ix.mu.RLock()
	t := ix.trees[strings.ToLower(layer)]
	ix.mu.RUnlock()
	if t == nil {
		return
	}
	min, max := rectOf(b)
	t.Search(min, max, func(_, _ [2]float32, fid int64) bool { return fn(fid) })
}

// searchWindow calls fn with the fid of every feature of the layer whose
// box meets b exactly as a query of the GeoPackage R*Tree does (its float32
// boxes compared with b's float64 bounds): the window is rounded inward to
// the nearest float32s, which makes each comparison the same.
func (ix *Index) searchWindow(layer string, b orb.Bound, fn func(fid int64) bool) {
	ix.mu.RLock()
	t := ix.trees[strings.ToLower(layer)]
	ix.mu.RUnlock()
	if t == nil {
		return
	}
	min := [2]float32{float32AtLeast(b.Min[0]), float32AtLeast(b.Min[1])}
	max := [2]float32{float32AtMost(b.Max[0]), float32AtMost(b.Max[1])}
	t.Search(min, max, func(_, _ [2]float32, fid int64) bool { return fn(fid) })
}

// float32AtMost is the largest float32 not above d.
func float32AtMost(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

// float32AtLeast is the smallest float32 not below d.
func float32AtLeast(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// Len returns the number of indexed features of a layer.
func (ix *Index) Len(layer string) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if t := ix.trees[strings.ToLower(layer)]; t != nil {
		return t.Len()
	}
	return 0
}

// Bound returns the extent of a layer's indexed features; ok is false for an empty layer.
func (ix *Index) Bound(layer string) (b orb.Bound, ok bool) {
	ix.mu.RLock()
	t := ix.trees[strings.ToLower(layer)]
	ix.mu.RUnlock()
	if t == nil || t.Len() == 0 {
		return orb.Bound{}, false
	}
	min, max := t.Bounds()
	return orb.Bound{Min: orb.Point{float64(min[0]), float64(min[1])}, Max: orb.Point{float64(max[0]), float64(max[1])}}, true
}

// Snapshot returns a copy of one layer's tree that later writes do not
// change (copy-on-write, O(1)); nil when the layer has no index.
func (ix *Index) Snapshot(layer string) *Tree {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	t := ix.trees[strings.ToLower(layer)]
	if t == nil {
		return nil
	}
	return t.Copy()
}

type indexOpKind int

const (
	indexInsert indexOpKind = iota
	indexDelete
)

type indexOp struct {
	kind     indexOpKind
	layer    string
	fid      int64
	min, max [2]float32
	ok       bool // the geometry is not empty
}

func (tx *Tx) indexInsert(l *Layer, fid int64, g orb.Geometry) {
	op := indexOp{kind: indexInsert, layer: strings.ToLower(l.Schema.Name), fid: fid}
	if g != nil {
		op.min, op.max = rectOf(g.Bound())
		op.ok = true
	}
	tx.indexOps = append(tx.indexOps, op)
}

// indexDelete removes a fid whose committed geometry was old.
func (tx *Tx) indexDelete(l *Layer, fid int64, old orb.Geometry) {
	if old == nil {
		return
	}
	min, max := rectOf(old.Bound())
	tx.indexOps = append(tx.indexOps, indexOp{kind: indexDelete, layer: strings.ToLower(l.Schema.Name), fid: fid, min: min, max: max, ok: true})
}

func (tx *Tx) indexReplace(l *Layer, fid int64, old, g orb.Geometry) {
	tx.indexDelete(l, fid, old)
	tx.indexInsert(l, fid, g)
}

// apply replays committed writes on the trees.
func (ix *Index) apply(ops []indexOp) {
	if len(ops) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, op := range ops {
		t := ix.trees[op.layer]
		if t == nil {
			t = &Tree{}
			ix.trees[op.layer] = t
		}
		switch op.kind {
		case indexInsert:
			if op.ok {
				t.Insert(op.min, op.max, op.fid)
			}
		case indexDelete:
			n := t.Len()
			t.Delete(op.min, op.max, op.fid)
			if t.Len() == n {
				deleteByScan(t, op.fid)
			}
		}
	}
}

// deleteByScan removes fid wherever it is: the safety net for a box that
// was stored with other rounding (a file another tool indexed).
func deleteByScan(t *Tree, fid int64) {
	var min, max [2]float32
	found := false
	t.Scan(func(mn, mx [2]float32, f int64) bool {
		if f == fid {
			min, max, found = mn, mx, true
			return false
		}
		return true
	})
	if found {
		t.Delete(min, max, fid)
	}
}

// rectOf rounds a bound outward to float32 exactly as SQLite's R*Tree does
// (rtreeValueDown / rtreeValueUp), so boxes read from the GeoPackage index
// and boxes computed from geometries agree bit for bit.
func rectOf(b orb.Bound) (min, max [2]float32) {
	return [2]float32{roundDown(b.Min[0]), roundDown(b.Min[1])}, [2]float32{roundUp(b.Max[0]), roundUp(b.Max[1])}
}

const (
	rndTowards = 1.0 - 1.0/8388608.0
	rndAway    = 1.0 + 1.0/8388608.0
)

func roundDown(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		if d < 0 {
			f = float32(d * rndAway)
		} else {
			f = float32(d * rndTowards)
		}
	}
	return f
}

func roundUp(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		if d < 0 {
			f = float32(d * rndTowards)
		} else {
			f = float32(d * rndAway)
		}
	}
	return f
}

// load builds every layer's tree, in parallel, from the GeoPackage R*Tree
// pages when the layer has them (the fastest way to read a million boxes),
// or from the geometries' envelopes otherwise.
func (ix *Index) load(ctx context.Context, ws *Workspace) error {
	layers := ws.Layers()
	trees := make([]*Tree, len(layers))
	var g errgroup.Group
	g.SetLimit(4)
	for i, l := range layers {
		g.Go(func() error {
			t, err := loadTree(ctx, ws, l)
			if err != nil {
				return fmt.Errorf("layer %s: %w", l.Schema.Name, err)
			}
			trees[i] = t
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, l := range layers {
		ix.trees[strings.ToLower(l.Schema.Name)] = trees[i]
	}
	return nil
}

func loadTree(ctx context.Context, ws *Workspace, l *Layer) (*Tree, error) {
	if ws.rtreeUsable(ctx, l) {
		t, err := loadTreeFromNodes(ctx, ws.db, l)
		if err == nil {
			return t, nil
		}
	}
	return loadTreeFromGeometries(ctx, ws, l)
}

// loadTreeFromNodes walks the R*Tree's node table (GeoPackage Annex F.3 sits
// on SQLite's rtree module: each node blob holds a 2-byte depth (root only),
// a 2-byte cell count, then cells of an 8-byte id and four 4-byte floats,
// all big-endian) from the root down to the leaves.
func loadTreeFromNodes(ctx context.Context, db queryer, l *Layer) (*Tree, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT nodeno, data FROM %s", quoteIdent(l.RTreeTable()+"_node")))
	if err != nil {
		return nil, err
	}
	nodes := map[int64][]byte{}
	for rows.Next() {
		var no int64
		var data []byte
		if err := rows.Scan(&no, &data); err != nil {
			rows.Close()
			return nil, err
		}
		nodes[no] = data
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	root, ok := nodes[1]
	if !ok || len(root) < 4 {
		return nil, fmt.Errorf("%w: rtree %s has no root", ErrCorrupt, l.RTreeTable())
	}
	depth := int(binary.BigEndian.Uint16(root))
	t := &Tree{}
	var walk func(no int64, level int) error
	walk = func(no int64, level int) error {
		data, ok := nodes[no]
		if !ok || len(data) < 4 || level < 0 {
			return fmt.Errorf("%w: rtree %s node %d", ErrCorrupt, l.RTreeTable(), no)
		}
		n := int(binary.BigEndian.Uint16(data[2:]))
		if 4+n*24 > len(data) {
			return fmt.Errorf("%w: rtree %s node %d overflows", ErrCorrupt, l.RTreeTable(), no)
		}
		for i := 0; i < n; i++ {
			c := data[4+i*24:]
			id := int64(binary.BigEndian.Uint64(c))
			if level > 0 {
				if err := walk(id, level-1); err != nil {
					return err
				}
				continue
			}
			f := func(k int) float32 { return math.Float32frombits(binary.BigEndian.Uint32(c[8+4*k:])) }
			t.Insert([2]float32{f(0), f(2)}, [2]float32{f(1), f(3)}, id)
		}
		return nil
	}
	if err := walk(1, depth); err != nil {
		return nil, err
	}
	return t, nil
}

func loadTreeFromGeometries(ctx context.Context, ws *Workspace, l *Layer) (*Tree, error) {
	rows, err := ws.db.QueryContext(ctx, fmt.Sprintf("SELECT %s, %s FROM %s", quoteIdent(l.fidColumn), quoteIdent(l.geomColumn), quoteIdent(l.Schema.Name)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &Tree{}
	toWGS84 := boundTransform(l.SRSID)
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			return nil, err
		}
		b, ok, err := gpkgbin.Bound(blob)
		if err != nil || !ok {
			continue
		}
		if b, ok = toWGS84(b); ok {
			min, max := rectOf(b)
			t.Insert(min, max, fid)
		}
	}
	return t, rows.Err()
}
