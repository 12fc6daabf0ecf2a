package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"terrimap/store"
)

func TestReachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no token", http.StatusUnauthorized) // an answer all the same
	}))
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	c, err := New(ws, srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Reachable(context.Background()) {
		t.Fatal("a platform that answers 401 is reachable")
	}
	srv.Close()
	if c.Reachable(context.Background()) {
		t.Fatal("a closed platform is reachable")
	}
}
