package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"terrimap/sync/protocol"
)

// userWatch is the fixture's real SQLite storage, noting which request
// user each read of the feed was made for.
type userWatch struct {
	*SQLiteStorage
	mu   sync.Mutex
	seen []string
}

func (w *userWatch) Changes(ctx context.Context, since int64, limit int, layers []string) ([]protocol.Change, int64, bool, error) {
	name, ok := RequestUser(ctx)
	if !ok {
		name = "(none)"
	}
	w.mu.Lock()
	w.seen = append(w.seen, name)
	w.mu.Unlock()
	return w.SQLiteStorage.Changes(ctx, since, limit, layers)
}

// The storage learns whose request it answers: the signed-in user of each
// feed read, and nobody outside a request.
func TestRequestUserReachesStorage(t *testing.T) {
	f := newPlatformFixture(t)
	w := &userWatch{SQLiteStorage: f.st}
	srv := httptest.NewServer(New(w, Options{}))
	t.Cleanup(srv.Close)
	f.http = srv // the fixture's tokens are in the same storage
	for _, user := range []string{"elu", "tournus"} {
		var resp protocol.ChangesResponse
		if code := f.do(user, http.MethodGet, protocol.ChangesPath(0, 100), nil, &resp); code != http.StatusOK {
			t.Fatalf("changes as %s: HTTP %d", user, code)
		}
	}
	if want := []string{"elu", "tournus"}; !slices.Equal(w.seen, want) {
		t.Errorf("feed read for %v, want %v", w.seen, want)
	}
	if name, ok := RequestUser(context.Background()); ok {
		t.Errorf("RequestUser outside a request = %q", name)
	}
	if name, ok := RequestUser(WithRequestUser(context.Background(), "agent")); !ok || name != "agent" {
		t.Errorf("RequestUser(WithRequestUser(agent)) = %q, %v", name, ok)
	}
}
