package main

import (
	"context"
	"fmt"

	"terrimap/sync/server"
)

// runBackup copies a platform, live or not, to --out and --out.blobs.
func runBackup(ctx context.Context, args []string, e env) error {
	fs := flags("backup")
	db := fs.String("db", "", "platform database (GeoPackage), served or not")
	out := fs.String("out", "", "backup file; its attachments go to the folder beside it, FILE.blobs")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	if err := need(*out, "out"); err != nil {
		return err
	}
	sum, err := server.Backup(ctx, *db, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "terrimap-server: %s backed up to %s (%d bytes, integrity check %s); attachments in %s: %d copied (%d bytes), %d already there\n",
		*db, sum.Database, sum.Bytes, sum.IntegrityCheck, sum.Blobs, sum.Copied, sum.CopiedBytes, sum.Kept)
	return nil
}
