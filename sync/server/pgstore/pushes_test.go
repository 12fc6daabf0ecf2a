package pgstore

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// answer is a stored result with some of every kind of field.
func answer(changeID string) protocol.PushResult {
	return protocol.PushResult{ChangeID: changeID, Status: protocol.StatusConflict, Version: 3, Seq: 41,
		Code: protocol.CodeFieldConflict, Message: "Conflit sur « débit »", ConflictFields: []string{"debit", "etat"}}
}

// Answers are kept per user, seen within their transaction, and only when
// it commits.
func TestPushResultsArePerUser(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		err := st.Write(ctx, func(tx server.WriteTx) error {
			if _, found, err := tx.PushResult("tournus", "c1"); err != nil || found {
				t.Errorf("before any answer: found %v, %v", found, err)
			}
			if err := tx.SavePushResult("tournus", "c1", answer("c1")); err != nil {
				return err
			}
			r, found, err := tx.PushResult("tournus", "c1")
			if err != nil || !found || !reflect.DeepEqual(r, answer("c1")) {
				t.Errorf("within the transaction: %+v %v %v", r, found, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		abandoned := errors.New("abandoned")
		err = st.Write(ctx, func(tx server.WriteTx) error {
			if err := tx.SavePushResult("tournus", "c2", answer("c2")); err != nil {
				return err
			}
			return abandoned
		})
		if !errors.Is(err, abandoned) {
			t.Fatalf("abandoned transaction: %v", err)
		}
		for _, c := range []struct {
			user, change string
			found        bool
		}{
			{"tournus", "c1", true},
			{"uchizy", "c1", false},  // another user's change id never answers
			{"tournus", "c2", false}, // rolled back
		} {
			err := st.Write(ctx, func(tx server.WriteTx) error {
				r, found, err := tx.PushResult(c.user, c.change)
				if err != nil {
					return err
				}
				if found != c.found || found && !reflect.DeepEqual(r, answer(c.change)) {
					t.Errorf("%s's %s: %+v, found %v; want found %v", c.user, c.change, r, found, c.found)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// readAhead lets tx read a push's answers at once, where it can (as push.go
// does).
func readAhead(tx server.WriteTx, user string, changeIDs ...string) error {
	ra, ok := tx.(interface {
		ReadAhead(string, []protocol.PushChange) error
	})
	if !ok {
		return nil
	}
	changes := make([]protocol.PushChange, len(changeIDs))
	for i, id := range changeIDs {
		changes[i] = protocol.PushChange{ChangeID: id, Layer: "hydrants", ID: id, Op: protocol.OpCreate}
	}
	return ra.ReadAhead(user, changes)
}

// A push read ahead gets the same answers: stored ones, none for new
// changes, and a change sent twice in one push answered once.
func TestPushResultsReadAhead(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		save := func(user string, ids ...string) {
			t.Helper()
			err := st.Write(ctx, func(tx server.WriteTx) error {
				for _, id := range ids {
					if err := tx.SavePushResult(user, id, answer(id)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		save("tournus", "c1", "c2")
		save("uchizy", "c3")
		var got []string
		err := st.Write(ctx, func(tx server.WriteTx) error {
			ids := []string{"c1", "c3", "c4", "c4", "c2"}
			if err := readAhead(tx, "tournus", ids...); err != nil {
				return err
			}
			for _, id := range ids {
				r, found, err := tx.PushResult("tournus", id)
				if err != nil {
					return err
				}
				if !found {
					got = append(got, id+":new")
					if err := tx.SavePushResult("tournus", id, answer(id)); err != nil {
						return err
					}
					continue
				}
				if !reflect.DeepEqual(r, answer(id)) {
					t.Errorf("answer to %s: %+v", id, r)
				}
				got = append(got, id+":answered")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"c1:answered", "c3:new", "c4:new", "c4:answered", "c2:answered"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("answers: %v, want %v", got, want)
		}
		err = st.Write(ctx, func(tx server.WriteTx) error {
			if err := readAhead(tx, "tournus", "c3", "c4"); err != nil {
				return err
			}
			for _, id := range []string{"c3", "c4"} {
				if _, found, err := tx.PushResult("tournus", id); err != nil || !found {
					t.Errorf("%s after the push: found %v, %v", id, found, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// The same change sent through two servers at once: the second waits for
// the first's transaction and gets its answer, instead of applying it
// again (or failing on the duplicate).
func TestChangeThroughTwoServersIsAnsweredOnce(t *testing.T) {
	for _, ahead := range []bool{false, true} {
		t.Run(map[bool]string{false: "one by one", true: "read ahead"}[ahead], func(t *testing.T) {
			ctx := context.Background()
			first := openTestStorage(t)
			second, err := Open(ctx, first.pool.Config().ConnString(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer second.Close()

			checked := make(chan struct{})
			secondDone := make(chan error, 1)
			var got protocol.PushResult
			var found bool
			go func() {
				<-checked
				secondDone <- second.Write(ctx, func(tx server.WriteTx) error {
					if ahead {
						if err := readAhead(tx, "tournus", "c1"); err != nil {
							return err
						}
					}
					var err error
					got, found, err = tx.PushResult("tournus", "c1")
					if err == nil && !found {
						err = tx.SavePushResult("tournus", "c1", answer("applied again"))
					}
					return err
				})
			}()
			err = first.Write(ctx, func(tx server.WriteTx) error {
				if ahead {
					if err := readAhead(tx, "tournus", "c1"); err != nil {
						return err
					}
				}
				if _, found, err := tx.PushResult("tournus", "c1"); err != nil || found {
					t.Fatalf("first server: found %v, %v", found, err)
				}
				close(checked)
				waitForLockWaiter(t, first)
				return tx.SavePushResult("tournus", "c1", answer("c1"))
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := <-secondDone; err != nil {
				t.Fatalf("second server: %v", err)
			}
			if !found || !reflect.DeepEqual(got, answer("c1")) {
				t.Errorf("second server's answer: %+v, found %v; want the first's", got, found)
			}
		})
	}
}

// waitForLockWaiter returns once a session waits for an advisory lock; it
// fails the test when none does within half a minute (the lock is missing).
func waitForLockWaiter(t *testing.T, st *Storage) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		var n int
		err := st.pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&n)
		if ctx.Err() != nil {
			t.Fatal("the second server never waited for the first's answer")
		}
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
}
