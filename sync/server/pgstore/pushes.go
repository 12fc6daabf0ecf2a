package pgstore

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
)

// Answered pushes live in terrimap.pushes, by (user_name, change_id): a
// change id is its user's own, another user's never answers it.
//
// Several servers may receive the same change at once (a desk that
// retries through another server). PushResult first takes an advisory
// lock on the user's pushes, held until commit, then reads: a second
// transaction of the same user waits at the lock, then (read committed:
// its next statement sees what committed meanwhile) finds the answer the
// first stored, and the change is applied once.

// pushLockClass is the first key of the advisory locks on users' pushes
// (the two-key form, whose key space is apart from the one-key form's).
const pushLockClass int32 = 0x7075 // "pu"

// PushResult returns the stored result of a change user already sent.
func (t *writeTx) PushResult(user, changeID string) (protocol.PushResult, bool, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, pushLockClass, user)
	b.Queue(`SELECT result FROM terrimap.pushes WHERE user_name = $1 AND change_id = $2`, user, changeID)
	res := t.tx.SendBatch(t.ctx, b)
	_, err := res.Exec()
	var js []byte
	if err == nil {
		err = res.QueryRow().Scan(&js)
	}
	closeErr := res.Close()
	if errors.Is(err, pgx.ErrNoRows) && closeErr == nil {
		return protocol.PushResult{}, false, nil
	}
	if err = cmp.Or(err, closeErr); err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("pgstore: push result %s: %w", changeID, err)
	}
	var r protocol.PushResult
	if err := json.Unmarshal(js, &r); err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("pgstore: push result %s: %w", changeID, err)
	}
	return r, true, nil
}

// SavePushResult stores the answer to a user's change, for re-sends.
func (t *writeTx) SavePushResult(user, changeID string, r protocol.PushResult) error {
	js, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("pgstore: save push result: %w", err)
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO terrimap.pushes (user_name, change_id, result, at) VALUES ($1, $2, $3, $4)`,
		user, changeID, string(js), time.Now().UTC())
	if err != nil {
		return fmt.Errorf("pgstore: save push result: %w", err)
	}
	return nil
}
