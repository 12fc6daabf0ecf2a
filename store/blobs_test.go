package store

import (
	"context"
	"slices"
	"testing"
)

// A photo attached here waits to be sent; one fetched from the platform
// is held as already there, and neither is stored twice.
func TestBlobsAttachedAndFetched(t *testing.T) {
	ws := newWorkspace(t)
	ctx := context.Background()
	var mine string
	err := ws.Edit(ctx, func(tx *Tx) error {
		var err error
		mine, err = tx.PutBlob("poteau.jpg", []byte("photo prise ici"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := ws.KeepRemoteBlob(ctx, "regard.jpg", []byte("photo venue de la plateforme"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		hash     string
		uploaded bool
	}{{mine, false}, {theirs, true}} {
		held, uploaded, err := ws.HasBlob(ctx, c.hash)
		if err != nil || !held || uploaded != c.uploaded {
			t.Errorf("%s: held %v uploaded %v (%v), want held, uploaded %v", c.hash, held, uploaded, err, c.uploaded)
		}
	}
	if pending, err := ws.PendingBlobs(ctx); err != nil || !slices.Equal(pending, []string{mine}) {
		t.Errorf("pending %v %v, want only the photo attached here", pending, err)
	}
	// Fetching a photo this desk holds unsent marks it sent, keeping one copy.
	if h, err := ws.KeepRemoteBlob(ctx, "poteau.jpg", []byte("photo prise ici")); err != nil || h != mine {
		t.Fatalf("fetched again: %s %v", h, err)
	}
	if pending, _ := ws.PendingBlobs(ctx); len(pending) != 0 {
		t.Errorf("pending after fetch: %v", pending)
	}
	data, name, err := ws.Blob(ctx, mine)
	if err != nil || string(data) != "photo prise ici" || name != "poteau.jpg" {
		t.Errorf("blob %q %q %v", data, name, err)
	}
}
