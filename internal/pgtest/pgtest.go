// Package pgtest gives tests a real PostgreSQL server with PostGIS: a fresh
// database per test, on the cluster named by TERRIMAP_TEST_PG (make test
// starts one, with a streaming replica named by TERRIMAP_TEST_PG_REPLICA:
// scripts/with-postgres.sh), or else on a throwaway cluster the test binary
// starts itself in a temporary folder and stops when its tests end.
//
// A package whose tests use it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// No test is skipped for want of a server: without PostgreSQL and PostGIS
// installed, the tests fail and say what to install.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables naming a running cluster: an administrator's URL
// (a superuser, database postgres) of the primary and of its replica.
const (
	EnvPrimary = "TERRIMAP_TEST_PG"
	EnvReplica = "TERRIMAP_TEST_PG_REPLICA"
)

// templateName is the database every test database is copied from: it
// holds the PostGIS extension, whose creation takes a second or more.
const templateName = "terrimap_template"

// harness is the clusters of one test binary.
type harness struct {
	mu      sync.Mutex
	primary string   // administrator URL of the primary
	replica string   // administrator URL of the replica; "" until needed
	owned   *cluster // the cluster this binary started, if any
	replOwn *cluster // its replica, if any
	err     error
}

// current is the harness of the running test binary, set by Main and
// read by the tests it runs: a test binary's one piece of shared state.
var current = &harness{}

// Main runs the tests of m and stops any cluster they started; its result
// is the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	current.stop()
	return code
}

// NewDatabase returns the URL of a new, empty database with PostGIS, on
// the test cluster; it is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := Primary(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", redact(admin), err)
	}
	defer conn.Close(ctx)
	if err := ensureTemplate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	name := "t_" + randomHex(8)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+templateName); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		// A database left behind fails no test, but is said: it holds disk
		// on the shared cluster until someone drops it.
		if err := dropDatabase(admin, name); err != nil {
			t.Logf("pgtest: database %s left on the cluster: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// Primary returns the administrator URL of the test cluster (database
// postgres), starting a cluster if none is named by EnvPrimary.
func Primary(t testing.TB) string {
	t.Helper()
	u, err := current.primaryURL()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// ReplicaOf returns the URL, on the test cluster's streaming replica, of
// the database whose primary URL is dbURL, once the replica has it and has
// replayed everything the primary had written when ReplicaOf was called
// (a platform set up just before is readable there). A replica is made
// with pg_basebackup when EnvReplica names none.
func ReplicaOf(t testing.TB, dbURL string) string {
	t.Helper()
	admin, err := current.replicaURL()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("pgtest: replica of %s: %v", redact(dbURL), err)
	}
	out := withDatabase(admin, u.Path[1:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var written string
	primary, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("pgtest: replica of %s: %v", redact(dbURL), err)
	}
	err = primary.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&written)
	primary.Close(ctx)
	if err != nil {
		t.Fatalf("pgtest: replica of %s: %v", redact(dbURL), err)
	}
	for {
		conn, err := pgx.Connect(ctx, out)
		if err == nil {
			var caughtUp bool
			err = conn.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, written).Scan(&caughtUp)
			conn.Close(ctx)
			if err == nil && caughtUp {
				return out
			}
			if err == nil {
				err = fmt.Errorf("replayed up to less than %s", written)
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pgtest: the replica has not caught up with database %s: %v", u.Path[1:], err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (h *harness) primaryURL() (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.primary != "" || h.err != nil {
		return h.primary, h.err
	}
	if u := getenv(EnvPrimary); u != "" {
		h.primary = u
		return u, nil
	}
	c, err := startCluster()
	if err != nil {
		h.err = err
		return "", err
	}
	h.owned, h.primary = c, c.url()
	return h.primary, nil
}

func (h *harness) replicaURL() (string, error) {
	if _, err := h.primaryURL(); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.replica != "" {
		return h.replica, nil
	}
	if u := getenv(EnvReplica); u != "" && h.owned == nil {
		h.replica = u
		return u, nil
	}
	if h.owned == nil {
		return "", fmt.Errorf("pgtest: %s names a primary but %s names no replica", EnvPrimary, EnvReplica)
	}
	r, err := h.owned.startReplica()
	if err != nil {
		return "", err
	}
	h.replOwn, h.replica = r, r.url()
	return h.replica, nil
}

func (h *harness) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.replOwn != nil {
		h.replOwn.stop()
	}
	if h.owned != nil {
		h.owned.stop()
	}
}

// ensureTemplate creates the template database with PostGIS once per
// cluster; concurrent test binaries wait on an advisory lock.
func ensureTemplate(ctx context.Context, conn *pgx.Conn) error {
	const lockKey = 0x7465727269 // "terri"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("pgtest: template lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", templateName).Scan(&exists); err != nil {
		return fmt.Errorf("pgtest: template: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+templateName); err != nil {
		return fmt.Errorf("pgtest: create template: %w", err)
	}
	tpl, err := pgx.Connect(ctx, withDatabase(conn.Config().ConnString(), templateName))
	if err != nil {
		return fmt.Errorf("pgtest: template: %w", err)
	}
	defer tpl.Close(ctx)
	if _, err := tpl.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		conn.Exec(ctx, "DROP DATABASE "+templateName)
		return fmt.Errorf("pgtest: CREATE EXTENSION postgis (install it: apt-get install -y --no-install-recommends postgresql-15-postgis-3): %w", err)
	}
	return nil
}

// dropDatabase drops a test database, its sessions ended first.
func dropDatabase(admin, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}

// withDatabase returns the URL u with its database replaced by name.
func withDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.Path = "/" + name
	return p.String()
}

// redact hides a URL's password in messages.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unreadable URL)"
	}
	return p.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
