package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"terrimap/store/gpkgbin"
)

// Tree is an R-tree of one layer's feature bounding boxes (float32, rounded
// outward as SQLite's R*Tree rounds them), keyed by local fid.
type Tree = rtree.RTreeGN[float32, int64]

// Index is the in-memory spatial index over every layer of a workspace,
// used by the map and hit tests. A layer's tree is loaded the first time it
// is asked for (LoadAll loads the others, off the start's path: issue 16,
// a million boxes took 1.4 CPU-s of every open) and kept current by every
// committed write from then on. Readers take copy-on-write snapshots.
type Index struct {
	mu     sync.RWMutex
	layers map[string]*layerTree // by lower-cased layer name
	src    treeSource            // nil: every layer starts empty
}

// layerTree is one layer's tree, loaded or not yet.
type layerTree struct {
	mu     sync.RWMutex // written: loading, commits, snapshots (Copy marks nodes shared)
	loaded atomic.Bool
	tree   *Tree // nil until loaded, and for a layer with nothing to load
	// replay: the tree was read while a commit could be between its SQL
	// commit and its apply; that commit's operations may be in the tree
	// already, and the next apply must be idempotent.
	replay bool
}

// treeSource reads what the index holds from the workspace file.
type treeSource interface {
	// loadLayerTree reads the tree of a layer (nil, nil for no such layer).
	loadLayerTree(ctx context.Context, key string) (*Tree, error)
	// layerBound reads a layer's extent without its tree; known is false
	// when only the tree can tell.
	layerBound(ctx context.Context, key string) (b orb.Bound, ok, known bool)
}

func newIndex(src treeSource) *Index { return &Index{layers: map[string]*layerTree{}, src: src} }

// Index returns the workspace's in-memory spatial index.
func (ws *Workspace) Index() *Index { return ws.index }

// layer returns the entry of a lower-cased layer name, made if new.
func (ix *Index) layer(key string) *layerTree {
	ix.mu.RLock()
	lt := ix.layers[key]
	ix.mu.RUnlock()
	if lt != nil {
		return lt
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if lt = ix.layers[key]; lt == nil {
		lt = &layerTree{}
		ix.layers[key] = lt
	}
	return lt
}

// ready returns the entry of a layer with its tree loaded when it can be:
// a layer whose file cannot be read stays unloaded (empty to readers) and
// is tried again at the next call.
func (ix *Index) ready(layer string) *layerTree {
	lt := ix.layer(strings.ToLower(layer))
	if !lt.loaded.Load() {
		ix.loadLayer(context.Background(), strings.ToLower(layer), lt)
	}
	return lt
}

func (ix *Index) loadLayer(ctx context.Context, key string, lt *layerTree) error {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.loaded.Load() {
		return nil
	}
	if ix.src != nil {
		t, err := ix.src.loadLayerTree(ctx, key)
		if err != nil {
			return fmt.Errorf("layer %s: %w", key, err)
		}
		lt.tree, lt.replay = t, true
	}
	lt.loaded.Store(true)
	return nil
}

// LoadAll loads the tree of every layer not loaded yet, one after the
// other: the app calls it after its first map frame, so that the first
// hit test or zoom does not wait for a tree.
func (ix *Index) LoadAll(ctx context.Context, layers []string) error {
	for _, name := range layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		lt := ix.layer(strings.ToLower(name))
		if lt.loaded.Load() {
			continue
		}
		if err := ix.loadLayer(ctx, strings.ToLower(name), lt); err != nil {
			return fmt.Errorf("store: load index: %w", err)
		}
	}
	return nil
}

// LoadIndex loads the in-memory index of every layer (Index.LoadAll).
func (ws *Workspace) LoadIndex(ctx context.Context) error {
	var names []string
	for _, l := range ws.Layers() {
		names = append(names, l.Schema.Name)
	}
	return ws.index.LoadAll(ctx, names)
}

// Search calls fn with the fid of every feature of the layer whose bounding
// box intersects b, until fn returns false.
func (ix *Index) Search(layer string, b orb.Bound, fn func(fid int64) bool) {
	min, max := rectOf(b)
	ix.search(layer, min, max, fn)
}

func (ix *Index) search(layer string, min, max [2]float32, fn func(fid int64) bool) {
	lt := ix.ready(layer)
	lt.mu.RLock()
	defer lt.mu.RUnlock()
	if lt.tree == nil {
		return
	}
	lt.tree.Search(min, max, func(_, _ [2]float32, fid int64) bool { return fn(fid) })
}

// searchWindow calls fn with the fid of every feature of the layer whose
// box meets b exactly as a query of the GeoPackage R*Tree does (its float32
// boxes compared with b's float64 bounds): the window is rounded inward to
// the nearest float32s, which makes each comparison the same.
func (ix *Index) searchWindow(layer string, b orb.Bound, fn func(fid int64) bool) {
	min := [2]float32{float32AtLeast(b.Min[0]), float32AtLeast(b.Min[1])}
	max := [2]float32{float32AtMost(b.Max[0]), float32AtMost(b.Max[1])}
	ix.search(layer, min, max, fn)
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
	lt := ix.ready(layer)
	lt.mu.RLock()
	defer lt.mu.RUnlock()
	if lt.tree != nil {
		return lt.tree.Len()
	}
	return 0
}

// Bound returns the extent of a layer's indexed features; ok is false for
// an empty layer. A layer not loaded yet is not loaded for it when its
// GeoPackage R*Tree can tell (the boxes of its root).
func (ix *Index) Bound(layer string) (b orb.Bound, ok bool) {
	key := strings.ToLower(layer)
	lt := ix.layer(key)
	if !lt.loaded.Load() && ix.src != nil {
		lt.mu.RLock()
		loaded := lt.loaded.Load()
		var known bool
		if !loaded {
			// Read under the lock: no commit changes the layer meanwhile.
			b, ok, known = ix.src.layerBound(context.Background(), key)
		}
		lt.mu.RUnlock()
		if known {
			return b, ok
		}
	}
	lt = ix.ready(layer)
	lt.mu.RLock()
	defer lt.mu.RUnlock()
	t := lt.tree
	if t == nil || t.Len() == 0 {
		return orb.Bound{}, false
	}
	min, max := t.Bounds()
	return orb.Bound{Min: orb.Point{float64(min[0]), float64(min[1])}, Max: orb.Point{float64(max[0]), float64(max[1])}}, true
}

// Snapshot returns a copy of one layer's tree that later writes do not
// change (copy-on-write, O(1)); nil when the layer has no index.
func (ix *Index) Snapshot(layer string) *Tree {
	return ix.snapshot(ix.ready(layer))
}

// SnapshotOrErr is Snapshot, with the error that kept the layer's tree from
// loading (a workspace closed or unreadable): a reader that must not take
// an unloaded layer for an empty one (the map) tells it instead.
func (ix *Index) SnapshotOrErr(layer string) (*Tree, error) {
	key := strings.ToLower(layer)
	lt := ix.layer(key)
	if !lt.loaded.Load() {
		if err := ix.loadLayer(context.Background(), key, lt); err != nil {
			return nil, fmt.Errorf("store: load index: %w", err)
		}
	}
	return ix.snapshot(lt), nil
}

func (ix *Index) snapshot(lt *layerTree) *Tree {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.tree == nil {
		return nil
	}
	return lt.tree.Copy()
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
	key := strings.ToLower(l.Schema.Name)
	if tx.queued == nil {
		tx.queued = map[string]int{}
	}
	tx.queued[key]++
	if slices.Contains(tx.reloadIndex, key) {
		return // the tree is read again after the commit
	}
	op := indexOp{kind: indexInsert, layer: key, fid: fid}
	if g != nil {
		op.min, op.max = rectOf(g.Bound())
		op.ok = true
	}
	tx.indexOps = append(tx.indexOps, op)
}

// ReloadIndexAfter has the layer's in-memory tree read again after the
// commit (when it is next asked for) rather than grown by an operation per
// row this transaction inserts into it from now on, as a bulk load does: a
// seed of a million rows (the platform's import) then holds nothing per
// row for the index.
func (tx *Tx) ReloadIndexAfter(layer string) {
	if key := strings.ToLower(layer); !slices.Contains(tx.reloadIndex, key) {
		tx.reloadIndex = append(tx.reloadIndex, key)
	}
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

// apply replays committed writes on the loaded trees; a layer not loaded
// reads them from the file when it is. The writer calls it once a
// transaction is committed, one at a time.
func (ix *Index) apply(ops []indexOp) {
	if len(ops) == 0 {
		return
	}
	var order []string
	byLayer := map[string][]indexOp{}
	for _, op := range ops {
		if _, seen := byLayer[op.layer]; !seen {
			order = append(order, op.layer)
		}
		byLayer[op.layer] = append(byLayer[op.layer], op)
	}
	for _, key := range order {
		lt := ix.layer(key)
		lt.mu.Lock()
		// A load under way holds the lock: it ends first, and its tree
		// may or may not hold these writes (replay).
		if lt.loaded.Load() {
			if lt.tree == nil {
				lt.tree = &Tree{}
			}
			applyOps(lt.tree, byLayer[key], lt.replay)
			lt.replay = false
		}
		lt.mu.Unlock()
	}
}

// applyOps changes t as ops say. Idempotent when replay: an insert takes
// out an equal entry first, a delete of an entry not there finds the fid
// wherever it is (the later operations of the same fid put it back).
func applyOps(t *Tree, ops []indexOp, replay bool) {
	for _, op := range ops {
		switch op.kind {
		case indexInsert:
			if op.ok {
				if replay {
					t.Delete(op.min, op.max, op.fid)
				}
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

// loadLayerTree reads a layer's tree from the GeoPackage R*Tree pages when
// the layer has them (the fastest way to read a million boxes), or from the
// geometries' envelopes otherwise; nil for no such layer.
func (ws *Workspace) loadLayerTree(ctx context.Context, key string) (*Tree, error) {
	l, err := ws.Layer(key)
	if err != nil {
		return nil, nil
	}
	return loadTree(ctx, ws, l)
}

// layerBound reads a layer's extent from the root of its GeoPackage R*Tree
// (its cells' boxes hold all the others); known is false when the layer
// has none that is current.
func (ws *Workspace) layerBound(ctx context.Context, key string) (b orb.Bound, ok, known bool) {
	l, err := ws.Layer(key)
	if err != nil {
		return orb.Bound{}, false, true
	}
	if !ws.rtreeUsable(ctx, l) {
		return orb.Bound{}, false, false
	}
	var data []byte
	err = ws.db.QueryRowContext(ctx, fmt.Sprintf("SELECT data FROM %s WHERE nodeno = 1", quoteIdent(l.RTreeTable()+"_node"))).Scan(&data)
	if err != nil || len(data) < 4 {
		return orb.Bound{}, false, false
	}
	n := int(binary.BigEndian.Uint16(data[2:]))
	if 4+n*rtreeCellSize > len(data) {
		return orb.Bound{}, false, false
	}
	var min, max [2]float32
	for i := range n {
		c := data[4+i*rtreeCellSize:]
		f := func(k int) float32 { return math.Float32frombits(binary.BigEndian.Uint32(c[8+4*k:])) }
		cmin, cmax := [2]float32{f(0), f(2)}, [2]float32{f(1), f(3)}
		if i == 0 {
			min, max = cmin, cmax
			continue
		}
		min = [2]float32{fmin32(min[0], cmin[0]), fmin32(min[1], cmin[1])}
		max = [2]float32{fmax32(max[0], cmax[0]), fmax32(max[1], cmax[1])}
	}
	if n == 0 {
		return orb.Bound{}, false, true
	}
	return orb.Bound{Min: orb.Point{float64(min[0]), float64(min[1])}, Max: orb.Point{float64(max[0]), float64(max[1])}}, true, true
}

func fmin32(a, b float32) float32 { return min(a, b) }
func fmax32(a, b float32) float32 { return max(a, b) }

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

// forget drops a layer's tree after a commit that wrote it in bulk: it is
// read again from the file when next asked for (the packed R*Tree pages are
// the fastest way to read a million boxes), rather than grown by an
// operation per row held until the commit. Snapshots taken before keep
// what they hold.
func (ix *Index) forget(key string) {
	lt := ix.layer(key)
	lt.mu.Lock()
	lt.tree, lt.replay = nil, false
	lt.loaded.Store(false)
	lt.mu.Unlock()
}
