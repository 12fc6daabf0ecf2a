package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// SeedFeatures writes many first versions at once (demo data, imports):
// the features as version 1 by author, with their history, in one
// transaction. It is SeedFeatureStream over the slice.
func (s *Storage) SeedFeatures(ctx context.Context, layer, author string, fs []store.RemoteFeature) error {
	return s.SeedFeatureStream(ctx, layer, author, server.SeedSlice(fs))
}

// SeedFeatureStream is SeedFeatures reading a stream (server.Seeder), in
// one transaction: batch by batch, COPY into the layer's table and
// terrimap.versions, then the heads from the rows. A feature
// whose id is not a UUID, or whose values do not fit the layer's columns,
// is refused with the layer and feature named, and nothing is written.
// The planner's statistics are taken after the commit; their failure
// wraps server.ErrUpkeep.
func (s *Storage) SeedFeatureStream(ctx context.Context, layer, author string, features iter.Seq2[store.RemoteFeature, error]) error {
	var table string // the layer's, for ANALYZE after the commit
	err := s.write(ctx, func(t *writeTx) error {
		l, err := t.layer(layer)
		if err != nil {
			return err
		}
		table = l.ident()
		if err := t.lockFeed(); err != nil {
			return err
		}
		base := t.clock
		seed := &seedBatch{t: t, l: l, author: author, at: time.Now().UTC()}
		if _, err := server.SeedBatches(features, seed.write); err != nil {
			return err
		}
		b := &pgx.Batch{}
		// The heads with their rows' hashes, in one pass over the seed's
		// versions and rows.
		b.Queue(`INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted, row_hash)
			SELECT $1, t.uuid, 1, v.seq, false, `+rowHashExpr(l.rec.Schema, "t")+`
			FROM terrimap.versions v JOIN `+l.ident()+` t ON t.uuid = v.uuid
			WHERE v.seq > $2 AND v.seq <= $3`, l.name(), base, t.clock)
		b.Queue(`UPDATE terrimap.feed_clock SET last_seq = $1 WHERE id = 1`, t.clock)
		t.afterVersions(b, t.clock)
		if err := t.tx.SendBatch(t.ctx, b).Close(); err != nil {
			return fmt.Errorf("pgstore: seed %s: %w", l.name(), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The planner's statistics are taken now, not when autovacuum gets to
	// it: right after a seed of 100,000 features, a first sync's pages
	// were planned as for an empty table (seconds instead of milliseconds).
	// The features are committed: a failure here is upkeep's, which
	// autovacuum does again.
	if _, err := s.pool.Exec(ctx, `ANALYZE terrimap.versions, terrimap.heads, `+table); err != nil {
		return fmt.Errorf("pgstore: seed %s: analyze: %w: %w", layer, server.ErrUpkeep, err)
	}
	return nil
}

// seedBatch writes the batches of one seed: its rows are made again for
// each batch, so that a seed holds one batch whatever its size.
type seedBatch struct {
	t              *writeTx
	l              *layerDef
	author         string
	at             time.Time
	rows, versions [][]any
}

// write copies a batch whose first feature is the seed's number first (for
// errors), after the feed's clock, and advances the clock.
func (s *seedBatch) write(batch []store.RemoteFeature, first int) error {
	t, l := s.t, s.l
	fields := l.rec.Schema.Fields
	s.rows, s.versions = s.rows[:0], s.versions[:0]
	refused := func(i int, err error) error {
		return fmt.Errorf("pgstore: seed %s: %w", l.name(), &formats.FeatureError{Number: first + i, ID: batch[i].UUID, Err: err})
	}
	for i := range batch {
		f := &batch[i]
		u, ok := parseUUID(f.UUID)
		if !ok {
			return refused(i, errors.New("the id is not a UUID"))
		}
		g := f.Geometry
		if checked, err := l.rec.Schema.CheckGeometry(g); err == nil {
			g = checked
		}
		geom, err := encodeGeom(g)
		if err != nil {
			return refused(i, err)
		}
		row := make([]any, 0, len(fields)+2)
		row = append(row, u)
		for _, fld := range fields {
			v, err := columnValue(fld, f.Properties[fld.Name])
			if err != nil {
				return refused(i, err)
			}
			row = append(row, v)
		}
		props, err := json.Marshal(f.Properties)
		if err != nil {
			return refused(i, err)
		}
		seq := t.clock + int64(i) + 1
		s.rows = append(s.rows, append(row, geom))
		s.versions = append(s.versions, []any{seq, l.name(), u, int64(1), string(protocol.OpCreate), s.author, s.at, props, geom})
	}
	cols := []string{"uuid"}
	for _, fld := range fields {
		cols = append(cols, fld.Name)
	}
	cols = append(cols, "geom")
	if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{l.schema, l.table}, cols, pgx.CopyFromRows(s.rows)); err != nil {
		return fmt.Errorf("pgstore: seed %s: features %d to %d: %w", l.name(), first, first+len(batch)-1, err)
	}
	if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"terrimap", "versions"},
		[]string{"seq", "layer", "uuid", "version", "op", "author", "at", "properties", "geom"}, pgx.CopyFromRows(s.versions)); err != nil {
		return fmt.Errorf("pgstore: seed %s: versions of features %d to %d: %w", l.name(), first, first+len(batch)-1, err)
	}
	t.clock += int64(len(batch))
	clear(s.rows)
	clear(s.versions)
	return nil
}
