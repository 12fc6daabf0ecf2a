package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// Attachments live in the database, so that one backup holds all:
// terrimap.blob_parts holds an unfinished upload as rows of at most
// blobChunk bytes at their offsets (each append adds rows, updated_at is
// its progress, owner who sent it); terrimap.blobs holds a complete blob,
// made in one statement from its parts once their concatenation hashes to
// its name (sha256, computed by PostgreSQL, the parts never leave it). A
// blob that came whole in one request (the usual photo), already checked
// by the BlobStore as it arrived, is inserted at once (PutWhole). A blob
// is served in slices of blobChunk bytes (substring of the value),
// never read whole into the server's memory.
//
// server.BlobStore keeps the rules (limits, lock, size cap); this backend
// takes, besides, an advisory lock per blob in each of its transactions,
// so that servers sharing the database append, seal and sweep a blob one
// at a time, and checks the offset of each append in its transaction.

// blobChunk is the size of a part's row and of a slice read when serving.
const blobChunk = 1 << 20

// blobLockClass is the first key of the advisory locks on blobs.
const blobLockClass int32 = 0x626c // "bl"

// pgBlobs is the PostgreSQL backend of the platform's BlobStore.
type pgBlobs struct {
	pool *pgxpool.Pool
}

var (
	_ server.BlobBackend = pgBlobs{}
	_ server.PartOwners  = pgBlobs{}
)

// openBlobs opens the attachments' store of the database; unfinished
// uploads abandoned for server.BlobLimits.PartTTL are removed.
func openBlobs(pool *pgxpool.Pool) (*server.BlobStore, error) {
	removeOldSpools(time.Now())
	b, err := server.NewBlobStoreOn(pgBlobs{pool: pool})
	if err != nil {
		return nil, fmt.Errorf("pgstore: blobs: %w", err)
	}
	return b, nil
}

// Blobs returns the attachments' store.
func (s *Storage) Blobs() *server.BlobStore { return s.blobs }

// blobStat says how much of a blob q sees.
func blobStat(ctx context.Context, q queryer, hash string) (protocol.BlobStatus, error) {
	var size *int64
	var held int64
	err := q.QueryRow(ctx, `SELECT (SELECT size FROM terrimap.blobs WHERE hash = $1),
		(SELECT coalesce(sum(length(data)), 0) FROM terrimap.blob_parts WHERE hash = $1)`, hash).Scan(&size, &held)
	if err != nil {
		return protocol.BlobStatus{}, fmt.Errorf("pgstore: blob %s: %w", hash, err)
	}
	if size != nil {
		return protocol.BlobStatus{Size: *size, Complete: true}, nil
	}
	return protocol.BlobStatus{Size: held}, nil
}

// lockBlob runs fn in a transaction holding the blob's advisory lock.
func (b pgBlobs) lockBlob(ctx context.Context, hash string, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, blobLockClass, hash); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		return fn(tx)
	})
}

// Stat says how much of a blob the database holds (server.BlobBackend).
func (b pgBlobs) Stat(ctx context.Context, hash string) (protocol.BlobStatus, error) {
	return blobStat(ctx, b.pool, hash)
}

// spoolPattern names the spool files in the system's temporary folder.
const spoolPattern = "terrimap-blob-*.tmp"

// spoolMaxAge is the age past which a spool file is a crash's leftover:
// no request lasts that long (see server.Deadlines). Younger ones may be
// another server's, on the same machine, at work.
const spoolMaxAge = 24 * time.Hour

// removeOldSpools removes the spool files a crash left.
func removeOldSpools(now time.Time) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), spoolPattern))
	for _, f := range old {
		if st, err := os.Stat(f); err == nil && now.Sub(st.ModTime()) > spoolMaxAge {
			os.Remove(f)
		}
	}
}

// Spool creates the body's file in the system's temporary folder.
func (b pgBlobs) Spool(hash string) (*os.File, error) {
	f, err := os.CreateTemp("", strings.Replace(spoolPattern, "*", hash+"-*", 1))
	if err != nil {
		return nil, fmt.Errorf("pgstore: blob %s: %w", hash, err)
	}
	return f, nil
}

// AppendPart copies the spool into rows of the part, in one transaction.
func (b pgBlobs) AppendPart(ctx context.Context, user, hash string, offset int64, spool string, n int64) error {
	f, err := os.Open(spool)
	if err != nil {
		return fmt.Errorf("pgstore: blob %s: %w", hash, err)
	}
	defer f.Close()
	return b.lockBlob(ctx, hash, func(tx pgx.Tx) error {
		st, err := blobStat(ctx, tx, hash)
		if err != nil {
			return err
		}
		if st.Complete || st.Size != offset {
			return server.ErrBadRange
		}
		rows := &spoolRows{r: io.LimitReader(f, n), hash: hash, owner: user, offset: offset, at: time.Now(), buf: make([]byte, blobChunk)}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"terrimap", "blob_parts"},
			[]string{"hash", "offset", "data", "owner", "updated_at"}, rows); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		return nil
	})
}

// spoolRows are a spool's bytes as rows of blob_parts, blobChunk bytes each.
type spoolRows struct {
	r      io.Reader
	hash   string
	owner  string
	offset int64
	at     time.Time
	buf    []byte
	row    []any
	err    error
}

// Next reads the next row: up to blobChunk bytes of the spool.
func (s *spoolRows) Next() bool {
	n, err := io.ReadFull(s.r, s.buf)
	if n == 0 {
		if err != io.EOF {
			s.err = err
		}
		return false
	}
	if err != nil && err != io.ErrUnexpectedEOF {
		s.err = err
		return false
	}
	s.row = []any{s.hash, s.offset, s.buf[:n], s.owner, s.at}
	s.offset += int64(n)
	return true
}

// Values is the row Next read.
func (s *spoolRows) Values() ([]any, error) { return s.row, nil }

// Err is the spool's read error, if any.
func (s *spoolRows) Err() error { return s.err }

// blobWholeInMemory is the largest blob PutWhole sends in one statement,
// read into memory; a larger one goes through parts (never more than
// blobChunk bytes in memory) and Seal.
const blobWholeInMemory = 8 << 20

// PutWhole stores a blob that came whole and verified: one INSERT (the
// common case: a photo sent in one request), or through parts when large.
func (b pgBlobs) PutWhole(ctx context.Context, hash, spool string, n int64) error {
	if n > blobWholeInMemory {
		if err := b.AppendPart(ctx, "", hash, 0, spool, n); err != nil {
			// Another server stored the same blob meanwhile: it is here.
			if st, serr := b.Stat(ctx, hash); errors.Is(err, server.ErrBadRange) && serr == nil && st.Complete {
				return nil
			}
			return err
		}
		return b.Seal(ctx, hash)
	}
	data, err := os.ReadFile(spool)
	if err != nil {
		return fmt.Errorf("pgstore: blob %s: %w", hash, err)
	}
	return b.lockBlob(ctx, hash, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO terrimap.blobs (hash, size, data, created_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (hash) DO NOTHING`, hash, int64(len(data)), data); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM terrimap.blob_parts WHERE hash = $1`, hash); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		return nil
	})
}

// Seal makes the blob from its parts if they hash to its name, in one
// statement, and removes the parts either way.
func (b pgBlobs) Seal(ctx context.Context, hash string) error {
	matched := false
	err := b.lockBlob(ctx, hash, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM terrimap.blobs WHERE hash = $1)`, hash).Scan(&exists); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		matched = exists
		if !exists {
			tag, err := tx.Exec(ctx, `INSERT INTO terrimap.blobs (hash, size, data, created_at)
				SELECT $1, length(w.data), w.data, now()
				FROM (SELECT coalesce(string_agg(data, ''::bytea ORDER BY "offset"), ''::bytea) AS data
					FROM terrimap.blob_parts WHERE hash = $1) w
				WHERE encode(sha256(w.data), 'hex') = $1`, hash)
			if err != nil {
				return fmt.Errorf("pgstore: blob %s: %w", hash, err)
			}
			matched = tag.RowsAffected() == 1
		}
		if _, err := tx.Exec(ctx, `DELETE FROM terrimap.blob_parts WHERE hash = $1`, hash); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !matched {
		return server.ErrHashMismatch
	}
	return nil
}

// DropPart removes the blob's unfinished part, if any.
func (b pgBlobs) DropPart(ctx context.Context, hash string) error {
	return b.lockBlob(ctx, hash, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM terrimap.blob_parts WHERE hash = $1`, hash); err != nil {
			return fmt.Errorf("pgstore: blob %s: %w", hash, err)
		}
		return nil
	})
}

// Open returns a reader of the complete blob, slice by slice.
func (b pgBlobs) Open(ctx context.Context, hash string) (io.ReadCloser, error) {
	st, err := b.Stat(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !st.Complete {
		return nil, fmt.Errorf("%w: blob %s", server.ErrNotFound, hash)
	}
	return &blobReader{ctx: ctx, pool: b.pool, hash: hash, size: st.Size}, nil
}

// blobReader reads a complete blob in slices of blobChunk bytes, one
// query each: no connection is held between two reads. A blob never
// changes once complete.
type blobReader struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	hash   string
	size   int64
	offset int64 // of the first byte of buf
	buf    []byte
}

// Read reads the blob on, one slice of blobChunk bytes per query.
func (r *blobReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.offset >= r.size {
			return 0, io.EOF
		}
		// substring counts from 1.
		err := r.pool.QueryRow(r.ctx, `SELECT substring(data FROM $2 FOR $3) FROM terrimap.blobs WHERE hash = $1`,
			r.hash, r.offset+1, blobChunk).Scan(&r.buf)
		if err != nil {
			return 0, fmt.Errorf("pgstore: read blob %s: %w", r.hash, err)
		}
		if len(r.buf) == 0 {
			return 0, fmt.Errorf("pgstore: read blob %s: %w", r.hash, io.ErrUnexpectedEOF)
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.offset += int64(n)
	return n, nil
}

// Close does nothing: no connection is held between reads.
func (r *blobReader) Close() error { return nil }

// StaleParts lists the parts whose last append is not after before.
func (b pgBlobs) StaleParts(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := b.pool.Query(ctx, `SELECT hash FROM terrimap.blob_parts GROUP BY hash HAVING max(updated_at) <= $1`, before)
	if err != nil {
		return nil, fmt.Errorf("pgstore: sweep blobs: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("pgstore: sweep blobs: %w", err)
	}
	return out, nil
}

// DropStalePart removes a blob's part if it made no progress after
// before, and says whether it did.
func (b pgBlobs) DropStalePart(ctx context.Context, hash string, before time.Time) (bool, error) {
	dropped := false
	err := b.lockBlob(ctx, hash, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM terrimap.blob_parts WHERE hash = $1
			AND (SELECT max(updated_at) FROM terrimap.blob_parts WHERE hash = $1) <= $2`, hash, before)
		if err != nil {
			return fmt.Errorf("pgstore: sweep blob %s: %w", hash, err)
		}
		dropped = tag.RowsAffected() > 0
		return nil
	})
	return dropped, err
}

// OwnedParts returns the bytes held of each unfinished upload of user: the
// BlobStore counts them in the user's limits whichever server received
// them, and after a restart.
func (b pgBlobs) OwnedParts(ctx context.Context, user string) (map[string]int64, error) {
	rows, err := b.pool.Query(ctx, `SELECT hash, sum(length(data)) FROM terrimap.blob_parts WHERE owner = $1 GROUP BY hash`, user)
	if err != nil {
		return nil, fmt.Errorf("pgstore: unfinished uploads of %s: %w", user, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var hash string
		var n int64
		if err := rows.Scan(&hash, &n); err != nil {
			return nil, fmt.Errorf("pgstore: unfinished uploads of %s: %w", user, err)
		}
		out[hash] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: unfinished uploads of %s: %w", user, err)
	}
	return out, nil
}
