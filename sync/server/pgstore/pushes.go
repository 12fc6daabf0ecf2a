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
// retries through another server). The first read of a user's answers in
// a transaction takes an advisory lock on that user's pushes, held until
// commit: a second transaction of the same user waits at the lock, then
// (read committed: its next statement sees what committed meanwhile)
// finds the answer the first stored, and the change is applied once.
//
// A push reads the answers of all its changes at once (readPushesAhead,
// from ReadAhead) and writes its new answers with one COPY before commit:
// two round trips for any number of changes.

// pushLockClass is the first key of the advisory locks on users' pushes
// (the two-key form, whose key space is apart from the one-key form's).
const pushLockClass int32 = 0x7075 // "pu"

// pushKey names a user's change.
type pushKey struct{ user, changeID string }

// pushState is a transaction's answers: read ahead, and to write.
type pushState struct {
	// locked holds the users whose pushes this transaction has locked.
	locked map[string]bool
	// ahead holds the stored answers read ahead; read says which change
	// ids were looked for (with an answer or not).
	ahead map[pushKey][]byte
	read  map[pushKey]bool
	// saved are the answers given in this transaction, written by
	// writePushes; index finds them by change.
	saved []savedPush
	index map[pushKey]int
}

// savedPush is an answer to write when the transaction ends.
type savedPush struct {
	key    pushKey
	result []byte
}

// readPushesAhead locks user's pushes and reads the stored answers to
// changeIDs, in one round trip.
func (t *writeTx) readPushesAhead(user string, changeIDs []string) error {
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, pushLockClass, user)
	b.Queue(`SELECT change_id, result FROM terrimap.pushes WHERE user_name = $1 AND change_id = ANY($2)`, user, changeIDs)
	res := t.tx.SendBatch(t.ctx, b)
	_, err := res.Exec()
	var rows pgx.Rows
	if err == nil {
		rows, err = res.Query()
	}
	p := &t.pushes
	if err == nil {
		if p.ahead == nil {
			p.ahead, p.read = map[pushKey][]byte{}, map[pushKey]bool{}
		}
		var id string
		var js []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &js}, func() error {
			p.ahead[pushKey{user, id}] = js
			return nil
		})
	}
	if err = cmp.Or(err, res.Close()); err != nil {
		return fmt.Errorf("pgstore: read answered pushes: %w", err)
	}
	p.lock(user)
	for _, id := range changeIDs {
		p.read[pushKey{user, id}] = true
	}
	return nil
}

// lock notes that user's pushes are locked.
func (p *pushState) lock(user string) {
	if p.locked == nil {
		p.locked = map[string]bool{}
	}
	p.locked[user] = true
}

// PushResult returns the stored result of a change user already sent.
func (t *writeTx) PushResult(user, changeID string) (protocol.PushResult, bool, error) {
	p := &t.pushes
	k := pushKey{user, changeID}
	if i, ok := p.index[k]; ok {
		return decodePushResult(changeID, p.saved[i].result)
	}
	if p.read[k] {
		if js, ok := p.ahead[k]; ok {
			return decodePushResult(changeID, js)
		}
		return protocol.PushResult{}, false, nil
	}
	b := &pgx.Batch{}
	if !p.locked[user] {
		b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, pushLockClass, user)
	}
	b.Queue(`SELECT result FROM terrimap.pushes WHERE user_name = $1 AND change_id = $2`, user, changeID)
	res := t.tx.SendBatch(t.ctx, b)
	var err error
	if !p.locked[user] {
		_, err = res.Exec()
	}
	var js []byte
	if err == nil {
		err = res.QueryRow().Scan(&js)
	}
	closeErr := res.Close()
	if closeErr == nil {
		p.lock(user)
	}
	if errors.Is(err, pgx.ErrNoRows) && closeErr == nil {
		return protocol.PushResult{}, false, nil
	}
	if err = cmp.Or(err, closeErr); err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("pgstore: push result %s: %w", changeID, err)
	}
	return decodePushResult(changeID, js)
}

func decodePushResult(changeID string, js []byte) (protocol.PushResult, bool, error) {
	var r protocol.PushResult
	if err := json.Unmarshal(js, &r); err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("pgstore: push result %s: %w", changeID, err)
	}
	return r, true, nil
}

// SavePushResult stores the answer to a user's change, for re-sends; the
// transaction's answers are written together when it ends.
func (t *writeTx) SavePushResult(user, changeID string, r protocol.PushResult) error {
	js, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("pgstore: save push result: %w", err)
	}
	p := &t.pushes
	if !p.locked[user] {
		if _, err := t.tx.Exec(t.ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, pushLockClass, user); err != nil {
			return fmt.Errorf("pgstore: save push result: %w", err)
		}
		p.lock(user)
	}
	k := pushKey{user, changeID}
	if _, dup := p.index[k]; dup {
		return fmt.Errorf("pgstore: save push result: change %s of %s answered twice", changeID, user)
	}
	if p.index == nil {
		p.index = map[pushKey]int{}
		t.beforeCommit = append(t.beforeCommit, t.writePushes)
	}
	p.index[k] = len(p.saved)
	p.saved = append(p.saved, savedPush{key: k, result: js})
	return nil
}

// writePushes copies the transaction's answers into terrimap.pushes.
func (t *writeTx) writePushes() error {
	at := time.Now().UTC()
	saved := t.pushes.saved
	_, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"terrimap", "pushes"}, []string{"user_name", "change_id", "result", "at"},
		pgx.CopyFromSlice(len(saved), func(i int) ([]any, error) {
			return []any{saved[i].key.user, saved[i].key.changeID, string(saved[i].result), at}, nil
		}))
	if err != nil {
		return fmt.Errorf("pgstore: save push results: %w", err)
	}
	return nil
}
