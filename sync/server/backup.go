package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"terrimap/internal/fileout"
	"terrimap/store"
)

// BackupSummary says what a Backup copied.
type BackupSummary struct {
	// Database is the copy of the database; Bytes its size.
	Database string
	Bytes    int64
	// Blobs is the attachments' folder of the copy (Database + ".blobs");
	// Copied counts the attachments copied, Kept those already there.
	Blobs          string
	Copied, Kept   int
	CopiedBytes    int64
	IntegrityCheck string
}

// Backup copies the platform at dbPath — served and synced or not — to out,
// consistently: the database as one snapshot (SQLite's VACUUM INTO, which
// reads a snapshot while the platform goes on writing), checked (PRAGMA
// integrity_check) before it replaces an earlier backup at out; then the
// attachments into out + ".blobs", the layout OpenSQLite uses, so that the
// copy is itself a platform. Attachments are copied after the snapshot:
// a change is accepted only once its attachments are complete, and
// complete attachments are never removed, so every attachment the copy
// refers to is there. Attachments already in the backup's folder are kept,
// so a nightly backup copies only the day's new photos. Unfinished uploads
// are not copied (the desks still hold those photos).
func Backup(ctx context.Context, dbPath, out string) (BackupSummary, error) {
	sum := BackupSummary{Database: out, Blobs: out + ".blobs"}
	if _, err := os.Stat(dbPath); err != nil {
		return sum, fmt.Errorf("server: backup %s: %w", dbPath, err)
	}
	ws, err := store.Open(dbPath, store.Options{ReadOnly: true})
	if err != nil {
		return sum, fmt.Errorf("server: backup %s: %w", dbPath, err)
	}
	defer ws.Close()
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return sum, fmt.Errorf("server: backup to %s: %w", out, err)
	}
	tmp := out + ".tmp-" + randomSuffix()
	if _, err := ws.DB().ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return sum, fmt.Errorf("server: backup %s: %w", dbPath, err)
	}
	check, err := checkCopy(ctx, tmp)
	sum.IntegrityCheck = check
	if err == nil && check != "ok" {
		err = fmt.Errorf("integrity check of the copy: %s", check)
	}
	if err == nil {
		err = fileout.Sync(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
		return sum, fmt.Errorf("server: backup %s: %w", dbPath, err)
	}
	if st, err := os.Stat(out); err == nil {
		sum.Bytes = st.Size()
	}
	if err := copyBlobs(ctx, dbPath+".blobs", sum.Blobs, &sum); err != nil {
		return sum, fmt.Errorf("server: backup %s: %w", dbPath, err)
	}
	return sum, nil
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// checkCopy runs PRAGMA integrity_check on a copy.
func checkCopy(ctx context.Context, path string) (string, error) {
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer ws.Close()
	return ws.IntegrityCheck(ctx)
}

// copyBlobs copies the complete attachments of src missing from dst.
func copyBlobs(ctx context.Context, src, dst string, sum *BackupSummary) error {
	entries, err := os.ReadDir(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() || !isBlobName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if have, err := os.Stat(filepath.Join(dst, e.Name())); err == nil && have.Size() == info.Size() {
			sum.Kept++
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
		sum.Copied++
		sum.CopiedBytes += info.Size()
	}
	return nil
}

// copyFile copies src to dst whole or not at all.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return fileout.Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
