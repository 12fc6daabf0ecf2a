package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"terrimap/sync/protocol"
)

func TestIdentify(t *testing.T) {
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer platform.Close()
	website := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>Bienvenue à la mairie</html>"))
	}))
	defer website.Close()
	future := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderProtocol, "99")
	}))
	defer future.Close()
	// An address where nothing listens: a port taken then freed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name, url string
		want      error
	}{
		{"platform", platform.URL, nil},
		{"web site", website.URL, ErrNotPlatform},
		{"other version", future.URL, protocol.ErrProtocolVersion},
		{"nothing listens", dead, ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Identify(context.Background(), tc.url, nil)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Identify = %v, want %v", err, tc.want)
			}
		})
	}
}
