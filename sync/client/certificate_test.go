package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// A platform served over HTTPS with a certificate this desk does not
// trust (serve --tls-cert with a self-signed one) is told as such, at once:
// not «unreachable, keep working offline» after the retries, which sends
// the IT looking at the network. With its authority trusted, it is a
// platform like any other.
func TestUntrustedCertificate(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()

	if err := Identify(context.Background(), srv.URL, nil); !errors.Is(err, ErrCertificate) || errors.Is(err, ErrUnreachable) {
		t.Errorf("Identify = %v, want ErrCertificate", err)
	}
	if err := Identify(context.Background(), srv.URL, srv.Client()); err != nil {
		t.Errorf("Identify with the authority trusted = %v", err)
	}
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	cl, err := New(ws, srv.URL, Options{Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	conns.Store(0)
	_, err = cl.Login(context.Background(), "tournus", "devinette")
	if !errors.Is(err, ErrCertificate) || errors.Is(err, ErrUnreachable) {
		t.Errorf("Login = %v, want ErrCertificate", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for one sign-in: a refused certificate is not tried again", n)
	}
}
