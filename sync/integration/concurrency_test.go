package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
)

// Ten desks edit the same features at once — 100 edits each — while each
// syncs in the background as it edits, all against one platform. Once
// they have settled their conflicts, nothing is lost, the platform is
// consistent (each feature's versions 1..n, the feed equal to the current
// features) and every desk holds what it holds.
func TestConcurrentDesks(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		t.Parallel()
		seed := testSeed(t)
		rng := rand.New(rand.NewPCG(seed, 7))
		p := newPlatform(t, kind)
		lg := newLedger()
		admin := p.adminWithSharedFeatures(lg, rng, 40)

		const desksN, editsN, burst = 10, 100, 20
		users := make([]string, desksN)
		desks := make([]*desk, desksN)
		for i := range desks {
			users[i] = []string{"agent", "admin", "tournus"}[i%3]
			desks[i] = p.newDesk(users[i])
		}
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			failures []error
			syncs    int
		)
		fail := func(err error) {
			mu.Lock()
			failures = append(failures, err)
			mu.Unlock()
		}
		for i, d := range desks {
			editing := make(chan struct{})
			synced := make(chan struct{}, 1)
			edRng := rand.New(rand.NewPCG(seed, uint64(100+i)))
			wg.Add(2)
			go func() { // the user, who edits in bursts while the sync runs
				defer wg.Done()
				defer close(editing)
				for n := 0; n < editsN; n++ {
					if what, err := randomEdit(lg, d, users[i], edRng, bothLayers); err != nil {
						fail(fmt.Errorf("desk %d (%s), edit %d: %s: %w", i, users[i], n, what, err))
						return
					}
					if n%burst == burst-1 { // pace the bursts by the syncs
						select {
						case <-synced:
						default:
						}
						if _, ok := <-synced; !ok {
							return
						}
					}
				}
			}()
			go func() { // the background sync
				defer wg.Done()
				defer close(synced)
				for done := false; !done; {
					select {
					case <-editing:
						done = true // one last sync after the last edit
					default:
					}
					if _, err := d.c.Sync(context.Background()); err != nil {
						fail(fmt.Errorf("desk %d (%s): sync: %w", i, users[i], err))
						return
					}
					mu.Lock()
					syncs++
					mu.Unlock()
					select {
					case synced <- struct{}{}:
					default:
					}
				}
			}()
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatal(failures)
		}
		all := append([]*desk{admin}, desks...)
		allUsers := append([]string{"admin"}, users...)
		waiting := 0
		for _, d := range all {
			c := d.pending()
			waiting += c["conflict"] + c["rejected"]
		}
		rounds, resolved, retried, dropped := settleAll(t, lg, p.st, all, allUsers, rng)

		ctx := context.Background()
		want, err := platformFeatures(ctx, p.st)
		if err != nil {
			t.Fatal(err)
		}
		fresh := p.newDesk("elu")
		got, err := featuresOf(ctx, fresh.ws)
		if err != nil {
			t.Fatal(err)
		}
		requireSameFeatures(t, "a fresh desk", want, got)
		for i, d := range all {
			got, err := featuresOf(ctx, d.ws)
			if err != nil {
				t.Fatal(err)
			}
			requireSameFeatures(t, fmt.Sprintf("desk %d (%s)", i, allUsers[i]), want, got)
		}
		counts := lg.check(t, p.st, all...)
		checkPlatform(t, p.st)
		t.Logf("%d desks × %d edits, %d background syncs; %d conflicts or refusals waited; settled in %d rounds (%d resolved, %d retried, %d dropped); journal entries %v; %d features",
			desksN, editsN, syncs, waiting, rounds+1, resolved, retried, dropped, counts, len(want))
	})
}

// Desks of Tournus's editor push hydrants with a photo each at the same
// moment, more desks than a database pool holds connections by default:
// each push reads the commune's territory and the photo's arrival while
// it writes, and every one of them is answered.
func TestSimultaneousPushesWithPhotos(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		const desksN = 8
		desks := make([]*desk, desksN)
		for i := range desks {
			desks[i] = p.newDesk("tournus")
			desks[i].edit(func(tx *store.Tx) error {
				h, err := tx.PutBlob(fmt.Sprintf("IMG_%d.jpg", i), photoBytes(uint64(i), 4<<10))
				if err != nil {
					return err
				}
				_, err = tx.Create("pei", store.Feature{Geometry: orb.Point{4.86 + float64(i)/100, 46.55}, Properties: map[string]any{"numero": h}})
				return err
			})
		}
		start := make(chan struct{})
		errs := make([]error, desksN)
		var wg sync.WaitGroup
		for i, d := range desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var sum client.Summary
				sum, errs[i] = d.c.Sync(context.Background())
				if errs[i] == nil && sum.Push.Applied != 1 {
					errs[i] = fmt.Errorf("push %+v", sum.Push)
				}
			}()
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	})
}
