package store

import (
	"fmt"
	"strings"

	"terrimap/store/formats"
	"terrimap/store/gpkgbin"
)

// bulkBatch is how many features a bulk load writes at a time (in
// statements of rowsPerInsert rows).
const bulkBatch = 512

// bulkLoad is a load of many new features into one layer (bulkCreate).
// Its first bulkThreshold features are written as any creation is; from
// then on its cost per feature is bounded and its memory is not held per
// feature until the commit: its rows are recorded as fid ranges
// (tx.wroteRange), their text is indexed as they are written
// (textIndexer.indexNew), the overview pieces under them are marked dirty
// (tx.bulkDirty), and the layer's in-memory tree is read again after the
// commit (tx.reloadIndex).
type bulkLoad struct {
	tx  *Tx
	l   *Layer
	key string // lower-cased layer name
	n   int    // features written
	// expected is how many features the source announced (its first
	// pass); the choices of the load are made from it.
	expected int
	bulk     bool // past bulkThreshold
	// pack: the layer's R*Tree triggers are suspended and boxes holds the
	// new boxes, to pack the tree again with them at the end.
	pack  bool
	boxes []rtreeRow
	// direct: a bulk load too small against the layer to pack its R*Tree
	// again suspends the triggers all the same and inserts the boxes
	// itself, many per statement: the triggers cost five calls into Go
	// (ST_IsEmpty, ST_MinX…) and a statement per row.
	direct bool
	// text indexes the rows written in bulk; nil when the workspace keeps
	// no text index, or when the load expects more than reindexInTx rows.
	text *textIndexer
	// later: the rows' text is left to BuildSearchText, as that of a
	// large layer whose fields changed (reindexLayer): it would cost
	// more than all the rest of the load.
	later bool
	// overview: the layer has an overview, whose pieces under the rows
	// written in bulk are marked dirty.
	overview bool
	// ranges journal the creation of the rows written in bulk, a row of
	// tm_journal_ranges per run of consecutive fids, written by finish
	// (journal_ranges.go).
	ranges []fidRange
}

// bulkCreate inserts the features src yields into l, with their journal
// entries, mapped (file field → layer field) and projected from the SRS
// from; expected is how many it will yield (the source's count). The
// features are read and prepared on a goroutine of their own
// (startPreparing) while the batches before them are written. A
// load large against the layer (packsRTree) suspends the layer's R*Tree
// triggers and packs the tree again once, all in the same transaction; a
// smaller one past bulkThreshold inserts the boxes itself (bulkLoad.direct).
// The load writes through a small page cache (smallCache).
func (tx *Tx) bulkCreate(l *Layer, src formats.FeatureReader, expected int, mapping map[string]string, from int) (n int, err error) {
	restore, err := tx.smallCache()
	if err != nil {
		return 0, err
	}
	defer func() {
		if rerr := restore(); rerr != nil && err == nil {
			n, err = 0, rerr
		}
	}()
	b := &bulkLoad{tx: tx, l: l, key: strings.ToLower(l.Schema.Name), expected: expected}
	if tx.packsRTree(l, expected) {
		if err := suspendRTreeTriggers(tx.ctx, tx.tx, l); err != nil {
			return 0, err
		}
		b.pack = true
		b.boxes = make([]rtreeRow, 0, expected) // 24 bytes a feature, the only memory a load holds per feature
	}
	p := startPreparing(tx.ctx, l, src, mapping, from)
	defer p.stop()
	for {
		batch, ok := p.next()
		if !ok {
			break
		}
		if batch.err != nil {
			return 0, batch.err
		}
		if err := b.write(batch.fs); err != nil {
			return 0, err
		}
		p.reuse(batch.fs)
	}
	return b.n, b.finish()
}

// write writes a batch of prepared features with their journal entries.
func (b *bulkLoad) write(fs []Feature) error {
	if len(fs) == 0 {
		return nil
	}
	tx, l := b.tx, b.l
	if !b.bulk && b.n+len(fs) > bulkThreshold && !IsCommunes(l.Schema) {
		if err := b.start(); err != nil {
			return err
		}
	}
	if !b.bulk {
		if err := tx.createRows(l, fs); err != nil {
			return err
		}
	} else {
		if err := tx.insertRowsAs(l, fs, false); err != nil {
			return err
		}
		if err := b.journal(fs); err != nil {
			return err
		}
		if err := b.derive(fs); err != nil {
			return err
		}
		if b.direct {
			if err := b.insertBoxes(fs); err != nil {
				return err
			}
		}
	}
	if b.pack {
		for _, f := range fs {
			if f.Geometry != nil {
				min, max := rectOf(f.Geometry.Bound())
				b.boxes = append(b.boxes, rtreeRow{fid: f.FID, min: min, max: max})
			}
		}
	}
	b.n += len(fs)
	return nil
}

// start switches the load to bulk: from now on the derived tables are
// kept by the load itself.
func (b *bulkLoad) start() error {
	tx := b.tx
	b.bulk = true
	if !tx.ws.noSearchText.Load() {
		if err := tx.ensureSearchText(); err != nil {
			return err
		}
		// The one place a load chooses: its expected count (a load that
		// yields more than it announced is indexed all the same).
		if b.expected > reindexInTx {
			b.later = true
		} else {
			b.text = newTextIndexer(tx)
		}
	}
	reg, err := tx.overviewLayers()
	if err != nil {
		return err
	}
	if _, ok := reg[b.key]; ok {
		b.overview = true
		if tx.bulkDirty == nil {
			tx.bulkDirty = map[blockKey]bool{}
		}
	}
	if !b.pack && hasRTree(tx.ctx, tx.tx, b.l) {
		if err := suspendRTreeTriggers(tx.ctx, tx.tx, b.l); err != nil {
			return err
		}
		b.direct = true
	}
	tx.ReloadIndexAfter(b.l.Schema.Name)
	return nil
}

// derive keeps the derived tables of rows written in bulk.
func (b *bulkLoad) derive(fs []Feature) error {
	tx := b.tx
	tx.wroteRange(b.l, fs[0].FID, fs[len(fs)-1].FID)
	if b.later {
		if n := len(tx.searchLater); n == 0 || tx.searchLater[n-1].layer != b.l.Schema.Name {
			tx.searchLater = append(tx.searchLater, fidRange{b.l.Schema.Name, fs[0].FID, fs[len(fs)-1].FID})
		}
	}
	if b.text != nil {
		if !b.text.fresh {
			if err := b.text.startBulk(b.l, fs[0].FID); err != nil {
				return err
			}
		}
		if err := b.text.indexNew(b.l, fs); err != nil {
			return err
		}
		if len(b.text.holds) >= 16*insertRowsAtOnce {
			if err := b.text.flush(); err != nil {
				return err
			}
		}
	}
	if b.overview {
		for _, f := range fs {
			if f.Geometry != nil {
				min, max := rectOf(f.Geometry.Bound())
				markBlocks(tx.bulkDirty, b.key, min, max)
			}
		}
	}
	return nil
}

// journal journals the creation of fs, written in bulk: as a range when
// it can (rangeable), else entry by entry — after those of the ranges of
// the batches before, written out first, so that the journal keeps the
// order of the features.
func (b *bulkLoad) journal(fs []Feature) error {
	if rangeable(b.l, fs) {
		b.ranges = appendRange(b.ranges, b.l.Schema.Name, fs[0].FID, fs[len(fs)-1].FID)
		return nil
	}
	now := journalTime()
	for _, r := range b.ranges {
		if err := b.tx.journalRange(b.l, r.first, r.last, now); err != nil {
			return err
		}
	}
	b.ranges = b.ranges[:0]
	return b.tx.journalCreations(b.l, fs)
}

// finish journals the ranges, flushes the text index and packs the R*Tree
// again.
func (b *bulkLoad) finish() error {
	if err := b.tx.writeRanges(b.ranges); err != nil {
		return err
	}
	if b.text != nil {
		if err := b.text.flush(); err != nil {
			return err
		}
	}
	if b.direct {
		return resumeRTreeTriggers(b.tx.ctx, b.tx.tx, b.l)
	}
	if !b.pack {
		return nil
	}
	if err := b.tx.packRTree(b.l, b.boxes); err != nil {
		return err
	}
	return resumeRTreeTriggers(b.tx.ctx, b.tx.tx, b.l)
}

// insertBoxes adds the boxes of features just written to the layer's
// R*Tree, as its insert trigger would (not the empty ones), many per
// statement; the rtree module rounds them to float32 as it rounds the
// trigger's.
func (b *bulkLoad) insertBoxes(fs []Feature) error {
	table := quoteIdent(b.l.RTreeTable())
	cols := []string{"id", "minx", "maxx", "miny", "maxy"}
	args := make(rowArgs, 0, 5*rowsPerInsert)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		if _, err := b.tx.execRows(multiInsertSQL(table, cols, len(args)/5), args); err != nil {
			return fmt.Errorf("store: rtree %s: %w", b.l.Schema.Name, err)
		}
		args = args[:0]
		return nil
	}
	for _, f := range fs {
		if gpkgbin.IsEmpty(f.Geometry) {
			continue
		}
		bd := f.Geometry.Bound()
		args = args.add(f.FID).add(bd.Min[0]).add(bd.Max[0]).add(bd.Min[1]).add(bd.Max[1])
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// journalCreations journals the creation of features just written: by
// SQLite from their rows when they are many (journalRows), else from the
// features one by one.
func (tx *Tx) journalCreations(l *Layer, fs []Feature) error {
	if journalableRows(l, fs) {
		return tx.journalRows(l, fs)
	}
	entries := make([]JournalEntry, len(fs))
	for i, f := range fs {
		entries[i] = JournalEntry{Layer: l.Schema.Name, UUID: f.UUID, Op: OpCreate, Properties: f.Properties, Geometry: f.Geometry, GeometryChanged: true}
	}
	return tx.journal(entries...)
}
