package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A folder that cannot be read is a failure, not «nothing held»: a push
// would otherwise refuse a change as «photo not arrived» and keep that
// answer for its change id for good. (A file where the folder was stands
// for a disk that fails: os.Stat answers ENOTDIR, not «does not exist».)
func TestFolderBlobsStatFailsWhenUnreadable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform.gpkg.blobs")
	b, err := NewBlobStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.Repeat("ab", 32)
	if st, err := b.Stat(hash); err != nil || st.Complete || st.Size != 0 {
		t.Fatalf("absent blob: %+v, %v; want nothing held, no error", st, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := b.Stat(hash); err == nil {
		t.Errorf("Stat in an unreadable folder: %+v with no error, want an error", st)
	}
	if _, err := b.Open(hash); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Open in an unreadable folder: %v, want an error that is not ErrNotFound", err)
	}
}
