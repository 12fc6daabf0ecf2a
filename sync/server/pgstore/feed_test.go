package pgstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// feedReader reads the feed as a desk does, from its cursor.
type feedReader struct {
	st     *Storage
	cursor int64
	seen   []int64
}

// poll reads every page after the cursor and returns the sequence
// numbers it got.
func (r *feedReader) poll(t *testing.T) []int64 {
	t.Helper()
	var got []int64
	for {
		page, next, more, err := r.st.Changes(context.Background(), r.cursor, 50, []string{"hydrants"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			got = append(got, c.Seq)
		}
		r.cursor = next
		if !more {
			r.seen = append(r.seen, got...)
			return got
		}
	}
}

// waitForFeedWaiter returns once a session of the test's database waits
// for a lock (the feed_clock row); it fails the test when none does
// within half a minute.
func waitForFeedWaiter(t *testing.T, st *Storage) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		var n int
		err := st.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		if ctx.Err() != nil {
			t.Fatal("the second writer never waited for the first")
		}
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
}

func newFeedStorage(t *testing.T) *Storage {
	t.Helper()
	st := openTestStorage(t)
	if err := st.PutLayer(context.Background(), server.LayerRecord{Schema: hydrants()}); err != nil {
		t.Fatal(err)
	}
	return st
}

// The outbox bug: a writer takes number N and stays open; a second writer
// must not commit N+1 before it, or a reader would move past N and never
// see it.
func TestFeedNeverSkipsAVersionCommittedLate(t *testing.T) {
	st := newFeedStorage(t)
	ctx := context.Background()
	took, release := make(chan int64), make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		errs <- st.Write(ctx, func(tx server.WriteTx) error {
			seq, err := tx.WriteVersion("hydrants", testID(1), hydrant(1, 1), protocol.OpCreate, "slow", nil)
			if err != nil {
				return err
			}
			took <- seq
			<-release
			return nil
		})
	}()
	n := <-took
	r := &feedReader{st: st}
	if got := r.poll(t); len(got) != 0 || r.cursor >= n {
		t.Fatalf("while N=%d is uncommitted, the reader got %v and its cursor %d", n, got, r.cursor)
	}
	go func() {
		errs <- st.Write(ctx, func(tx server.WriteTx) error {
			_, err := tx.WriteVersion("hydrants", testID(2), hydrant(2, 1), protocol.OpCreate, "fast", nil)
			return err
		})
	}()
	waitForFeedWaiter(t, st)
	if got := r.poll(t); len(got) != 0 || r.cursor >= n {
		t.Fatalf("with a second writer waiting, the reader got %v and its cursor %d (N=%d)", got, r.cursor, n)
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := r.poll(t); !slices.Equal(got, []int64{n, n + 1}) {
		t.Fatalf("after both commits the reader got %v, want [%d %d]", got, n, n+1)
	}
}

// Many writers and a reader polling all along: every committed version is
// read exactly once, in increasing order, and none that rolled back.
func TestFeedReadsEveryCommittedVersionOnce(t *testing.T) {
	st := newFeedStorage(t)
	ctx := context.Background()
	const writers, txs = 6, 20
	var mu sync.Mutex
	var committed []int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range txs {
				var seqs []int64
				rollback := i%7 == 3
				err := st.Write(ctx, func(tx server.WriteTx) error {
					for k := range 1 + (w+i)%3 {
						id := testID(10000*(w+1) + 10*i + k)
						seq, err := tx.WriteVersion("hydrants", id, hydrant(k, 1), protocol.OpCreate, fmt.Sprint("w", w), nil)
						if err != nil {
							return err
						}
						seqs = append(seqs, seq)
					}
					if rollback {
						return errRolledBack
					}
					return nil
				})
				if rollback && err == nil || !rollback && err != nil {
					t.Errorf("writer %d tx %d: %v", w, i, err)
					return
				}
				if !rollback {
					mu.Lock()
					committed = append(committed, seqs...)
					mu.Unlock()
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	r := &feedReader{st: st}
	for polling := true; polling; {
		select {
		case <-done:
			polling = false
		default:
		}
		r.poll(t)
	}
	r.poll(t)
	slices.Sort(committed)
	if !slices.IsSorted(r.seen) || len(slices.Compact(slices.Clone(r.seen))) != len(r.seen) {
		t.Fatalf("the reader saw %v: not once each in increasing order", r.seen)
	}
	if !slices.Equal(r.seen, committed) {
		t.Fatalf("the reader saw %d versions, %d were committed:\n%v\n%v", len(r.seen), len(committed), r.seen, committed)
	}
}

// errRolledBack makes a test transaction roll back.
var errRolledBack = fmt.Errorf("pgstore test: rolled back on purpose")
