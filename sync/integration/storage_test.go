package integration

// The platform's two storages, SQLite (one GeoPackage file) and
// PostgreSQL/PostGIS, behind one server.Storage contract: every test of the
// suite runs on each (forEachStorage), and reads what it checks through the
// contract or through an inspector, a test-only reader of the storage's
// own tables (the history, the answered pushes) that the contract does not
// list.

import (
	"context"
	"encoding/json"
	"fmt"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
)

// storageKind names one implementation of server.Storage.
type storageKind string

// The storages the suite runs on.
const (
	sqliteKind   storageKind = "sqlite"
	postgresKind storageKind = "postgres"
)

// storageKinds are the storages every test runs on, in this order.
var storageKinds = []storageKind{sqliteKind, postgresKind}

// subtests is what runs subtests: *testing.T or *testing.B.
type subtests[T any] interface {
	Run(name string, fn func(T)) bool
}

// forEachStorage runs fn as a subtest (or sub-benchmark) per storage,
// named "sqlite" and "postgres".
func forEachStorage[T subtests[T]](t T, fn func(t T, kind storageKind)) {
	for _, kind := range storageKinds {
		t.Run(string(kind), func(t T) { fn(t, kind) })
	}
}

// testStorage is a platform's storage with its inspector.
type testStorage interface {
	server.Seeder // writes many first versions at once, as the demo and imports do
	inspector
}

// inspector reads, beneath server.Storage, what the tests check: every
// version written, the platform's stored answers to pushes, and the
// storage's own soundness.
type inspector interface {
	// versions returns every version of every feature, in feed order.
	versions(ctx context.Context) ([]versionRow, error)
	// pushAnswers returns the stored answers to pushed changes, by change id.
	pushAnswers(ctx context.Context) (map[string]protocol.PushResult, error)
	// pushAnswer returns the stored answer to one change; the zero result
	// when there is none.
	pushAnswer(ctx context.Context, changeID string) (protocol.PushResult, error)
	// sound checks the storage's own consistency (a file's integrity, the
	// agreement of a database's tables with one another).
	sound(ctx context.Context) error
}

// versionRow is one version of a feature in the platform's history.
type versionRow struct {
	seq, version int64
	layer, id    string
	op, author   string
}

// openStorage opens a platform's database: a postgres:// URL or a file.
func openStorage(db string) (testStorage, error) {
	if pgstore.IsURL(db) {
		return openPostgres(db)
	}
	st, err := server.OpenSQLite(db)
	if err != nil {
		return nil, err
	}
	return sqliteStorage{st}, nil
}

// rowScanner is the part of a result set the inspectors read, the same
// for database/sql and pgx.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanVersions reads rows of (seq, layer, uuid, version, op, author).
func scanVersions(rows rowScanner) ([]versionRow, error) {
	var out []versionRow
	for rows.Next() {
		var r versionRow
		if err := rows.Scan(&r.seq, &r.layer, &r.id, &r.version, &r.op, &r.author); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// scanAnswers reads rows of (change id, JSON answer).
func scanAnswers(rows rowScanner) (map[string]protocol.PushResult, error) {
	out := map[string]protocol.PushResult{}
	for rows.Next() {
		var id string
		var js []byte
		if err := rows.Scan(&id, &js); err != nil {
			return nil, err
		}
		var r protocol.PushResult
		if err := json.Unmarshal(js, &r); err != nil {
			return nil, fmt.Errorf("stored answer to %s: %w", id, err)
		}
		out[id] = r
	}
	return out, rows.Err()
}

// sqliteStorage is the SQLite platform with its inspector, which reads
// srv_history and srv_pushes.
type sqliteStorage struct{ *server.SQLiteStorage }

func (s sqliteStorage) versions(ctx context.Context) ([]versionRow, error) {
	rows, err := s.Workspace().DB().QueryContext(ctx, `SELECT seq, layer, uuid, version, op, author FROM srv_history ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanVersions(rows)
}

func (s sqliteStorage) pushAnswers(ctx context.Context) (map[string]protocol.PushResult, error) {
	rows, err := s.Workspace().DB().QueryContext(ctx, `SELECT change_id, result FROM srv_pushes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanAnswers(rows)
}

func (s sqliteStorage) pushAnswer(ctx context.Context, changeID string) (protocol.PushResult, error) {
	rows, err := s.Workspace().DB().QueryContext(ctx, `SELECT change_id, result FROM srv_pushes WHERE change_id = ?`, changeID)
	if err != nil {
		return protocol.PushResult{}, err
	}
	defer rows.Close()
	answers, err := scanAnswers(rows)
	return answers[changeID], err
}

func (s sqliteStorage) sound(ctx context.Context) error {
	if check, err := s.Workspace().IntegrityCheck(ctx); err != nil || check != "ok" {
		return fmt.Errorf("integrity check: %q %v", check, err)
	}
	return nil
}
