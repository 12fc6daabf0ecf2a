package server

import (
	"context"
	"io"
	"os"
	"time"

	"terrimap/sync/protocol"
)

// BlobBackend holds the bytes of a BlobStore's attachments: the complete
// blobs and the part of each unfinished upload. The BlobStore keeps the
// rules (per-user limits, the per-blob lock, the size cap, when to verify
// and when to sweep) once for every backend; a backend only stores, and
// checks the few things that must hold even across servers sharing it
// (AppendPart's offset).
//
// Two backends exist: a folder of files (NewBlobStore, the SQLite
// platform's FILE.blobs) and PostgreSQL tables (package pgstore).
type BlobBackend interface {
	// Stat says how much of a blob is held: Complete with its size, the
	// size of its unfinished part, or zero.
	Stat(ctx context.Context, hash string) (protocol.BlobStatus, error)
	// Spool creates a temporary file a request's body is read into, with
	// no lock held; the BlobStore removes it once used.
	Spool(hash string) (*os.File, error)
	// AppendPart adds the spooled file (n bytes, sent by user) at offset
	// to the blob's part, which must hold exactly offset bytes
	// (ErrBadRange otherwise: another upload went first). The spool may be
	// moved away.
	AppendPart(ctx context.Context, user, hash string, offset int64, spool string, n int64) error
	// PutWhole stores a complete blob, already checked against its hash,
	// from the spooled file (n bytes); the spool may be moved away.
	PutWhole(ctx context.Context, hash, spool string, n int64) error
	// Seal checks the whole part against hash and makes it the complete
	// blob; a part that does not match is removed (ErrHashMismatch).
	Seal(ctx context.Context, hash string) error
	// DropPart removes the blob's unfinished part, if any.
	DropPart(ctx context.Context, hash string) error
	// Open returns the complete blob to read; ErrNotFound when absent.
	Open(ctx context.Context, hash string) (io.ReadCloser, error)
	// StaleParts lists the blobs whose unfinished part made no progress
	// after before.
	StaleParts(ctx context.Context, before time.Time) ([]string, error)
	// DropStalePart removes a blob's part if it still made no progress
	// after before, and says whether it did.
	DropStalePart(ctx context.Context, hash string, before time.Time) (bool, error)
}
