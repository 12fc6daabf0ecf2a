package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// A throttled sign-in is answered to the user at once: the client waits
// out a short Retry-After by itself, never a long one.
func TestLongRetryAfterNotWaited(t *testing.T) {
	for _, c := range []struct {
		retryAfter string
		requests   int32
	}{
		{"1", 2},   // waited out, then tried again
		{"600", 1}, // ten minutes: back to the user
	} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
			if requests.Add(1) > 1 {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set(protocol.HeaderRetryAfter, c.retryAfter)
			w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
			w.WriteHeader(http.StatusTooManyRequests)
			protocol.Encode(w, protocol.ErrorResponse{Code: protocol.CodeRateLimited, Message: "Trop d'essais de connexion manqués : réessayez plus tard."})
		}))
		ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := New(ws, srv.URL, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.Login(context.Background(), "tournus", "devinette")
		var apiErr *protocol.APIError
		if !errors.As(err, &apiErr) || requests.Load() != c.requests {
			t.Errorf("Retry-After %s: %d requests, %v; want %d", c.retryAfter, requests.Load(), err, c.requests)
		} else if c.requests == 1 && (apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Message == "") {
			t.Errorf("Retry-After %s: %+v, want the platform's 429 and message", c.retryAfter, apiErr)
		}
		ws.Close()
		srv.Close()
	}
}
