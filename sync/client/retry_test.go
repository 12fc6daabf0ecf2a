package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

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

// A platform that keeps answering with server errors is told apart from
// one that cannot be reached: the user learns it answers, and whom to
// tell; the last answer comes with the error.
func TestFailingPlatformIsNotUnreachable(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
		w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
		w.WriteHeader(http.StatusInternalServerError)
		protocol.Encode(w, protocol.ErrorResponse{Code: "internal", Message: "Erreur interne de la plateforme."})
	}))
	defer failing.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	for _, c := range []struct {
		name, url      string
		want, wantNot  error
		wantStatusCode int
	}{
		{"answers 500", failing.URL, ErrPlatformFailing, ErrUnreachable, http.StatusInternalServerError},
		{"nothing listens", downURL, ErrUnreachable, ErrPlatformFailing, 0},
	} {
		ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := New(ws, c.url, Options{Retries: 2, Backoff: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.Login(context.Background(), "tournus", "devinette")
		if !errors.Is(err, c.want) || errors.Is(err, c.wantNot) {
			t.Errorf("%s: %v, want %v and not %v", c.name, err, c.want, c.wantNot)
		}
		apiErr, ok := errors.AsType[*protocol.APIError](err)
		if c.wantStatusCode != 0 && (!ok || apiErr.StatusCode != c.wantStatusCode) {
			t.Errorf("%s: %v, want the platform's last answer (HTTP %d) wrapped", c.name, err, c.wantStatusCode)
		}
		ws.Close()
	}
}
