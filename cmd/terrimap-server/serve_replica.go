package main

import (
	"context"
	"fmt"

	"terrimap/sync/server/pgstore"
)

// openServed opens the platform serve answers for: as openPlatform does,
// or, with a read replica, the PostgreSQL platform reading through it
// (pgstore: read-your-writes for the user who pushed).
func openServed(ctx context.Context, db, replica string) (platform, error) {
	if replica == "" {
		return openPlatform(ctx, db)
	}
	if !isPostgres(db) || !isPostgres(replica) {
		return nil, fmt.Errorf("%w: --read-replica is the postgres:// URL of a replica of a --db postgres://…", errUsage)
	}
	return pgstore.Open(ctx, db, pgstore.Options{ReplicaURL: replica})
}
