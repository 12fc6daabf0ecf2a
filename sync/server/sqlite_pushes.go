package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// upgradePushes brings the answered pushes of a platform file made before
// they were kept per user (change_id alone was the key: another user's
// change with the same id got the first user's answer and was dropped)
// to the key (user, change_id). Every record is kept, under its user.
func upgradePushes(ctx context.Context, tx *store.Tx) error {
	var userInKey int
	err := tx.SQL().QueryRowContext(ctx, `SELECT pk FROM pragma_table_info('srv_pushes') WHERE name = 'user'`).Scan(&userInKey)
	if err != nil {
		return fmt.Errorf("server: upgrade answered pushes: %w", err)
	}
	if userInKey > 0 {
		return nil
	}
	for _, q := range []string{
		`ALTER TABLE srv_pushes RENAME TO srv_pushes_by_change`,
		pushesTable,
		`INSERT INTO srv_pushes (user, change_id, result, at) SELECT user, change_id, result, at FROM srv_pushes_by_change`,
		`DROP TABLE srv_pushes_by_change`,
	} {
		if _, err := tx.SQL().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("server: upgrade answered pushes: %w", err)
		}
	}
	return nil
}

// pushesTable keeps the answer to every change, by its user and change id.
const pushesTable = `CREATE TABLE IF NOT EXISTS srv_pushes (user TEXT NOT NULL, change_id TEXT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL,
	PRIMARY KEY (user, change_id))`

func (t *sqliteTx) PushResult(user, changeID string) (protocol.PushResult, bool, error) {
	var js string
	err := t.queryRow(`SELECT result FROM srv_pushes WHERE user = ? AND change_id = ?`, user, changeID).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return protocol.PushResult{}, false, nil
	}
	if err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("server: push result %s: %w", changeID, err)
	}
	var r protocol.PushResult
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return protocol.PushResult{}, false, fmt.Errorf("server: push result %s: %w", changeID, err)
	}
	return r, true, nil
}

func (t *sqliteTx) SavePushResult(user, changeID string, r protocol.PushResult) error {
	js, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("server: save push result: %w", err)
	}
	_, err = t.exec(`INSERT INTO srv_pushes (user, change_id, result, at) VALUES (?, ?, ?, ?)`,
		user, changeID, string(js), time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("server: save push result: %w", err)
	}
	return nil
}
