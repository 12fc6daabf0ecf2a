package formats

import "io"

// The first pass over a CSV file reads every row before the import can
// start, on the critical path of the import. Splitting the rows
// (encoding/csv) and classifying their cells take about as long each, so
// the rows are read ahead on a goroutine of their own while the caller
// classifies those read before: a second core at work while the import
// otherwise waits.

// readAheadRows is how many rows a batch read ahead holds, and
// readAheadBatches how many batches may wait to be classified.
const (
	readAheadRows    = 1024
	readAheadBatches = 2
)

// rowBatch is rows read ahead: their cells end to end, where each row
// ends, and the line each row starts on. err is the read error met after
// them (nil at the end of the file).
type rowBatch struct {
	cells []string
	ends  []int
	lines []int
	err   error
}

// row returns the i-th row of the batch (a slice of its cells: the caller
// may change them).
func (b *rowBatch) row(i int) []string {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.cells[start:b.ends[i]:b.ends[i]]
}

// rowReader reads the rows of a csvRows ahead, in batches, on a goroutine
// of its own, until the end of the file, a read error, or stop.
type rowReader struct {
	ready chan *rowBatch
	free  chan *rowBatch
	quit  chan struct{}
	done  chan struct{}
}

// readAhead starts reading rows ahead.
func readAhead(rows *csvRows) *rowReader {
	r := &rowReader{
		ready: make(chan *rowBatch, readAheadBatches),
		free:  make(chan *rowBatch, readAheadBatches+2),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	for range readAheadBatches + 2 {
		r.free <- &rowBatch{}
	}
	go r.run(rows)
	return r
}

// next returns the next batch, and false once the rows are over; the
// caller hands it back with reuse.
func (r *rowReader) next() (*rowBatch, bool) {
	b, ok := <-r.ready
	return b, ok
}

// reuse hands a batch back to be filled again.
func (r *rowReader) reuse(b *rowBatch) {
	b.cells, b.ends, b.lines, b.err = b.cells[:0], b.ends[:0], b.lines[:0], nil
	r.free <- b // never blocks: there are no more batches than room
}

// stop ends the reading, whether the rows are over or not, and waits for
// its goroutine.
func (r *rowReader) stop() {
	close(r.quit)
	<-r.done
}

func (r *rowReader) run(rows *csvRows) {
	defer close(r.done)
	defer close(r.ready)
	for {
		var b *rowBatch
		select {
		case b = <-r.free:
		case <-r.quit:
			return
		}
		for len(b.ends) < readAheadRows {
			rec, err := rows.read()
			if err != nil {
				if err != io.EOF {
					b.err = err
				}
				r.send(b)
				return
			}
			line, _ := rows.cr.FieldPos(0)
			b.cells = append(b.cells, rec...)
			b.ends = append(b.ends, len(b.cells))
			b.lines = append(b.lines, line)
		}
		if !r.send(b) {
			return
		}
	}
}

// send hands a filled batch to the caller; false when stopped.
func (r *rowReader) send(b *rowBatch) bool {
	select {
	case r.ready <- b:
		return true
	case <-r.quit:
		return false
	}
}
