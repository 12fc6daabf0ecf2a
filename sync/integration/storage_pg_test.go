package integration

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/internal/pgtest"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
)

// pgStorage is the PostgreSQL platform with its inspector, which reads
// terrimap.versions, terrimap.heads, terrimap.pushes and the layer tables
// with the storage's own pool.
type pgStorage struct{ *pgstore.Storage }

// newPostgresDatabase returns the URL of a new, empty PostgreSQL database
// for t, dropped when t ends.
func newPostgresDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.NewDatabase(t)
}

// openPostgres opens the PostgreSQL platform at url.
func openPostgres(url string) (testStorage, error) {
	st, err := pgstore.Open(context.Background(), url, pgstore.Options{})
	if err != nil {
		return nil, err
	}
	return pgStorage{st}, nil
}

func (s pgStorage) versions(ctx context.Context) ([]versionRow, error) {
	rows, err := s.Pool().Query(ctx, `SELECT seq, layer, uuid::text, version, op, author FROM terrimap.versions ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanVersions(rows)
}

func (s pgStorage) pushAnswers(ctx context.Context) (map[string]protocol.PushResult, error) {
	rows, err := s.Pool().Query(ctx, `SELECT change_id, result FROM terrimap.pushes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanAnswers(rows)
}

func (s pgStorage) pushAnswer(ctx context.Context, changeID string) (protocol.PushResult, error) {
	rows, err := s.Pool().Query(ctx, `SELECT change_id, result FROM terrimap.pushes WHERE change_id = $1`, changeID)
	if err != nil {
		return protocol.PushResult{}, err
	}
	defer rows.Close()
	answers, err := scanAnswers(rows)
	return answers[changeID], err
}

// pgSoundness are the queries whose count must be zero in a sound
// platform database, with what a non-zero count means.
var pgSoundness = []struct{ what, query string }{
	{"heads that are not the version at their seq", `SELECT count(*) FROM terrimap.heads h LEFT JOIN terrimap.versions v ON v.seq = h.seq
		WHERE v.seq IS NULL OR v.layer <> h.layer OR v.uuid <> h.uuid OR v.version <> h.version OR h.deleted <> (v.op = 'delete')`},
	{"features whose head is not their last version", `SELECT count(*) FROM
		(SELECT layer, uuid, max(version) AS version FROM terrimap.versions GROUP BY layer, uuid) m
		LEFT JOIN terrimap.heads h ON h.layer = m.layer AND h.uuid = m.uuid WHERE h.version IS DISTINCT FROM m.version`},
	{"versions past the feed clock", `SELECT count(*) FROM terrimap.versions WHERE seq > (SELECT last_seq FROM terrimap.feed_clock)`},
}

// sound checks that terrimap.heads holds the last version of every
// feature, that the feed clock is past every version, and that each layer
// table holds exactly the features whose head is not a deletion.
func (s pgStorage) sound(ctx context.Context) error {
	for _, c := range pgSoundness {
		var n int
		if err := s.Pool().QueryRow(ctx, c.query).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", c.what, err)
		}
		if n != 0 {
			return fmt.Errorf("%d %s", n, c.what)
		}
	}
	rows, err := s.Pool().Query(ctx, `SELECT name, pg_schema, pg_table FROM terrimap.layers`)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Name, Schema, Table string }])
	if err != nil {
		return err
	}
	for _, l := range tables {
		var n int
		q := `SELECT count(*) FROM ` + pgx.Identifier{l.Schema, l.Table}.Sanitize() + ` t
			FULL JOIN (SELECT uuid FROM terrimap.heads WHERE layer = $1 AND NOT deleted) h ON h.uuid = t.uuid
			WHERE t.uuid IS NULL OR h.uuid IS NULL`
		if err := s.Pool().QueryRow(ctx, q, l.Name).Scan(&n); err != nil {
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
		if n != 0 {
			return fmt.Errorf("layer %s: %d rows of %s.%s and live heads do not match", l.Name, n, l.Schema, l.Table)
		}
	}
	return nil
}

// backupPostgres backs the PostgreSQL platform at url up into out with
// pg_dump, as terrimap-server backup does.
func backupPostgres(ctx context.Context, url, out string) (server.BackupSummary, error) {
	sum, err := pgstore.Dump(ctx, url, out)
	if err != nil {
		return server.BackupSummary{}, err
	}
	check := "ok"
	if sum.Entries == 0 {
		check = "empty dump"
	}
	return server.BackupSummary{Database: sum.File, Bytes: sum.Bytes, IntegrityCheck: check}, nil
}

// restorePostgres restores a pg_dump archive into a new database for t, as
// the README tells an administrator to, and returns its URL.
func restorePostgres(t testing.TB, dump string) string {
	t.Helper()
	url := newPostgresDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The new database has PostGIS already (the test template's): the
	// dump's own CREATE EXTENSION is the one error pg_restore may report.
	out, err := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--dbname="+url, dump).CombinedOutput()
	if err != nil && !onlyExtensionErrors(string(out)) {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	return url
}

// onlyExtensionErrors reports whether pg_restore's complaints are only
// about objects of PostGIS that the database holds already.
func onlyExtensionErrors(out string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "error:") && !strings.Contains(line, "already exists") && !strings.Contains(line, "errors ignored on restore") {
			return false
		}
	}
	return true
}
