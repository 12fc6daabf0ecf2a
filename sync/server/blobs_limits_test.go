package server

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"terrimap/sync/protocol"
)

// cutUpload sends the first n bytes of body as an upload of it (from offset
// 0) and hangs up its sending side: the line that drops mid-photo. It
// returns the platform's answer.
func (f *platformFixture) cutUpload(t *testing.T, user string, body []byte, n int) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: terrimap\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n",
		protocol.BlobPath(protocol.BlobHash(body)), protocol.Authorization(f.tokens[user]), len(body))
	conn.Write(body[:n])
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0 // nothing written: fine for a client that left
	}
	resp.Body.Close()
	return resp.StatusCode
}

// putBlob uploads data[offset:] of a blob of len(data) bytes and returns the
// HTTP status.
func (f *platformFixture) putBlob(user string, data []byte, offset int64) int {
	f.t.Helper()
	hash := protocol.BlobHash(data)
	req, _ := http.NewRequest(http.MethodPut, f.http.URL+protocol.BlobPath(hash), bytes.NewReader(data[offset:]))
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	size := int64(len(data))
	req.Header.Set(protocol.HeaderContentRange, protocol.FormatContentRange(offset, size-offset, size))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func photo(i, n int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, n) }

// A line that drops mid-photo is the client's fault: a 4xx (or nothing),
// no server error in the log, and what arrived is kept for the resumption.
func TestCutUploadIsNoServerError(t *testing.T) {
	f := newPlatformFixture(t)
	var logs bytes.Buffer
	f.srv.opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	data := photo(0, 1000)
	if code := f.cutUpload(t, "agent", data, 10); code >= 500 || (code != 0 && code < 400) {
		t.Fatalf("cut upload: HTTP %d", code)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a cut upload logged as a server error:\n%s", logs.String())
	}
	if st := f.st.Blobs().Status(protocol.BlobHash(data)); st.Size != 10 || st.Complete {
		t.Fatalf("kept after the cut: %+v", st)
	}
	if code := f.putBlob("agent", data, 10); code != http.StatusOK || !f.st.Blobs().Complete(protocol.BlobHash(data)) {
		t.Fatalf("resumed upload: HTTP %d", code)
	}
}

// One user's unfinished uploads are bounded in number (429) and in bytes
// (413), with a French reason; other users are not held by them, and a
// finished upload frees its place.
func TestPendingUploadsAreBounded(t *testing.T) {
	f := newPlatformFixture(t)
	f.st.Blobs().SetLimits(BlobLimits{MaxPendingParts: 2, MaxPendingBytes: 5000})
	first, second, third := photo(1, 1000), photo(2, 1000), photo(3, 1000)
	f.cutUpload(t, "agent", first, 10)
	f.cutUpload(t, "agent", second, 10)
	var refusal protocol.ErrorResponse
	code := f.doRaw("agent", third, &refusal)
	if code != http.StatusTooManyRequests || !strings.Contains(refusal.Message, "inachevés") {
		t.Fatalf("third unfinished upload: HTTP %d %+v", code, refusal)
	}
	if code := f.putBlob("tournus", third, 0); code != http.StatusOK {
		t.Fatalf("another user's upload: HTTP %d", code)
	}
	if code := f.putBlob("agent", first, 10); code != http.StatusOK {
		t.Fatalf("finishing an upload: HTTP %d", code)
	}
	big := photo(4, 5000) // with the 10 bytes of the unfinished one: over 5,000
	if code := f.doRaw("agent", big, &refusal); code != http.StatusRequestEntityTooLarge || !strings.Contains(refusal.Message, "place") {
		t.Fatalf("an upload beyond the bytes allowed: HTTP %d %+v", code, refusal)
	}
	if code := f.putBlob("agent", photo(5, 1000), 0); code != http.StatusOK {
		t.Fatalf("an upload within the limits: HTTP %d", code)
	}
}

// doRaw uploads data whole as user and decodes an error answer into out.
func (f *platformFixture) doRaw(user string, data []byte, out *protocol.ErrorResponse) int {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, f.http.URL+protocol.BlobPath(protocol.BlobHash(data)), bytes.NewReader(data))
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		*out, _ = protocol.DecodeErrorResponse(resp.Body, 1<<16)
	}
	return resp.StatusCode
}

// An upload abandoned for longer than PartTTL is removed when the store
// opens and by the periodic sweep of later uploads; a recent one stays.
func TestAbandonedUploadsExpire(t *testing.T) {
	f := newPlatformFixture(t)
	blobs := f.st.Blobs()
	old, recent, later := photo(6, 1000), photo(7, 1000), photo(8, 1000)
	f.cutUpload(t, "agent", old, 10)
	f.cutUpload(t, "agent", recent, 10)
	age := func(data []byte) {
		part := filepath.Join(blobs.Dir(), protocol.BlobHash(data)+".part")
		past := time.Now().Add(-49 * time.Hour)
		if err := os.Chtimes(part, past, past); err != nil {
			t.Fatal(err)
		}
	}
	age(old)
	reopened, err := NewBlobStore(blobs.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if st := reopened.Status(protocol.BlobHash(old)); st.Size != 0 {
		t.Errorf("an upload abandoned 49 hours ago survived the start: %+v", st)
	}
	if st := reopened.Status(protocol.BlobHash(recent)); st.Size != 10 {
		t.Errorf("a recent unfinished upload was removed at the start: %+v", st)
	}
	f.cutUpload(t, "agent", later, 10)
	age(later)
	blobs.SetLimits(BlobLimits{SweepEvery: time.Nanosecond})
	if code := f.putBlob("tournus", photo(9, 100), 0); code != http.StatusOK {
		t.Fatalf("upload: HTTP %d", code)
	}
	if st := blobs.Status(protocol.BlobHash(later)); st.Size != 0 {
		t.Errorf("an abandoned upload survived the periodic sweep: %+v", st)
	}
	if st := blobs.Status(protocol.BlobHash(recent)); st.Size != 10 {
		t.Errorf("a recent unfinished upload was swept: %+v", st)
	}
}
