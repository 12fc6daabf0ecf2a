package store

import (
	"context"
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// preparedBatches is how many batches of prepared features wait for the
// writer of a bulk load; with the one it writes and the one being filled,
// a load holds at most preparedBatches+2 batches of bulkBatch features.
const preparedBatches = 2

// preparer reads the features of a bulk load from its source, maps their
// fields to the layer's, projects them and prepares them (prepareCreate)
// on a goroutine of its own, and hands them to the writer in batches of
// bulkBatch: while SQLite writes one batch, the next are read and decoded
// on another core. The batches go round: the writer gives each back
// (reuse) once written. stop ends the goroutine and waits for it.
type preparer struct {
	ready chan preparedBatch // filled batches, in file order
	free  chan []Feature     // written batches, to fill again
	quit  chan struct{}      // closed by stop
	done  chan struct{}      // closed when the goroutine has returned
}

// preparedBatch is a batch of prepared features, or the error that ended
// the reading (the features before it are not in the batch).
type preparedBatch struct {
	fs  []Feature
	err error
}

// startPreparing starts reading src for a load into l: file field →
// layer field by mapping, coordinates projected from the SRS from.
func startPreparing(ctx context.Context, l *Layer, src formats.FeatureReader, mapping map[string]string, from int) *preparer {
	p := &preparer{
		ready: make(chan preparedBatch, preparedBatches),
		free:  make(chan []Feature, preparedBatches+2),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	for range preparedBatches + 2 {
		p.free <- make([]Feature, 0, bulkBatch)
	}
	go p.run(ctx, l, src, mapping, from)
	return p
}

// next returns the next batch to write; ok is false once the source is
// read to its end.
func (p *preparer) next() (preparedBatch, bool) {
	b, ok := <-p.ready
	return b, ok
}

// reuse gives a written batch back to be filled again.
func (p *preparer) reuse(fs []Feature) {
	p.free <- fs[:0] // never blocks: there are no more batches than room
}

// stop ends the reading, if it is not over, and returns once the
// goroutine has: nothing of the load runs after it.
func (p *preparer) stop() {
	close(p.quit)
	<-p.done
}

func (p *preparer) run(ctx context.Context, l *Layer, src formats.FeatureReader, mapping map[string]string, from int) {
	defer close(p.done)
	defer close(p.ready)
	project := func(g orb.Geometry) (orb.Geometry, error) { return g, nil }
	if from != SRSWGS84 {
		project = func(g orb.Geometry) (orb.Geometry, error) { return srs.Project(g, from, SRSWGS84) }
	}
	defaults := l.Schema.Defaults()
	// props holds a feature's values until prepareCreate has coerced
	// them into a map of their own: one map for the whole load.
	props := make(map[string]any, len(l.Schema.Fields))
	batch, ok := p.take()
	if !ok {
		return
	}
	for i := 0; ; i++ {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				p.send(preparedBatch{err: err})
				return
			}
		}
		in, err := src.Next()
		if err == io.EOF {
			if len(batch) > 0 {
				p.send(preparedBatch{fs: batch})
			}
			return
		}
		if err != nil {
			p.send(preparedBatch{err: fmt.Errorf("%w: %w", ErrImport, err)})
			return
		}
		clear(props)
		for k, v := range defaults {
			props[k] = v
		}
		for from, to := range mapping {
			if v, ok := in.Properties[from]; ok && v != nil {
				props[to] = v
			}
		}
		g, err := project(in.Geometry)
		if err != nil {
			p.send(preparedBatch{err: fmt.Errorf("%w: %w", ErrImport, &formats.FeatureError{Number: i + 1, ID: in.ID, Err: err})})
			return
		}
		f, err := prepareCreate(l, Feature{Geometry: g, Properties: props})
		if err != nil {
			p.send(preparedBatch{err: fmt.Errorf("%w: %w", ErrImport, &formats.FeatureError{Number: i + 1, ID: in.ID, Err: err})})
			return
		}
		if batch = append(batch, f); len(batch) == cap(batch) {
			if !p.send(preparedBatch{fs: batch}) {
				return
			}
			if batch, ok = p.take(); !ok {
				return
			}
		}
	}
}

// send hands a batch to the writer; false when the writer stopped.
func (p *preparer) send(b preparedBatch) bool {
	select {
	case p.ready <- b:
		return true
	case <-p.quit:
		return false
	}
}

// take returns an empty batch to fill; false when the writer stopped.
func (p *preparer) take() ([]Feature, bool) {
	select {
	case fs := <-p.free:
		return fs, true
	case <-p.quit:
		return nil, false
	}
}
