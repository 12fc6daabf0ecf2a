package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// SeedFeatures writes many first versions at once (demo data, imports):
// the features as version 1 by author, with their history, in one
// transaction: COPY into the layer's table and terrimap.versions, then the
// heads from the rows. A feature whose id is not a UUID, or whose values do not
// fit the layer's columns, is refused with the layer and feature named,
// and nothing is written.
func (s *Storage) SeedFeatures(ctx context.Context, layer, author string, fs []store.RemoteFeature) error {
	err := s.write(ctx, func(t *writeTx) error {
		l, err := t.layer(layer)
		if err != nil {
			return err
		}
		if err := t.lockFeed(); err != nil {
			return err
		}
		base := t.clock
		at := time.Now().UTC()
		fields := l.rec.Schema.Fields
		rows := make([][]any, len(fs))
		versions := make([][]any, len(fs))
		uuids := make([][16]byte, len(fs))
		seqs := make([]int64, len(fs))
		for i := range fs {
			f := &fs[i]
			f.Version = 1
			u, ok := parseUUID(f.UUID)
			if !ok {
				return fmt.Errorf("pgstore: seed %s: feature %q: the id is not a UUID", l.name(), f.UUID)
			}
			g := f.Geometry
			if checked, err := l.rec.Schema.CheckGeometry(g); err == nil {
				g = checked
			}
			geom, err := encodeGeom(g)
			if err != nil {
				return fmt.Errorf("pgstore: seed %s: feature %s: %w", l.name(), f.UUID, err)
			}
			row := make([]any, 0, len(fields)+2)
			row = append(row, u)
			for _, fld := range fields {
				v, err := columnValue(fld, f.Properties[fld.Name])
				if err != nil {
					return fmt.Errorf("pgstore: seed %s: feature %s: %w", l.name(), f.UUID, err)
				}
				row = append(row, v)
			}
			rows[i] = append(row, geom)
			props, err := json.Marshal(f.Properties)
			if err != nil {
				return fmt.Errorf("pgstore: seed %s: feature %s: %w", l.name(), f.UUID, err)
			}
			seq := base + int64(i) + 1
			versions[i] = []any{seq, l.name(), u, int64(1), string(protocol.OpCreate), author, at, props, geom}
			uuids[i], seqs[i] = u, seq
		}
		cols := []string{"uuid"}
		for _, fld := range fields {
			cols = append(cols, fld.Name)
		}
		cols = append(cols, "geom")
		if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{l.schema, l.table}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("pgstore: seed %s: %w", l.name(), err)
		}
		if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"terrimap", "versions"},
			[]string{"seq", "layer", "uuid", "version", "op", "author", "at", "properties", "geom"}, pgx.CopyFromRows(versions)); err != nil {
			return fmt.Errorf("pgstore: seed %s: versions: %w", l.name(), err)
		}
		t.clock = base + int64(len(fs))
		b := &pgx.Batch{}
		// The heads with their rows' hashes, in one pass over the rows.
		b.Queue(`INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted, row_hash)
			SELECT $1, t.uuid, 1, s.seq, false, `+rowHashExpr(l.rec.Schema, "t")+`
			FROM unnest($2::uuid[], $3::bigint[]) AS s(uuid, seq) JOIN `+l.ident()+` t ON t.uuid = s.uuid`, l.name(), uuids, seqs)
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
	l, err := loadLayer(ctx, s.pool, layer)
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE terrimap.versions, terrimap.heads, `+l.ident()); err != nil {
		return fmt.Errorf("pgstore: seed %s: analyze: %w", layer, err)
	}
	return nil
}
