package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/server"
)

// historyRow is one committed version of a feature on the platform.
type historyRow struct {
	seq, version int64
	layer, id    string
}

func historyOf(t testing.TB, st *server.SQLiteStorage) map[historyRow]bool {
	t.Helper()
	rows, err := st.Workspace().DB().QueryContext(context.Background(), `SELECT seq, version, layer, uuid FROM srv_history`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[historyRow]bool{}
	for rows.Next() {
		var r historyRow
		if err := rows.Scan(&r.seq, &r.version, &r.layer, &r.id); err != nil {
			t.Fatal(err)
		}
		out[r] = true
	}
	return out
}

// terrimap-server backup, run while ten desks edit (with photos) and sync
// against the platform, makes a copy that passes PRAGMA integrity_check,
// holds every change the platform had acknowledged when it started, is
// itself a consistent platform, and has every photo its features show.
func TestBackupDuringSyncStorm(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
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
	out := filepath.Join(t.TempDir(), "platform.gpkg.bak")
	sum, err := server.Backup(ctx, p.st.Workspace().Path(), out)
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
	copied := checkBackup(t, out, acknowledged)
	t.Logf("backup during the storm: %d versions acknowledged before it, %d in the copy, %d at the end; %+v", len(acknowledged), copied, len(after), sum)

	// The next night's backup replaces it and copies only the new photos.
	again, err := server.Backup(ctx, p.st.Workspace().Path(), out)
	if err != nil {
		t.Fatal(err)
	}
	if again.Kept != sum.Copied+sum.Kept {
		t.Errorf("second backup: %+v after %+v", again, sum)
	}
	if n := checkBackup(t, out, after); n != len(after) {
		t.Errorf("the backup after the storm holds %d versions, the platform %d", n, len(after))
	}
}

// checkBackup opens a backup as a platform, checks it, and returns how many
// versions it holds.
func checkBackup(t *testing.T, path string, want map[historyRow]bool) int {
	t.Helper()
	st, err := server.OpenSQLite(path)
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
	feats, err := featuresOf(context.Background(), st.Workspace())
	if err != nil {
		t.Fatal(err)
	}
	photos := 0
	for k, f := range feats {
		for _, h := range store.BlobRefs(f.Properties) {
			photos++
			data, err := os.ReadFile(filepath.Join(path+".blobs", h))
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
