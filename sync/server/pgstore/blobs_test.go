package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// photoBytes returns n bytes that do not compress, as a photo's.
func photoBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint32())
	}
	return out
}

// partRows counts the rows of a blob's unfinished part.
func (p *httpPlatform) partRows(hash string) int {
	p.t.Helper()
	var n int
	if err := p.pg.pool.QueryRow(context.Background(), `SELECT count(*) FROM terrimap.blob_parts WHERE hash = $1`, hash).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n
}

// A photo larger than a part's row is sent in two requests, held in the
// database as rows meanwhile, sealed once whole, and served back byte for
// byte (in slices).
func TestPhotoInTwoPartsIsServedWhole(t *testing.T) {
	p := newHTTPPlatform(t)
	photo := photoBytes(1, 2*blobChunk+blobChunk/2)
	hash := protocol.BlobHash(photo)
	half := int64(blobChunk + blobChunk/5)
	if code, body := p.putBlob("tournus", hash, photo, 0, half); code != http.StatusOK {
		t.Fatalf("first part: HTTP %d %s", code, body)
	}
	if st := p.blobs.Status(hash); st.Size != half || st.Complete {
		t.Fatalf("after the first part: %+v", st)
	}
	if n := p.partRows(hash); n != 2 {
		t.Errorf("the first part is %d rows, want 2 (a row per MiB)", n)
	}
	resp, _ := p.request("elu", http.MethodGet, protocol.BlobPath(hash), nil, nil)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get(protocol.HeaderUploadOffset) != strconv.FormatInt(half, 10) {
		t.Errorf("GET of the unfinished photo: HTTP %d, offset %q", resp.StatusCode, resp.Header.Get(protocol.HeaderUploadOffset))
	}
	code, body := p.putBlob("tournus", hash, photo, half, int64(len(photo)))
	var st protocol.BlobStatus
	if code != http.StatusOK || json.Unmarshal(body, &st) != nil || !st.Complete || st.Size != int64(len(photo)) {
		t.Fatalf("second part: HTTP %d %s", code, body)
	}
	if n := p.partRows(hash); n != 0 {
		t.Errorf("%d rows of the part left once sealed", n)
	}
	resp, got := p.request("elu", http.MethodGet, protocol.BlobPath(hash), nil, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, photo) || resp.ContentLength != int64(len(photo)) {
		t.Errorf("GET: HTTP %d, %d bytes (Content-Length %d), want %d", resp.StatusCode, len(got), resp.ContentLength, len(photo))
	}
	// Sent again whole: nothing to do.
	if code, _ := p.putBlob("agent", hash, photo, 0, int64(len(photo))); code != http.StatusOK {
		t.Errorf("sent again: HTTP %d", code)
	}
}

// A line that drops mid-photo keeps what arrived; the upload resumes from
// there, and a part sent from anywhere else is answered 416 with the
// size held.
func TestCutUploadResumes(t *testing.T) {
	p := newHTTPPlatform(t)
	photo := photoBytes(2, 1000)
	hash := protocol.BlobHash(photo)
	if code := p.cutUpload("agent", photo, 10); code >= 500 || code != 0 && code < 400 {
		t.Fatalf("cut upload: HTTP %d", code)
	}
	if st := p.blobs.Status(hash); st.Size != 10 || st.Complete {
		t.Fatalf("kept after the cut: %+v", st)
	}
	code, body := p.putBlob("agent", hash, photo, 0, int64(len(photo)))
	var st protocol.BlobStatus
	if code != http.StatusRequestedRangeNotSatisfiable || json.Unmarshal(body, &st) != nil || st.Size != 10 {
		t.Errorf("from 0 again: HTTP %d %s, want 416 with size 10", code, body)
	}
	if code, body := p.putBlob("agent", hash, photo, 10, int64(len(photo))); code != http.StatusOK {
		t.Fatalf("resumed: HTTP %d %s", code, body)
	}
	f, err := p.blobs.Open(hash)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, err := io.ReadAll(f); err != nil || !bytes.Equal(got, photo) {
		t.Errorf("the platform holds %d bytes, %v", len(got), err)
	}
}

// Bytes that do not hash to their name are refused (422) and nothing of
// them stays; the right bytes go through afterwards.
func TestHashMismatchLeavesNothing(t *testing.T) {
	p := newHTTPPlatform(t)
	photo := photoBytes(3, 5000)
	hash := protocol.BlobHash(photo)
	forged := bytes.Clone(photo)
	forged[4999] ^= 1
	if code, body := p.putBlob("agent", hash, forged, 0, int64(len(forged))); code != http.StatusUnprocessableEntity {
		t.Fatalf("forged photo: HTTP %d %s, want 422", code, body)
	}
	if st := p.blobs.Status(hash); st != (protocol.BlobStatus{}) || p.partRows(hash) != 0 {
		t.Errorf("left of the forged photo: %+v, %d rows", st, p.partRows(hash))
	}
	if code, _ := p.putBlob("agent", hash, photo, 0, int64(len(photo))); code != http.StatusOK || !p.blobs.Complete(hash) {
		t.Errorf("the right photo: HTTP %d", code)
	}
	// The empty file is a blob too.
	empty := protocol.BlobHash(nil)
	if code, body := p.putBlob("agent", empty, nil, 0, 0); code != http.StatusOK || !p.blobs.Complete(empty) {
		t.Errorf("an empty attachment: HTTP %d %s", code, body)
	}
}

// One user's unfinished uploads are bounded in number (429) and in bytes
// (413); another user is not held by them; a finished upload frees its
// place.
func TestPendingUploadsAreBounded(t *testing.T) {
	p := newHTTPPlatform(t)
	p.blobs.SetLimits(server.BlobLimits{MaxPendingParts: 2, MaxPendingBytes: 5000})
	first, second, third := photoBytes(11, 1000), photoBytes(12, 1000), photoBytes(13, 1000)
	p.cutUpload("agent", first, 10)
	p.cutUpload("agent", second, 10)
	whole := func(user string, data []byte) int {
		code, _ := p.putBlob(user, protocol.BlobHash(data), data, 0, int64(len(data)))
		return code
	}
	if code := whole("agent", third); code != http.StatusTooManyRequests {
		t.Fatalf("third unfinished upload: HTTP %d, want 429", code)
	}
	if code := whole("tournus", third); code != http.StatusOK {
		t.Fatalf("another user's upload: HTTP %d", code)
	}
	if code, _ := p.putBlob("agent", protocol.BlobHash(first), first, 10, 1000); code != http.StatusOK {
		t.Fatalf("finishing an upload: HTTP %d", code)
	}
	if code := whole("agent", photoBytes(14, 5000)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("an upload beyond the bytes allowed: HTTP %d, want 413", code)
	}
	if code := whole("agent", photoBytes(15, 1000)); code != http.StatusOK {
		t.Fatalf("an upload within the limits: HTTP %d", code)
	}
}

// An upload abandoned for longer than PartTTL is removed when the store
// opens (a server starts) and by the periodic sweep; a recent one stays.
func TestAbandonedPartsAreSwept(t *testing.T) {
	ctx := context.Background()
	p := newHTTPPlatform(t)
	old, recent, later := photoBytes(21, 1000), photoBytes(22, 1000), photoBytes(23, 1000)
	for _, data := range [][]byte{old, recent} {
		p.cutUpload("agent", data, 10)
	}
	age := func(data []byte) {
		if _, err := p.pg.pool.Exec(ctx, `UPDATE terrimap.blob_parts SET updated_at = now() - interval '49 hours' WHERE hash = $1`,
			protocol.BlobHash(data)); err != nil {
			t.Fatal(err)
		}
	}
	age(old)
	restarted, err := openBlobs(p.pg.pool)
	if err != nil {
		t.Fatal(err)
	}
	if st := restarted.Status(protocol.BlobHash(old)); st.Size != 0 {
		t.Errorf("an upload abandoned 49 hours ago survived the start: %+v", st)
	}
	if st := restarted.Status(protocol.BlobHash(recent)); st.Size != 10 {
		t.Errorf("a recent unfinished upload was removed at the start: %+v", st)
	}
	p.cutUpload("agent", later, 10)
	age(later)
	p.blobs.SetLimits(server.BlobLimits{SweepEvery: time.Nanosecond})
	if code, _ := p.putBlob("tournus", protocol.BlobHash(photoBytes(24, 100)), photoBytes(24, 100), 0, 100); code != http.StatusOK {
		t.Fatalf("upload: HTTP %d", code)
	}
	if st := p.blobs.Status(protocol.BlobHash(later)); st.Size != 0 {
		t.Errorf("an abandoned upload survived the periodic sweep: %+v", st)
	}
	if st := p.blobs.Status(protocol.BlobHash(recent)); st.Size != 10 {
		t.Errorf("a recent unfinished upload was swept: %+v", st)
	}
}

// Two servers on one database share an upload: what one received, the
// other resumes; a part that no longer starts where the copy ends is
// refused by the database's own check, whichever server sends it.
func TestTwoServersShareAnUpload(t *testing.T) {
	ctx := context.Background()
	st := openTestStorage(t)
	one, err := openBlobs(st.pool)
	if err != nil {
		t.Fatal(err)
	}
	two, err := openBlobs(st.pool)
	if err != nil {
		t.Fatal(err)
	}
	photo := photoBytes(31, 3000)
	hash := protocol.BlobHash(photo)
	size := int64(len(photo))
	if got, err := one.Append("agent", hash, 0, size, 1000, bytes.NewReader(photo[:1000])); err != nil || got.Size != 1000 {
		t.Fatalf("first server: %+v, %v", got, err)
	}
	if got, err := two.Append("agent", hash, 0, size, size, bytes.NewReader(photo)); !errors.Is(err, server.ErrBadRange) || got.Size != 1000 {
		t.Errorf("second server from 0: %+v, %v; want ErrBadRange at 1000", got, err)
	}
	// The backend checks the offset in its own transaction too.
	spool, err := os.CreateTemp(t.TempDir(), "spool")
	if err != nil {
		t.Fatal(err)
	}
	spool.Write(photo[:500])
	spool.Close()
	if err := (pgBlobs{pool: st.pool}).AppendPart(ctx, "agent", hash, 500, spool.Name(), 500); !errors.Is(err, server.ErrBadRange) {
		t.Errorf("a part at 500 of a copy of 1000: %v", err)
	}
	if got, err := two.Append("agent", hash, 1000, size, size-1000, bytes.NewReader(photo[1000:])); err != nil || !got.Complete {
		t.Fatalf("second server resumes: %+v, %v", got, err)
	}
	if !one.Complete(hash) {
		t.Error("the first server does not see the photo complete")
	}
}

// A user's unfinished uploads count in their limits whichever server
// received them, and after a restart.
func TestPendingLimitsHoldAcrossServers(t *testing.T) {
	st := openTestStorage(t)
	stores := make([]*server.BlobStore, 3) // two servers, and the first restarted
	for i := range stores {
		b, err := openBlobs(st.pool)
		if err != nil {
			t.Fatal(err)
		}
		b.SetLimits(server.BlobLimits{MaxPendingParts: 2, MaxPendingBytes: 2500})
		stores[i] = b
	}
	begin := func(b *server.BlobStore, user string, data []byte) error {
		_, err := b.Append(user, protocol.BlobHash(data), 0, int64(len(data)), 10, bytes.NewReader(data[:10]))
		return err
	}
	if err := begin(stores[0], "agent", photoBytes(41, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := begin(stores[1], "agent", photoBytes(42, 1000)); err != nil {
		t.Fatal(err)
	}
	for i, b := range stores {
		if err := begin(b, "agent", photoBytes(43, 1000)); !errors.Is(err, server.ErrTooManyPending) {
			t.Errorf("a third unfinished upload on store %d: %v, want ErrTooManyPending", i, err)
		}
	}
	if err := begin(stores[2], "tournus", photoBytes(43, 1000)); err != nil {
		t.Errorf("another user's upload: %v", err)
	}
	// Bytes: the 10 held by another server count with what this upload
	// announces.
	big := photoBytes(44, 2600)
	if _, err := stores[0].Append("tournus", protocol.BlobHash(big), 0, 2600, 2491, bytes.NewReader(big[:2491])); !errors.Is(err, server.ErrPendingTooLarge) {
		t.Errorf("an upload beyond the bytes allowed: %v, want ErrPendingTooLarge", err)
	}
}

// A photo sent whole in one request is stored in one go; one larger than
// what is sent in one statement goes through parts, and both are served
// whole.
func TestWholePhotosOfEverySize(t *testing.T) {
	p := newHTTPPlatform(t)
	for _, n := range []int{1, blobChunk + 1, blobWholeInMemory + blobChunk/2} {
		photo := photoBytes(uint64(50+n), n)
		hash := protocol.BlobHash(photo)
		if code, body := p.putBlob("agent", hash, photo, 0, int64(n)); code != http.StatusOK {
			t.Fatalf("%d bytes: HTTP %d %s", n, code, body)
		}
		if rows := p.partRows(hash); rows != 0 {
			t.Errorf("%d bytes: %d rows of a part left", n, rows)
		}
		resp, got := p.request("elu", http.MethodGet, protocol.BlobPath(hash), nil, nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, photo) {
			t.Errorf("%d bytes: GET answers HTTP %d with %d bytes", n, resp.StatusCode, len(got))
		}
	}
}

// The spool files a crash left are removed when a server starts; a recent
// one (another server's at work) stays.
func TestOldSpoolsAreRemoved(t *testing.T) {
	st := openTestStorage(t)
	t.Setenv("TMPDIR", t.TempDir())
	spool := func() string {
		f, err := (pgBlobs{pool: st.pool}).Spool(protocol.BlobHash([]byte("photo")))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		return f.Name()
	}
	old, recent := spool(), spool()
	past := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := openBlobs(st.pool); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("a spool left 25 hours ago: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent spool: %v", err)
	}
}
