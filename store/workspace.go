// Package store is Terrimap's local spatial cache: a workspace is one
// GeoPackage 1.3 file (EPSG:4326) holding typed feature layers built from
// schemas, a change journal written in the same transaction as every local
// edit, the GeoPackage RTree spatial index for GDAL and QGIS, and an
// in-memory R-tree over all layers for the map and hit tests.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"terrimap/internal/sqlitedsn"
)

// Workspace is an open GeoPackage workspace. It is safe for concurrent use:
// readers run alongside one writer (WAL).
type Workspace struct {
	path     string
	db       *sql.DB
	readOnly bool
	own      atomic.Bool // has Terrimap's tables

	writeMu sync.Mutex // one writer at a time

	mu       sync.RWMutex // guards layers, warnings and behind
	layers   []*Layer
	byName   map[string]*Layer
	warnings []string
	behind   map[string]bool // layers whose R*Tree misses features (rtree_behind.go)

	index   *Index
	stmts   stmtCache  // the map's reads (EachByFID)
	written writtenLog // what committed transactions wrote (WrittenSince)

	noSearchText atomic.Bool // DropSearchText: no text index kept
}

// Options tune how a workspace is opened.
type Options struct {
	// ReadOnly opens the file without ever writing to it.
	ReadOnly bool
}

// Create makes a new, empty workspace at path. It refuses to overwrite a file.
func Create(path string) (*Workspace, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("store: create %s: %w", path, ErrExists)
	}
	if err := registerFunctions(); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, false, true))
	if err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	ctx := context.Background()
	err = inTx(ctx, db, func(tx *sql.Tx) error { return initWorkspace(ctx, tx) })
	if err != nil {
		db.Close()
		os.Remove(path)
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	ws := &Workspace{path: path, db: db, byName: map[string]*Layer{}, behind: map[string]bool{}}
	ws.index = newIndex(ws)
	ws.own.Store(true)
	return ws, nil
}

// initWorkspace writes the schema of a new workspace and its identity: a
// new workspace id and the time it was created.
func initWorkspace(ctx context.Context, tx *sql.Tx) error {
	if err := initSchema(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tm_meta(key, value) VALUES ('workspace_id', ?), ('created_at', ?)`,
		uuid.NewString(), time.Now().UTC().Format(time.RFC3339))
	return err
}

// Open opens an existing workspace, or any GeoPackage with vector layers. It
// refuses, with ErrNotGeoPackage, ErrMBTiles, ErrCorrupt or ErrNoLayers, files
// it cannot use, and never modifies a file it refuses. Layers that Terrimap
// did not create open read-only, their schema read from the table.
func Open(path string, opts Options) (*Workspace, error) {
	if err := registerFunctions(); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	rollBackHotJournal(path)
	info, err := inspect(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	readOnly := opts.ReadOnly || !writable(path)
	db, err := sql.Open("sqlite", dsn(path, readOnly, info.own))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	ws := &Workspace{path: path, db: db, readOnly: readOnly, byName: map[string]*Layer{}, behind: map[string]bool{}}
	ws.index = newIndex(ws)
	ws.warnings = info.warnings
	ws.own.Store(info.own)
	if info.own && !readOnly {
		// Tables added by later versions of Terrimap.
		err := inTx(context.Background(), db, func(tx *sql.Tx) error { return ensureOwnTables(context.Background(), tx) })
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	if err := ws.loadLayers(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := ws.loadRTreesBehind(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if !info.own && !readOnly {
		// Without WAL a reader waits for a writer's commit: the trees must
		// not be loaded from within a write transaction, so they are now.
		// Read-only, the workspace never writes: they load when first
		// asked, as a Terrimap file's do (an import reading a GeoPackage
		// never asks: loading them cost 0.14 s of its 100,000 points).
		if err := ws.LoadIndex(context.Background()); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: build index: %w", path, err)
		}
	}
	// A download interrupted before its end left R*Trees behind.
	if err := ws.CatchUpRTrees(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return ws, nil
}

// OpenOrCreate opens the workspace at path, creating it when the file does not exist.
func OpenOrCreate(path string) (*Workspace, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return Create(path)
	}
	return Open(path, Options{})
}

// Path returns the workspace file's path.
func (ws *Workspace) Path() string { return ws.path }

// ReadOnly reports whether the workspace was opened without write access.
func (ws *Workspace) ReadOnly() bool { return ws.readOnly }

// Warnings returns what was odd but acceptable about the file when it was
// opened (a missing application id, an unknown SRS…), or became so since
// (an import alone that could not set the WAL back, see editAlone).
func (ws *Workspace) Warnings() []string {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return append([]string(nil), ws.warnings...)
}

// DB gives read access to the underlying database for tools and tests.
func (ws *Workspace) DB() *sql.DB { return ws.db }

// Close releases the workspace, first bringing R*Trees left behind by a
// download up to date. The file stays consistent whatever happens before or
// after.
func (ws *Workspace) Close() error {
	caughtUp := ws.CatchUpRTrees(context.Background())
	ws.stmts.close()
	if err := ws.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", ws.path, err)
	}
	return caughtUp
}

// IntegrityCheck runs SQLite's full integrity check and returns its verdict
// ("ok" when the file is sound).
func (ws *Workspace) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := ws.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", fmt.Errorf("store: integrity check: %w", err)
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// Meta returns a workspace metadata value ("" when unset).
func (ws *Workspace) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := ws.db.QueryRowContext(ctx, `SELECT value FROM tm_meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || isNoSuchTable(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores a workspace metadata value.
func (ws *Workspace) SetMeta(ctx context.Context, key, value string) error {
	return ws.Edit(ctx, func(tx *Tx) error { return tx.SetMeta(key, value) })
}

// SQLite's memory. database/sql opens a connection per concurrent reader
// (the map's tile workers, a search, a sync) and each keeps a page cache of
// its own; cache_size bounds one, the soft heap limit all of them together:
// near it, a connection recycles its least recently used pages instead of
// taking more (SQLite's pcache1 under memory pressure). The limit is the
// process's (SQLite's heap is one per process): every workspace file
// shares it. On the 1M-feature start it took 190 MB off the peak RSS for
// no CPU time (issue 16). The file is not memory-mapped (mmap_size): it
// saved pread calls, but every page read stays in the resident memory,
// up to the whole file after a day of panning.
const (
	pageCacheKiB       = 32 << 10  // per connection
	sqliteSoftHeapSize = 128 << 20 // the whole process
)

// dsn is the address of the workspace file at path, read-only or written
// (with WAL when wal: not on a network share, see OpenOrCreate).
func dsn(path string, readOnly, wal bool) string {
	params := []string{"_pragma=busy_timeout(10000)", "_pragma=foreign_keys(0)",
		fmt.Sprintf("_pragma=cache_size(-%d)", pageCacheKiB), fmt.Sprintf("_pragma=soft_heap_limit(%d)", sqliteSoftHeapSize),
		"_pragma=temp_store(memory)"}
	if readOnly {
		return sqlitedsn.URI(path, append(params, "mode=ro")...)
	}
	params = append(params, "_txlock=immediate", "_pragma=synchronous(FULL)")
	if wal {
		params = append(params, "_pragma=journal_mode(WAL)")
	}
	return sqlitedsn.URI(path, params...)
}

func writable(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// fileInfo is what inspect learns about a file before it is opened for real.
type fileInfo struct {
	own      bool // written by Terrimap (has tm_layers)
	warnings []string
}

// inspect checks, read-only, that path is a GeoPackage Terrimap can use.
func inspect(path string) (fileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileInfo{}, err
	}
	head := make([]byte, 100)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n < 100 || !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return fileInfo{}, fmt.Errorf("%w: the file is not a SQLite database", ErrNotGeoPackage)
	}
	db, err := sql.Open("sqlite", dsn(path, true, false))
	if err != nil {
		return fileInfo{}, err
	}
	defer db.Close()
	ctx := context.Background()
	var appID int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fileInfo{}, classify(err)
	}
	tables := map[string]bool{}
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type IN ('table','view')")
	if err != nil {
		return fileInfo{}, classify(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fileInfo{}, classify(err)
		}
		tables[strings.ToLower(name)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fileInfo{}, classify(err)
	}
	var info fileInfo
	switch {
	case appID == applicationIDMBTiles || (tables["tiles"] && tables["metadata"] && !tables["gpkg_contents"]):
		return fileInfo{}, ErrMBTiles
	case !tables["gpkg_contents"] || !tables["gpkg_spatial_ref_sys"]:
		return fileInfo{}, fmt.Errorf("%w: it has no gpkg_contents or gpkg_spatial_ref_sys table", ErrNotGeoPackage)
	case appID != applicationIDGPKG && appID != applicationIDGP10 && appID != applicationIDGP11:
		info.warnings = append(info.warnings, fmt.Sprintf("unexpected application_id 0x%08x (expected GPKG)", appID))
	}
	if err := checkSize(path, head); err != nil {
		return fileInfo{}, err
	}
	info.own = tables["tm_layers"]
	if !info.own {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM gpkg_contents c JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name) WHERE c.data_type = 'features'`).Scan(&n)
		if err != nil && !isNoSuchTable(err) {
			return fileInfo{}, classify(err)
		}
		if n == 0 {
			return fileInfo{}, ErrNoLayers
		}
	}
	return info, nil
}

// checkSize compares the file's length with the page count its header
// declares: a copy cut short (an interrupted download, a full USB stick)
// is refused before anything reads past its end. A full integrity check
// would read the whole file, seconds for a large workspace.
func checkSize(path string, head []byte) error {
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		return nil // pages may live in the WAL; SQLite checks them as it reads
	}
	pageSize := int64(binary.BigEndian.Uint16(head[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(head[28:32]))
	valid := binary.BigEndian.Uint32(head[24:28]) == binary.BigEndian.Uint32(head[92:96])
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if valid && pages > 0 && st.Size() < pages*pageSize {
		return fmt.Errorf("%w: the file holds %d bytes of the %d its header declares", ErrCorrupt, st.Size(), pages*pageSize)
	}
	return nil
}

// classify turns SQLite's "not a database" and "malformed" errors into ErrCorrupt.
func classify(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return err
}

func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}

// inTx runs fn in a transaction, committing when it returns nil.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
