package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"terrimap/sync/protocol"
)

// folderBlobs keeps attachments as files named by their sha256, in a
// folder: NAME.part while an upload is under way, NAME once complete and
// verified, NAME.*.tmp for a body being received.
type folderBlobs struct {
	dir string
}

var _ BlobBackend = folderBlobs{}

// openFolderBlobs opens (creating) the folder dir and removes the
// temporary files a crash left.
func openFolderBlobs(dir string) (folderBlobs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return folderBlobs{}, fmt.Errorf("server: blobs %s: %w", dir, err)
	}
	tmps, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if err != nil {
		return folderBlobs{}, fmt.Errorf("server: blobs %s: %w", dir, err)
	}
	for _, t := range tmps {
		os.Remove(t)
	}
	return folderBlobs{dir: dir}, nil
}

func (b folderBlobs) path(hash string) string { return filepath.Join(b.dir, hash) }

func (b folderBlobs) part(hash string) string { return b.path(hash) + ".part" }

// Stat says how much of a blob the folder holds: the file, else its part.
// Only «does not exist» means nothing held; any other failure of the disk
// is an error.
func (b folderBlobs) Stat(_ context.Context, hash string) (protocol.BlobStatus, error) {
	st, err := os.Stat(b.path(hash))
	if err == nil {
		return protocol.BlobStatus{Size: st.Size(), Complete: true}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return protocol.BlobStatus{}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	st, err = os.Stat(b.part(hash))
	if err == nil {
		return protocol.BlobStatus{Size: st.Size()}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return protocol.BlobStatus{}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return protocol.BlobStatus{}, nil
}

// Spool creates the body's file in the folder, beside the blobs.
func (b folderBlobs) Spool(hash string) (*os.File, error) {
	f, err := os.CreateTemp(b.dir, hash+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return f, nil
}

// AppendPart adds the spool to the part: a rename when it is the first.
func (b folderBlobs) AppendPart(_ context.Context, _, hash string, offset int64, spool string, _ int64) error {
	part := b.part(hash)
	held := int64(0)
	if st, err := os.Stat(part); err == nil {
		held = st.Size()
	}
	if held != offset {
		return ErrBadRange
	}
	if offset == 0 {
		if err := os.Rename(spool, part); err != nil {
			return fmt.Errorf("server: blob %s: %w", hash, err)
		}
		return nil
	}
	src, err := os.Open(spool)
	if err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A part that no longer ends where the client thinks is
		// answered by a 416 with its true size: the client resumes.
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return nil
}

// PutWhole moves the spool into place (and drops an empty part left).
func (b folderBlobs) PutWhole(_ context.Context, hash, spool string, _ int64) error {
	if err := os.Rename(spool, b.path(hash)); err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	os.Remove(b.part(hash))
	return nil
}

// Seal checks the part against hash and renames it into place; a part
// that does not match is removed (ErrHashMismatch).
func (b folderBlobs) Seal(_ context.Context, hash string) error {
	part := b.part(hash)
	sum, err := fileHash(part)
	if err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	if sum != hash {
		os.Remove(part)
		return ErrHashMismatch
	}
	if err := os.Rename(part, b.path(hash)); err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return nil
}

// DropPart removes the blob's part, if any.
func (b folderBlobs) DropPart(_ context.Context, hash string) error {
	if err := os.Remove(b.part(hash)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return nil
}

// Open returns the complete blob's file; ErrNotFound when there is none.
func (b folderBlobs) Open(_ context.Context, hash string) (io.ReadCloser, error) {
	f, err := os.Open(b.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: blob %s", ErrNotFound, hash)
	}
	if err != nil {
		return nil, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return f, nil
}

// StaleParts goes by the parts' modification times.
func (b folderBlobs) StaleParts(_ context.Context, before time.Time) ([]string, error) {
	parts, err := filepath.Glob(filepath.Join(b.dir, "*.part"))
	if err != nil {
		return nil, fmt.Errorf("server: sweep blobs: %w", err)
	}
	var out []string
	for _, part := range parts {
		if st, err := os.Stat(part); err == nil && !st.ModTime().After(before) {
			out = append(out, strings.TrimSuffix(filepath.Base(part), ".part"))
		}
	}
	return out, nil
}

// DropStalePart removes the blob's part if it was not modified after
// before, and says whether it did.
func (b folderBlobs) DropStalePart(_ context.Context, hash string, before time.Time) (bool, error) {
	st, err := os.Stat(b.part(hash))
	if err != nil || st.ModTime().After(before) {
		return false, nil
	}
	if err := os.Remove(b.part(hash)); err != nil {
		return false, fmt.Errorf("server: sweep blob %s: %w", hash, err)
	}
	return true, nil
}

// isBlobName reports whether a file of the folder is a complete blob.
func isBlobName(name string) bool {
	return !strings.Contains(name, ".") && protocol.ValidBlobHash(name)
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
