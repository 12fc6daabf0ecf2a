package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBlobNotFound is returned for an attachment the workspace does not hold.
var ErrBlobNotFound = errors.New("store: no such attachment")

// PutBlob stores an attachment (a photo) in the workspace and returns its
// sha256, by which features refer to it. Storing the same bytes twice
// keeps one copy.
func (tx *Tx) PutBlob(name string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if err := tx.ensureOwn(); err != nil {
		return "", err
	}
	_, err := tx.exec(`INSERT OR IGNORE INTO tm_blobs (sha256, data, name, uploaded, created_at) VALUES (?, ?, ?, 0, ?)`,
		hash, data, name, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return "", fmt.Errorf("store: put attachment %s: %w", name, err)
	}
	return hash, nil
}

// KeepRemoteBlob stores an attachment fetched from the platform, marked
// as held there (never sent back), and returns its sha256.
func (ws *Workspace) KeepRemoteBlob(ctx context.Context, name string, data []byte) (string, error) {
	var hash string
	err := ws.Edit(ctx, func(tx *Tx) error {
		var err error
		if hash, err = tx.PutBlob(name, data); err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE tm_blobs SET uploaded = 1 WHERE sha256 = ?`, hash)
		return err
	})
	return hash, err
}

// Blob returns an attachment's bytes and name.
func (ws *Workspace) Blob(ctx context.Context, hash string) ([]byte, string, error) {
	var data []byte
	var name sql.NullString
	err := ws.db.QueryRowContext(ctx, `SELECT data, name FROM tm_blobs WHERE sha256 = ?`, hash).Scan(&data, &name)
	if errors.Is(err, sql.ErrNoRows) || isNoSuchTable(err) {
		return nil, "", fmt.Errorf("%w: %s", ErrBlobNotFound, hash)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: attachment %s: %w", hash, err)
	}
	return data, name.String, nil
}

// HasBlob reports whether the workspace holds an attachment, and whether
// the platform has acknowledged it.
func (ws *Workspace) HasBlob(ctx context.Context, hash string) (held, uploaded bool, err error) {
	err = ws.db.QueryRowContext(ctx, `SELECT uploaded FROM tm_blobs WHERE sha256 = ?`, hash).Scan(&uploaded)
	if errors.Is(err, sql.ErrNoRows) || isNoSuchTable(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("store: attachment %s: %w", hash, err)
	}
	return true, uploaded, nil
}

// PendingBlobs lists the attachments not yet on the platform.
func (ws *Workspace) PendingBlobs(ctx context.Context) ([]string, error) {
	rows, err := ws.db.QueryContext(ctx, `SELECT sha256 FROM tm_blobs WHERE uploaded = 0 ORDER BY created_at`)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: pending attachments: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// MarkBlobUploaded records that the platform holds an attachment.
func (ws *Workspace) MarkBlobUploaded(ctx context.Context, hash string) error {
	return ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE tm_blobs SET uploaded = 1 WHERE sha256 = ?`, hash)
		return err
	})
}

// BlobRefs returns the attachment hashes a property map refers to: text
// values made of sha256 hashes separated by commas, spaces or semicolons
// (an intervention's photos).
func BlobRefs(props map[string]any) []string {
	var out []string
	for _, v := range props {
		s, ok := v.(string)
		if !ok || len(s) < 64 {
			continue
		}
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			if isHex64(part) {
				out = append(out, part)
			}
		}
	}
	return out
}
