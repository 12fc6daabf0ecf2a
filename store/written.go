package store

import "sync"

// Written is a feature row that a committed transaction created, changed or
// deleted, or, with Schema set, a layer whose schema a transaction created
// or changed (FID is then 0). Indexes kept beside the workspace (text
// search) read them to stay current.
type Written struct {
	Layer  string
	FID    int64
	Schema bool
}

// writtenLogSize bounds the log of written rows: a reader that falls
// further behind (a first download of a large territory) reads everything
// again.
const writtenLogSize = 1 << 16

// writtenLog is the bounded log of the rows written by committed
// transactions, numbered from 1 in commit order.
type writtenLog struct {
	mu      sync.Mutex
	entries []Written // the last len(entries) rows written, oldest first
	last    uint64    // number of the newest entry
}

// add appends what one committed transaction wrote.
func (w *writtenLog) add(rows []Written) { w.addAfter(0, rows) }

// addAfter appends what one committed transaction wrote: skipped rows,
// not listed (a transaction that wrote more rows than the log keeps, see
// writtenOf), then rows. The log then reaches back to the first of rows
// only.
func (w *writtenLog) addAfter(skipped uint64, rows []Written) {
	if len(rows) == 0 && skipped == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if skipped > 0 {
		w.entries = w.entries[:0]
		w.last += skipped
	}
	w.entries = append(w.entries, rows...)
	w.last += uint64(len(rows))
	if n := len(w.entries); n > writtenLogSize {
		w.entries = append(w.entries[:0:0], w.entries[n-writtenLogSize:]...)
	}
}

// WrittenSince returns the rows written by the transactions committed
// after mark (0 at first), in commit order, and the mark to pass next
// time. complete is false when the log no longer reaches back to mark
// (too many rows written since): the caller must then read the workspace
// again in full. A row written several times is listed each time.
func (ws *Workspace) WrittenSince(mark uint64) (rows []Written, next uint64, complete bool) {
	w := &ws.written
	w.mu.Lock()
	defer w.mu.Unlock()
	if mark > w.last {
		return nil, w.last, false // a mark from another workspace
	}
	behind := w.last - mark
	if behind > uint64(len(w.entries)) {
		return nil, w.last, false
	}
	return append([]Written(nil), w.entries[uint64(len(w.entries))-behind:]...), w.last, true
}

// wrote records that the transaction wrote rows of layer l.
func (tx *Tx) wrote(l *Layer, fids ...int64) {
	tx.touched[l.Schema.Name] = true
	for _, fid := range fids {
		tx.writtenRows = append(tx.writtenRows, Written{Layer: l.Schema.Name, FID: fid})
	}
}

// fidRange is the rows first to last (fids) of a layer, created by a bulk
// load (bulkCreate): a million rows are two numbers rather than a million
// entries of tx.writtenRows.
type fidRange struct {
	layer       string
	first, last int64
}

// wroteRange records that the transaction created the rows first to last
// of layer l in bulk: the derived steps learn of them from the load
// itself, not from tx.writtenRows.
func (tx *Tx) wroteRange(l *Layer, first, last int64) {
	tx.touched[l.Schema.Name] = true
	if n := len(tx.bulkRows); n > 0 && tx.bulkRows[n-1].layer == l.Schema.Name && tx.bulkRows[n-1].last+1 == first {
		tx.bulkRows[n-1].last = last
		return
	}
	tx.bulkRows = append(tx.bulkRows, fidRange{l.Schema.Name, first, last})
}

// writtenOf lists what a committed transaction wrote, schemas first, then
// rows. When that is more than the log keeps it lists nothing and skipped
// says how many: no reader's mark falls inside a transaction, so every
// reader behind this one reads everything again (WrittenSince).
func (tx *Tx) writtenOf() (skipped uint64, rows []Written) {
	total := len(tx.newLayers) + len(tx.changedLayers) + len(tx.writtenRows)
	for _, r := range tx.bulkRows {
		total += int(r.last - r.first + 1)
	}
	if total > writtenLogSize {
		return uint64(total), nil
	}
	out := make([]Written, 0, total)
	for _, l := range append(append([]*Layer(nil), tx.newLayers...), tx.changedLayers...) {
		out = append(out, Written{Layer: l.Schema.Name, Schema: true})
	}
	out = append(out, tx.writtenRows...)
	for _, r := range tx.bulkRows {
		for fid := r.first; fid <= r.last; fid++ {
			out = append(out, Written{Layer: r.layer, FID: fid})
		}
	}
	return 0, out
}
