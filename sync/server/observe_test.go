package server

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// lockedBuffer is a log destination the test reads while the server writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawRequest sends head and the first n bytes of body on a new connection
// and returns the answer's status, read within 20 s (0: none came).
func (f *platformFixture) rawRequest(t *testing.T, head string, body []byte, n int) int {
	t.Helper()
	code, _ := f.rawAnswer(t, head, body, n)
	return code
}

// rawAnswer is rawRequest, with the answer's body too.
func (f *platformFixture) rawAnswer(t *testing.T, head string, body []byte, n int) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s\r\nHost: terrimap\r\nContent-Length: %d\r\n\r\n", head, len(body))
	conn.Write(body[:n])
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Logf("no answer: %v", err)
		return 0, ""
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// A body that stalls is cut at its deadline — an upload's with a 408 and
// what arrived kept, a JSON call's with a 4xx — instead of holding the
// connection for as long as the client likes.
func TestStalledBodiesMeetTheirDeadline(t *testing.T) {
	f := newPlatformFixture(t)
	f.srv.opts.Deadlines = Deadlines{Base: 300 * time.Millisecond, MinRate: 1 << 30}
	data := photo(0, 1000)
	auth := "Authorization: " + protocol.Authorization(f.tokens["agent"])
	code := f.rawRequest(t, "PUT "+protocol.BlobPath(protocol.BlobHash(data))+" HTTP/1.1\r\n"+auth, data, 10)
	if code != http.StatusRequestTimeout {
		t.Errorf("stalled upload: HTTP %d, want 408", code)
	}
	if st := f.st.Blobs().Status(protocol.BlobHash(data)); st.Size != 10 {
		t.Errorf("what arrived of the stalled upload: %+v", st)
	}
	push, _ := json.Marshal(protocol.PushRequest{ClientID: "slow", Changes: []protocol.PushChange{createHydrant(newID(), orb.Point{4.9, 46.55}, nil)}})
	if code := f.rawRequest(t, "POST "+protocol.PathPush+" HTTP/1.1\r\n"+auth, push, 10); code < 400 || code >= 500 {
		t.Errorf("stalled push: HTTP %d, want a 4xx", code)
	}
}

// A push whose client hangs up once it is sent, while the platform waits
// for the database, is rolled back: it must not be answered (nor logged)
// as a success, and the same change sent again is applied then.
func TestPushAbandonedByItsClientIsNoSuccess(t *testing.T) {
	f := newPlatformFixture(t)
	ctx := context.Background()
	arrived, gone, answered := make(chan struct{}), make(chan struct{}), make(chan int, 1)
	f.http.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(`"leaving"`)) {
			f.srv.ServeHTTP(w, r)
			return
		}
		go func() {
			<-r.Context().Done()
			close(gone)
		}()
		close(arrived)
		rec := &countingWriter{ResponseWriter: w}
		f.srv.ServeHTTP(rec, r)
		answered <- cmp.Or(rec.status, http.StatusOK)
	})
	// Another writer holds the database while the push arrives.
	hold, err := f.st.Workspace().DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	if _, err := hold.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	change := createHydrant(newID(), orb.Point{4.9, 46.55}, map[string]any{"numero": "T-99"})
	push, _ := json.Marshal(protocol.PushRequest{ClientID: "leaving", Changes: []protocol.PushChange{change}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: terrimap\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n%s",
		protocol.PathPush, protocol.Authorization(f.tokens["tournus"]), len(push), push)
	<-arrived
	conn.Close()
	<-gone
	if _, err := hold.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if status := <-answered; status < 400 || status >= 500 {
		t.Fatalf("a push rolled back when its client left was answered HTTP %d", status)
	}
	if _, ok, err := f.st.Item(ctx, "pei", change.ID); err != nil || ok {
		t.Fatalf("the abandoned push was written: %v %v", ok, err)
	}
	if r := f.push("tournus", change)[0]; r.Status != protocol.StatusApplied {
		t.Fatalf("the same change sent again: %+v", r)
	}
}

// GET /healthz answers monitoring without a token: 200 and a small JSON
// while the database reads, 503 once it does not.
func TestHealthz(t *testing.T) {
	f := newPlatformFixture(t)
	get := func() (int, Health) {
		resp, err := http.Get(f.http.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h Health
		if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, h
	}
	if code, h := get(); code != http.StatusOK || h.Status != "ok" || h.Database != "ok" || h.Version == "" || h.Protocol != protocol.ProtocolVersion {
		t.Fatalf("healthy: %d %+v", code, h)
	}
	f.st.Close()
	if code, h := get(); code != http.StatusServiceUnavailable || h.Status != "unavailable" {
		t.Fatalf("database closed: %d %+v", code, h)
	}
}

// Every request gets one log line with its id (also sent back), its user,
// method, path, status, size and duration — and no token, password or
// query string.
func TestRequestLog(t *testing.T) {
	f := newPlatformFixture(t)
	var logs lockedBuffer
	f.srv.opts.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+protocol.ChangesPath(0, 100)+"&secret=xyzzy", nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["elu"]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	id := resp.Header.Get(HeaderRequestID)
	if resp.StatusCode != http.StatusOK || len(id) != 16 {
		t.Fatalf("HTTP %d, request id %q", resp.StatusCode, id)
	}
	if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: "elu", Password: "mauvais mot de passe"}, nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: HTTP %d", code)
	}
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" && m["id"] == id {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no request line with id %s in:\n%s", id, logs.String())
	}
	if line["user"] != "elu" || line["method"] != "GET" || line["path"] != protocol.PathChanges ||
		line["status"] != float64(200) || line["bytes"].(float64) <= 0 || line["duration"] == nil {
		t.Errorf("request line: %v", line)
	}
	for _, secret := range []string{f.tokens["elu"], "xyzzy", "mauvais mot de passe", "since="} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs.String())
		}
	}
}
