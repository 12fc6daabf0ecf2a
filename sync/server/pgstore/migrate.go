package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/server"
)

// Migrate moves a whole SQLite platform into PostgreSQL:
//
//   - It reads the platform file in ONE SQLite read transaction: a platform
//     that goes on serving is copied as it was at one instant.
//   - It writes in ONE PostgreSQL transaction, with COPY: the layers (their
//     schema, style and edit right, as tables of the data schema), every
//     version of every feature with its ORIGINAL sequence number, the
//     heads and tombstones, the current features, organisations and their
//     territories, users with their password hashes and memberships,
//     token hashes with their expiry, last sign-ins, answered pushes
//     (a change sent again after the migration is still applied once), the
//     attachments, the schema version; feed_clock is set to the last
//     sequence number. Desks keep their feed cursor: their next sync pulls
//     only what changed since, without a new first sync, with the tokens
//     they hold.
//   - Before committing, it reads every table back in that transaction and
//     compares its digest (count and checksum) with the source's; any
//     difference rolls everything back.
//   - Once committed, it gathers the planner's statistics (ANALYZE) of the
//     feed's tables and the layer tables, which COPY leaves without.
//
// Running it again is safe. The target records what it was migrated from
// (terrimap.meta "migrated_from"). On a target that holds exactly the
// platform the source holds, Migrate verifies and writes nothing
// (Report.Already). On a target that differs — the platform has served on
// PostgreSQL since, or the source file went on serving — it refuses with
// ErrTargetDiverged and writes nothing: the PostgreSQL platform is never
// overwritten. A target holding anything else (layers, users, versions)
// without that record is refused with ErrTargetNotEmpty.
func Migrate(ctx context.Context, from, to string, opts MigrateOptions) (MigrateReport, error) {
	var rep MigrateReport
	rep.Source, rep.Target = from, Redact(to)
	err := server.ReadSQLiteSnapshot(ctx, from, func(snap *server.SQLiteSnapshot) error {
		st, err := Open(ctx, to, opts.Storage)
		if err != nil {
			return err
		}
		defer st.Close()
		m := &migration{ctx: ctx, snap: snap, st: st, rep: &rep, progress: opts.Progress}
		return m.run()
	})
	return rep, err
}

// MigrateOptions tune Migrate.
type MigrateOptions struct {
	// Storage opens the target (its data schema…).
	Storage Options
	// Progress, when set, is told each step and how many rows it has
	// read so far (a large platform takes minutes).
	Progress func(step string, rows int64)
}

// progressEvery is how many rows pass between two progress reports.
const progressEvery = 50_000

// Errors of a migration that callers tell apart.
var (
	// ErrTargetNotEmpty: the target database holds a platform that was
	// not migrated from a file.
	ErrTargetNotEmpty = errors.New("pgstore: the target database holds another platform")
	// ErrTargetDiverged: the target was migrated before, and it or the
	// source changed since.
	ErrTargetDiverged = errors.New("pgstore: the target no longer matches the source")
	// ErrMigrationCheck: what was written does not read back as the source.
	ErrMigrationCheck = errors.New("pgstore: the copy does not match the source")
)

// MigrateReport says what a migration found and did.
type MigrateReport struct {
	// Source is the platform file; Target the database (password hidden).
	Source, Target string
	// Already is true when the target held this platform already: it was
	// verified and nothing was written.
	Already bool
	// Tables compares each table of the source with the target.
	Tables []TableCheck
	// FeedEnd is the last sequence number of the feed (feed_clock).
	FeedEnd int64
	// SchemaVersion is the platform's count of schema changes.
	SchemaVersion int64
	// Took is how long the migration took.
	Took time.Duration
}

// TableCheck compares a table of the source with the target's.
type TableCheck struct {
	// Name is the table: a platform table (versions, users…), "feed" for
	// the feed order (seq, layer, uuid, version, op of every version), or
	// "layer NAME" for a layer's current features.
	Name string
	// Source and Target are the rows' counts and checksums.
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
	// Match is true when counts and checksums are equal.
	Match bool
}

// OK reports whether every table matched.
func (r MigrateReport) OK() bool {
	for _, t := range r.Tables {
		if !t.Match {
			return false
		}
	}
	return len(r.Tables) > 0
}

// Mismatched names the tables that differ.
func (r MigrateReport) Mismatched() []string {
	var out []string
	for _, t := range r.Tables {
		if !t.Match {
			out = append(out, t.Name)
		}
	}
	return out
}

// metaMigratedFrom is the terrimap.meta key recording a migration.
const metaMigratedFrom = "migrated_from"

// migratedFrom is what terrimap.meta records of a migration.
type migratedFrom struct {
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
	FeedEnd int64     `json:"feed_end"`
}

type migration struct {
	ctx  context.Context
	snap *server.SQLiteSnapshot
	st   *Storage
	rep  *MigrateReport
	// source and target digests, by check name, in report order.
	names          []string
	source, target map[string]digest
	// maxSeq is the source's last sequence number.
	maxSeq int64
	// progress reports the steps (MigrateOptions.Progress); may be nil.
	progress func(step string, rows int64)
}

// step reports a step's progress: at its start and every progressEvery rows.
func (m *migration) step(name string, rows int64) {
	if m.progress != nil && rows%progressEvery == 0 {
		m.progress(name, rows)
	}
}

func (m *migration) run() error {
	start := time.Now()
	defer func() { m.rep.Took = time.Since(start) }()
	m.rep.SchemaVersion = m.snap.SchemaVersion()
	state, err := m.targetState()
	if err != nil {
		return err
	}
	switch {
	case state.migrated:
		// Verify only: digest both sides, write nothing.
		m.rep.Already = true
		err := pgx.BeginTxFunc(m.ctx, m.st.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			return m.copyAndCheck(tx, false)
		})
		if err != nil {
			return err
		}
		if !m.rep.OK() {
			return fmt.Errorf("%w (%v differ): it was migrated from %s on %s, and the PostgreSQL platform or the file has changed since; nothing was written. "+
				"To start over from the file, losing what was done on PostgreSQL since, empty the database first (DROP SCHEMA terrimap CASCADE; DROP SCHEMA %s CASCADE;)",
				ErrTargetDiverged, m.rep.Mismatched(), state.from.Source, state.from.At.Local().Format("2006-01-02 15:04"), m.st.opts.DataSchema)
		}
		return nil
	case !state.empty:
		return fmt.Errorf("%w (%s): migrate only into an empty database", ErrTargetNotEmpty, state.what)
	}
	err = pgx.BeginFunc(m.ctx, m.st.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(m.ctx, `SELECT set_config('terrimap.writer', 'platform', true)`); err != nil {
			return err
		}
		// One migration at a time into a database: a second one waits
		// here, then finds the first's work and verifies it.
		if _, err := tx.Exec(m.ctx, `LOCK TABLE terrimap.feed_clock IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		if again, err := m.targetStateIn(tx); err != nil {
			return err
		} else if !again.empty {
			return fmt.Errorf("%w (%s): another migration or a server wrote it meanwhile", ErrTargetNotEmpty, again.what)
		}
		return m.copyAndCheck(tx, true)
	})
	if err != nil {
		return err
	}
	return m.analyze()
}

// analyze gathers the planner's statistics of the tables the feed reads,
// once the copy is committed (as SeedFeatures does after a bulk load):
// COPY leaves none, and the first syncs would be planned blind until
// autovacuum passes.
func (m *migration) analyze() error {
	err := func() error {
		rows, err := m.st.pool.Query(m.ctx, `SELECT pg_schema, pg_table FROM terrimap.layers ORDER BY name`)
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
			var schema, table string
			err := row.Scan(&schema, &table)
			return pgx.Identifier{schema, table}.Sanitize(), err
		})
		if err != nil {
			return err
		}
		q := `ANALYZE terrimap.versions, terrimap.heads`
		for _, t := range tables {
			q += ", " + t
		}
		_, err = m.st.pool.Exec(m.ctx, q)
		return err
	}()
	if err != nil {
		return fmt.Errorf("pgstore: migrate: committed, but ANALYZE failed (run it by hand): %w", err)
	}
	return nil
}

// copyAndCheck copies the snapshot into tx (when write is true) and
// compares every table of tx with the source. With write, a difference
// is an error, so the transaction rolls back.
func (m *migration) copyAndCheck(tx pgx.Tx, write bool) error {
	m.source, m.target = map[string]digest{}, map[string]digest{}
	m.names = nil
	w := tx
	if !write {
		w = nil
	}
	defs, err := m.layers(tx, w)
	if err != nil {
		return err
	}
	if err := m.versions(tx, w); err != nil {
		return err
	}
	for _, l := range m.snap.Layers() {
		if err := m.features(tx, w, l, defs[l.Schema.Name]); err != nil {
			return err
		}
	}
	if err := m.accounts(tx, w); err != nil {
		return err
	}
	if err := m.attachments(tx, w); err != nil {
		return err
	}
	if err := m.clockAndMeta(tx, write); err != nil {
		return err
	}
	m.report()
	if write && !m.rep.OK() {
		return fmt.Errorf("%w: %v differ; nothing was written", ErrMigrationCheck, m.rep.Mismatched())
	}
	return nil
}

// compare records the digests of a check.
func (m *migration) compare(name string, source, target digest) {
	m.names = append(m.names, name)
	m.source[name], m.target[name] = source, target
}

// report fills the report's table checks.
func (m *migration) report() {
	m.rep.Tables = m.rep.Tables[:0]
	for _, n := range m.names {
		s, t := m.source[n], m.target[n]
		m.rep.Tables = append(m.rep.Tables, TableCheck{Name: n, SourceRows: s.Rows, TargetRows: t.Rows,
			SourceSum: s.Sum(), TargetSum: t.Sum(), Match: s.equal(t)})
	}
}

// targetState says whether the target is empty, was migrated, or holds
// something else.
type targetState struct {
	empty, migrated bool
	from            migratedFrom
	what            string
}

func (m *migration) targetState() (targetState, error) {
	var out targetState
	err := pgx.BeginTxFunc(m.ctx, m.st.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		out, err = m.targetStateIn(tx)
		return err
	})
	return out, err
}

func (m *migration) targetStateIn(tx pgx.Tx) (targetState, error) {
	var out targetState
	var from string
	err := tx.QueryRow(m.ctx, `SELECT value FROM terrimap.meta WHERE key = $1`, metaMigratedFrom).Scan(&from)
	if err == nil {
		out.migrated = true
		if err := json.Unmarshal([]byte(from), &out.from); err != nil {
			return out, fmt.Errorf("pgstore: migrate: terrimap.meta %s: %w", metaMigratedFrom, err)
		}
		return out, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("pgstore: migrate: %w", err)
	}
	var layers, versions, users, orgs int64
	err = tx.QueryRow(m.ctx, `SELECT (SELECT count(*) FROM terrimap.layers), (SELECT count(*) FROM terrimap.versions),
		(SELECT count(*) FROM terrimap.users), (SELECT count(*) FROM terrimap.orgs)`).Scan(&layers, &versions, &users, &orgs)
	if err != nil {
		return out, fmt.Errorf("pgstore: migrate: %w", err)
	}
	out.empty = layers+versions+users+orgs == 0
	out.what = fmt.Sprintf("%d layers, %d versions, %d users, %d organisations", layers, versions, users, orgs)
	return out, nil
}

// clockAndMeta sets the feed clock to the last sequence number and the
// schema version to the source's, and records the migration; it compares
// both with the source.
func (m *migration) clockAndMeta(tx pgx.Tx, write bool) error {
	end := m.maxSeq
	if write {
		from, _ := json.Marshal(migratedFrom{Source: m.rep.Source, At: time.Now().UTC(), FeedEnd: end})
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE terrimap.feed_clock SET last_seq = $1 WHERE id = 1`, []any{end}},
			{`INSERT INTO terrimap.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []any{strconv.FormatInt(m.rep.SchemaVersion, 10)}},
			{`INSERT INTO terrimap.meta (key, value) VALUES ($1, $2)`, []any{metaMigratedFrom, string(from)}},
		} {
			if _, err := tx.Exec(m.ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("pgstore: migrate: %w", err)
			}
		}
	}
	var clock int64
	var sv string
	err := tx.QueryRow(m.ctx, `SELECT (SELECT last_seq FROM terrimap.feed_clock WHERE id = 1),
		coalesce((SELECT value FROM terrimap.meta WHERE key = 'schema_version'), '0')`).Scan(&clock, &sv)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	m.rep.FeedEnd = clock
	var src, dst digest
	src.add(strconv.FormatInt(end, 10), strconv.FormatInt(m.rep.SchemaVersion, 10))
	dst.add(strconv.FormatInt(clock, 10), sv)
	m.compare("feed_clock+schema_version", src, dst)
	return nil
}
