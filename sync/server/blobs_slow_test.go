package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// firstReadBody signals once the handler has started reading a body.
type firstReadBody struct {
	io.ReadCloser
	once    *sync.Once
	reading chan<- struct{}
}

func (b firstReadBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.once.Do(func() { close(b.reading) })
	}
	return n, err
}

// slowUpload opens a raw connection and sends the headers of a 1,000-byte
// attachment upload and 10 bytes of it, then nothing: the rural line that
// stalls. It returns once the platform's handler is reading that body.
func (f *platformFixture) slowUpload(t *testing.T, user string, reading <-chan struct{}) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := bytes.Repeat([]byte("x"), 1000)
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: terrimap\r\nAuthorization: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		protocol.BlobPath(protocol.BlobHash(body)), protocol.Authorization(f.tokens[user]), protocol.ContentTypeBlob, len(body))
	conn.Write(body[:10])
	select {
	case <-reading:
	case <-time.After(30 * time.Second):
		t.Fatal("the platform never read the slow upload's first bytes")
	}
	return conn
}

// One client sends 10 bytes of a 1,000-byte photo and waits; meanwhile ten
// others upload their photos and push the features that show them, each
// within a deadline. None of them waits for the slow one.
func TestSlowUploadBlocksNobody(t *testing.T) {
	f := newPlatformFixture(t)
	reading := make(chan struct{})
	var once sync.Once
	f.http.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			r.Body = firstReadBody{ReadCloser: r.Body, once: &once, reading: reading}
		}
		f.srv.ServeHTTP(w, r)
	})
	slow := f.slowUpload(t, "agent", reading)

	client := &http.Client{Timeout: 30 * time.Second}
	errs := make(chan error, 10)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.uploadAndPush(client, "agent", i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// The slow client's upload is still open: its line comes back and
	// sends the rest; it is answered and its photo complete.
	slow.Write(bytes.Repeat([]byte("x"), 990))
	resp, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !f.st.Blobs().Complete(protocol.BlobHash(bytes.Repeat([]byte("x"), 1000))) {
		t.Fatalf("slow upload: HTTP %d", resp.StatusCode)
	}
}

// uploadAndPush uploads a photo and pushes a hydrant showing it, then reads
// the feed, as a desk's sync does.
func (f *platformFixture) uploadAndPush(client *http.Client, user string, i int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	photo := []byte(fmt.Sprintf("photo %d of a hydrant", i))
	hash := protocol.BlobHash(photo)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, f.http.URL+protocol.BlobPath(hash), bytes.NewReader(photo))
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("upload %d: %w", i, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload %d: HTTP %d", i, resp.StatusCode)
	}
	c := createHydrant(newID(), orb.Point{4.9, 46.55}, map[string]any{"numero": hash})
	c.Attachments = []string{hash}
	body, err := json.Marshal(protocol.PushRequest{ClientID: fmt.Sprint("desk-", i), Changes: []protocol.PushChange{c}})
	if err != nil {
		return err
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, f.http.URL+protocol.PathPush, bytes.NewReader(body))
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	resp, err = client.Do(req)
	if err != nil {
		return fmt.Errorf("push %d: %w", i, err)
	}
	pushed, err := protocol.DecodePushResponse(resp.Body, protocol.MaxPushResponseBytes)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(pushed.Results) != 1 || pushed.Results[0].Status != protocol.StatusApplied {
		return fmt.Errorf("push %d: HTTP %d %+v %v", i, resp.StatusCode, pushed, err)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, f.http.URL+protocol.ChangesPath(0, 100), nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	resp, err = client.Do(req)
	if err != nil {
		return fmt.Errorf("feed %d: %w", i, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("feed %d: HTTP %d", i, resp.StatusCode)
	}
	return nil
}
