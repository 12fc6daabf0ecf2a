// Package pgstore keeps the platform in PostgreSQL/PostGIS: the
// implementation of server.Storage that the intercommunality's own
// database can hold. Each layer is a real PostGIS table (schema
// "reseaux" by default) that QGIS, Lizmap and GDAL open as it is; the
// platform's own tables (versions, the feed, users, tokens, pushes,
// attachments) live in schema "terrimap". See /work/notes/pg-design.md
// for the shared design, and feed.go for how the feed order is made.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"terrimap/sync/server"
)

// DefaultDataSchema is the PostgreSQL schema the layer tables go in.
const DefaultDataSchema = "reseaux"

// Options tune Open.
type Options struct {
	// DataSchema is the schema of the layer tables; "" is DefaultDataSchema.
	DataSchema string
	// ReplicaURL, when set, names a streaming replica that serves reads.
	ReplicaURL string
	// MaxConns bounds each pool; 0 means the URL's pool_max_conns, else
	// defaultMaxConns.
	MaxConns int32
}

// Storage is the platform in a PostgreSQL/PostGIS database.
type Storage struct {
	pool *pgxpool.Pool
	// read serves reads: the replica's pool, or pool itself.
	read *pgxpool.Pool
	// replica follows the read replica (replica.go); nil without one.
	replica *replicaWatch
	opts    Options
	blobs   *server.BlobStore

	// workers are the background goroutines (the capture worker…) that
	// Close stops: stop cancels their context, then Close waits.
	workers sync.WaitGroup
	stop    context.CancelFunc
	bg      context.Context
}

var _ server.Seeder = (*Storage)(nil)

// ErrNoPostGIS is returned by Open when the database lacks PostGIS and the
// role may not install it.
var ErrNoPostGIS = errors.New("pgstore: PostGIS is not installed in the database")

// IsURL reports whether db names a PostgreSQL database rather than a file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open connects to the database at url and installs the platform's tables
// (idempotently: several servers may open one database at once).
func Open(ctx context.Context, url string, opts Options) (*Storage, error) {
	if opts.DataSchema == "" {
		opts.DataSchema = DefaultDataSchema
	}
	pool, err := newPool(ctx, url, opts.MaxConns)
	if err != nil {
		return nil, err
	}
	s := &Storage{pool: pool, read: pool, opts: opts}
	if err := s.install(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if s.blobs, err = openBlobs(pool); err != nil {
		pool.Close()
		return nil, err
	}
	if opts.ReplicaURL != "" {
		if s.read, err = newPool(ctx, opts.ReplicaURL, opts.MaxConns); err != nil {
			pool.Close()
			return nil, err
		}
	}
	s.bg, s.stop = context.WithCancel(context.Background())
	if opts.ReplicaURL != "" {
		s.replica = s.watchReplica()
	}
	return s, nil
}

// defaultMaxConns is the size of a pool when nothing else says: pgxpool's
// own default (4 on a 2-core server) left fifty desks' pulls queued behind
// pushes waiting for the feed lock. Connections are opened as needed.
func defaultMaxConns() int32 { return int32(max(16, 4*runtime.NumCPU())) }

// newPool opens a pool on url and checks the server answers.
func newPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	switch {
	case maxConns > 0:
		cfg.MaxConns = maxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = defaultMaxConns()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open %s: %w", Redact(url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: open %s: %w", Redact(url), err)
	}
	return pool, nil
}

// Redact is a database URL as messages may show it: its password, in
// the URL's user part or as a password parameter, masked. A keyword/value
// connection string ("host=… password=…"), which pgx takes too, is not
// shown at all.
func Redact(dbURL string) string {
	if !IsURL(dbURL) {
		return "(a connection string, not shown)"
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return "postgres://…"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Pool gives the primary's pool, for tools and tests.
func (s *Storage) Pool() *pgxpool.Pool { return s.pool }

// DataSchema is the schema the layer tables are created in.
func (s *Storage) DataSchema() string { return s.opts.DataSchema }

// Close stops the background workers and releases the pools.
func (s *Storage) Close() error {
	if s.stop != nil {
		s.stop()
	}
	s.workers.Wait()
	if s.read != s.pool {
		s.read.Close()
	}
	s.pool.Close()
	return nil
}
