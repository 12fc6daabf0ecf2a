package pgstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"terrimap/sync/protocol"
)

// A large photo that came whole to two servers at once is stored by the
// first; the second's PutWhole finds it complete and succeeds, as a small
// one does (ON CONFLICT DO NOTHING), instead of answering «bad range».
func TestLargeWholeBlobStoredTwiceSucceeds(t *testing.T) {
	ctx := context.Background()
	st := openTestStorage(t)
	b := pgBlobs{pool: st.pool}
	photo := photoBytes(77, blobWholeInMemory+blobChunk/2)
	hash := protocol.BlobHash(photo)
	spool := filepath.Join(t.TempDir(), "spool")
	if err := os.WriteFile(spool, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := b.PutWhole(ctx, hash, spool, int64(len(photo))); err != nil {
			t.Fatalf("PutWhole #%d: %v", i+1, err)
		}
	}
	got, err := b.Stat(ctx, hash)
	if err != nil || !got.Complete || got.Size != int64(len(photo)) {
		t.Errorf("after two PutWhole: %+v, %v", got, err)
	}
}
