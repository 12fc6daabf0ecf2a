package store

import (
	"context"
	"database/sql"
	"testing"
)

// Every connection database/sql opens to a workspace bounds its own page
// cache, and SQLite's memory as a whole is bounded too (issue 16: 64 MiB a
// connection and as many connections as concurrent readers made the 1M
// start's SQLite hold over 500 MB).
func TestWorkspaceConnectionsBoundSQLiteMemory(t *testing.T) {
	ws := newWorkspace(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 3 { // held at once: three connections
		c, err := ws.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var cache, limit int64
		if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA soft_heap_limit").Scan(&limit); err != nil {
			t.Fatal(err)
		}
		if cache != -pageCacheKiB {
			t.Errorf("connection %d: cache_size %d, want %d (KiB)", i, cache, -pageCacheKiB)
		}
		if limit != sqliteSoftHeapSize {
			t.Errorf("connection %d: soft_heap_limit %d, want %d", i, limit, sqliteSoftHeapSize)
		}
	}
}
