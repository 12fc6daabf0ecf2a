package integration

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// A desk's own edits come back through the change feed: the sync's summary
// counts them as sent, never as received (the secretary read «1 modification
// envoyée, 1 modification reçue» for her one edit); another user's edits and
// deletions still count as received.
func TestSummaryDoesNotCountOwnEditsAsReceived(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		mine, theirs := p.newDesk("agent"), p.newDesk("admin")
		check := func(step string, d *desk, sent, received, deleted int) {
			t.Helper()
			s := d.sync()
			if s.Push.Sent != sent || s.Pull.Received != received || s.Pull.Deleted != deleted {
				t.Errorf("%s: sent %d, received %d, deleted %d; want %d, %d, %d",
					step, s.Push.Sent, s.Pull.Received, s.Pull.Deleted, sent, received, deleted)
			}
		}
		id := mine.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "S-1"})
		check("her creation", mine, 1, 0, 0)
		mine.update("pei", id, map[string]any{"debit": 60}, nil)
		check("her update", mine, 1, 0, 0)
		check("nothing new", mine, 0, 0, 0)

		check("the other desk gets her two edits as one feature", theirs, 0, 1, 0)
		theirs.update("pei", id, map[string]any{"debit": 90}, nil)
		other := theirs.create("pei", orb.Point{4.91, 46.55}, map[string]any{"numero": "S-2"})
		check("their two edits", theirs, 2, 0, 0)
		check("she receives their two edits", mine, 0, 2, 0)

		mine.edit(func(tx *store.Tx) error { return tx.Delete("pei", other) })
		check("her deletion", mine, 1, 0, 0)
		check("they receive her deletion", theirs, 0, 0, 1)
	})
}
