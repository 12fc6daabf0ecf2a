package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// busyWrites is the fixture's real storage whose writes meet a row held by
// another writer, as PostgreSQL's do while QGIS keeps one locked.
type busyWrites struct{ *SQLiteStorage }

func (b busyWrites) Write(ctx context.Context, fn func(WriteTx) error) error {
	return fmt.Errorf("pgstore: settle pei: %w", ErrBusy)
}

// A push that meets data held elsewhere is answered 503 with a
// Retry-After (the desk waits and retries), not 500, and writes nothing.
func TestBusyStorageAnswers503(t *testing.T) {
	f := newPlatformFixture(t)
	srv := httptest.NewServer(New(busyWrites{f.st}, Options{}))
	t.Cleanup(srv.Close)
	id := newID()
	body, _ := json.Marshal(protocol.PushRequest{ClientID: "desk", Changes: []protocol.PushChange{createHydrant(id, orb.Point{4.9, 46.55}, nil)}})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+protocol.PathPush, bytes.NewReader(body))
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["agent"]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e protocol.ErrorResponse
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get(protocol.HeaderRetryAfter) != busyRetryAfter || e.Code != protocol.CodeUnavailable {
		t.Errorf("push on a busy storage: HTTP %d, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get(protocol.HeaderRetryAfter), e)
	}
	if st, err := f.st.Feature(context.Background(), "pei", id); err != nil || st.Version != 0 {
		t.Errorf("the busy push wrote %+v (%v)", st, err)
	}
}
