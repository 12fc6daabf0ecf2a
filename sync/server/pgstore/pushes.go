package pgstore

import "terrimap/sync/protocol"

// PLACEHOLDER for helper pgaccounts, who owns this file: replace it whole.
// These stubs only let the package build until the real ones land.

// PushResult returns the stored result of a change user already sent.
func (t *writeTx) PushResult(user, changeID string) (protocol.PushResult, bool, error) {
	return protocol.PushResult{}, false, errUnfinished
}

// SavePushResult stores the answer to a user's change, for re-sends.
func (t *writeTx) SavePushResult(user, changeID string, r protocol.PushResult) error {
	return errUnfinished
}
