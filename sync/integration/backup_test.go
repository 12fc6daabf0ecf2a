package integration

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/server"
)

// historyOf returns every version the platform holds.
func historyOf(t testing.TB, st inspector) map[versionRow]bool {
	t.Helper()
	versions, err := st.versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[versionRow]bool{}
	for _, r := range versions {
		out[r] = true
	}
	return out
}

// terrimap-server backup, run while ten desks edit (with photos) and sync
// against the platform, makes a copy that is sound (SQLite's
// integrity_check; pg_dump's own snapshot), holds every change the platform
// had acknowledged when it started, is itself a consistent platform, and
// has every photo its features show.
func TestBackupDuringSyncStorm(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		const desksN, editsN = 10, 12
		desks := make([]*desk, desksN)
		for i := range desks {
			desks[i] = p.newDesk([]string{"agent", "admin", "tournus"}[i%3])
		}
		synced := make(chan struct{}, desksN*editsN)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			failures []error
		)
		for i, d := range desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range editsN {
					err := d.ws.Edit(ctx, func(tx *store.Tx) error {
						props := map[string]any{"numero": fmt.Sprintf("D%d-%d", i, n)}
						if n%3 == 0 {
							h, err := tx.PutBlob(fmt.Sprintf("IMG_%d_%d.jpg", i, n), photoBytes(uint64(i*100+n), 20<<10))
							if err != nil {
								return err
							}
							props["numero"] = h
						}
						_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.86 + float64(i)/200, 46.51 + float64(n)/200}, Properties: props})
						return err
					})
					if err == nil {
						_, err = d.c.Sync(ctx)
					}
					if err != nil {
						mu.Lock()
						failures = append(failures, fmt.Errorf("desk %d, edit %d: %w", i, n, err))
						mu.Unlock()
						return
					}
					synced <- struct{}{}
				}
			}()
		}
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		// Wait till the storm is well under way, or over when desks failed
		// early (their failures are reported below, not waited for forever).
		for range 2 * desksN {
			select {
			case <-synced:
			case <-finished:
			}
		}
		acknowledged := historyOf(t, p.st)
		out := filepath.Join(t.TempDir(), "platform.bak")
		sum, err := backupPlatform(ctx, p, out)
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatal(failures)
		}
		if sum.IntegrityCheck != "ok" || sum.Bytes == 0 {
			t.Fatalf("backup: %+v", sum)
		}
		after := historyOf(t, p.st)
		copied := checkBackup(t, kind, out, acknowledged)
		t.Logf("backup during the storm: %d versions acknowledged before it, %d in the copy, %d at the end; %+v", len(acknowledged), copied, len(after), sum)

		// The next night's backup replaces it (on SQLite, copying only the
		// new photos: the others are in the backup's folder already).
		again, err := backupPlatform(ctx, p, out)
		if err != nil {
			t.Fatal(err)
		}
		if kind == sqliteKind && again.Kept != sum.Copied+sum.Kept {
			t.Errorf("second backup: %+v after %+v", again, sum)
		}
		if n := checkBackup(t, kind, out, after); n != len(after) {
			t.Errorf("the backup after the storm holds %d versions, the platform %d", n, len(after))
		}
	})
}

// backupPlatform backs the platform up into out, as terrimap-server
// backup does: a file and its attachments' folder for SQLite, a pg_dump
// archive for PostgreSQL.
func backupPlatform(ctx context.Context, p *platform, out string) (server.BackupSummary, error) {
	if p.kind == postgresKind {
		return backupPostgres(ctx, p.db, out)
	}
	return server.Backup(ctx, p.db, out)
}

// checkBackup opens a backup as a platform (restored into a new database
// for PostgreSQL), checks it, and returns how many versions it holds.
func checkBackup(t *testing.T, kind storageKind, out string, want map[versionRow]bool) int {
	t.Helper()
	db := out
	if kind == postgresKind {
		db = restorePostgres(t, out)
	}
	st, err := openStorage(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkPlatform(t, st)
	have := historyOf(t, st)
	for r := range want {
		if !have[r] {
			t.Fatalf("acknowledged version %+v missing from the backup", r)
		}
	}
	feats, err := platformFeatures(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	photos := 0
	for k, f := range feats {
		for _, h := range store.BlobRefs(f.Properties) {
			photos++
			data, err := readBlob(st, h)
			if err != nil || sha(data) != h {
				t.Fatalf("%s: photo %s in the backup: %v", k, h, err)
			}
		}
	}
	if photos == 0 {
		t.Fatal("no photo in the backup to check")
	}
	return len(have)
}

// readBlob reads a complete attachment of a platform.
func readBlob(st server.Storage, hash string) ([]byte, error) {
	f, err := st.Blobs().Open(hash)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
