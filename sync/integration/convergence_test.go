package integration

import (
	"context"
	"math/rand/v2"
	"testing"
)

// Desks edit the same features offline at random — creations, field
// updates, moves, deletions, some outside the Tournus editor's commune —
// and sync in a random order, resolving conflicts and fixing or dropping
// refused changes as they come. Once every desk has settled, each holds
// exactly what the platform holds, and every local edit is accounted for.
func TestRandomEditsConverge(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		t.Parallel()
		seed := testSeed(t)
		rng := rand.New(rand.NewPCG(seed, 1))
		p := newPlatform(t, kind)
		lg := newLedger()
		admin := p.adminWithSharedFeatures(lg, rng, 12)

		users := []string{"agent", "tournus", "admin", "agent"}
		desks := []*desk{p.newDesk(users[0]), p.newDesk(users[1]), admin, p.newDesk(users[3])}
		const steps = 200
		ops := randomSteps(t, lg, p.st, desks, users, rng, steps)
		rounds, resolved, retriedN, dropped := settleAll(t, lg, p.st, desks, users, rng)

		want, err := platformFeatures(context.Background(), p.st)
		if err != nil {
			t.Fatal(err)
		}
		fresh := p.newDesk("elu")
		got, err := featuresOf(context.Background(), fresh.ws)
		if err != nil {
			t.Fatal(err)
		}
		requireSameFeatures(t, "a fresh desk", want, got)
		for i, d := range desks {
			got, err := featuresOf(context.Background(), d.ws)
			if err != nil {
				t.Fatal(err)
			}
			requireSameFeatures(t, "desk "+users[i], want, got)
		}
		counts := lg.check(t, p.st, desks...)
		checkPlatform(t, p.st)
		t.Logf("%d steps %v; settled in %d rounds (%d resolved, %d retried, %d dropped); %d features; journal entries: %v",
			steps, ops, rounds+1, resolved, retriedN, dropped, len(want), counts)
	})
}

// randomSteps has random desks edit, sync, or settle their conflicts and
// refused changes, steps times, and counts what they did. Syncs that give
// up on an unreachable platform are counted, not failed.
func randomSteps(t testing.TB, lg *ledger, st inspector, desks []*desk, users []string, rng *rand.Rand, steps int) map[string]int {
	t.Helper()
	ops := map[string]int{}
	retried := map[string]bool{}
	for step := 0; step < steps; step++ {
		i := rng.IntN(len(desks))
		d := desks[i]
		switch roll := rng.IntN(100); {
		case roll < 70:
			what, err := randomEdit(lg, d, users[i], rng, bothLayers)
			if err != nil {
				t.Fatalf("step %d, desk %d (%s): %s: %v", step, i, users[i], what, err)
			}
			ops[what]++
		case roll < 90:
			_, err := lg.sync(d, st)
			switch {
			case gaveUp(err):
				ops["sync gave up"]++
			case err != nil:
				t.Fatalf("step %d, desk %d (%s): sync: %v", step, i, users[i], err)
			default:
				ops["sync"]++
			}
		default:
			r, rt, dr, err := settle(lg, d, rng, 0, 1<<30, retried)
			if err != nil {
				t.Fatalf("step %d, desk %d (%s): settle: %v", step, i, users[i], err)
			}
			ops["resolve"] += r
			ops["retry"] += rt
			ops["drop"] += dr
		}
	}
	return ops
}
