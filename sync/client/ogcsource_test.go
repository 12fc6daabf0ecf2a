package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// quirkyOGC is an OGC API – Features server with the habits real ones have:
// numbers sent as strings, next links that drop the query, ids that are
// not UUIDs, no numberMatched.
func quirkyOGC(t *testing.T, features int) (*httptest.Server, *[]string) {
	var requests []string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ogc/collections", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"collections":[{"id":"hydrants","title":"Poteaux incendie (SDIS)"},{"id":"other","title":"Autre"}]}`)
	})
	mux.HandleFunc("GET /ogc/collections/hydrants/items", func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.RawQuery)
		q := r.URL.Query()
		if q.Get("bbox") == "" {
			t.Errorf("a page was asked without the bbox: %s", r.URL)
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		var items []string
		for i := offset; i < features && i < offset+7; i++ {
			items = append(items, fmt.Sprintf(`{"type":"Feature","id":"PEI.%d","geometry":{"type":"Point","coordinates":[4.9%d,46.5]},
				"properties":{"debit":"%d","commune":"Tournus","numero":%d}}`, i, i%10, 30+i, i))
		}
		next := ""
		if offset+7 < features {
			// The next link drops bbox and limit.
			next = fmt.Sprintf(`,{"rel":"next","href":"items?offset=%d"}`, offset+7)
		}
		fmt.Fprintf(w, `{"type":"FeatureCollection","features":[%s],"links":[{"rel":"self","href":"items"}%s]}`, strings.Join(items, ","), next)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &requests
}

func TestOGCSourceAddAndRefresh(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	srv, requests := quirkyOGC(t, 20)
	sc := NewSourceClient(ws, srv.Client())
	bbox := orb.Bound{Min: orb.Point{4.8, 46.4}, Max: orb.Point{5.0, 46.6}}
	layers, err := sc.Add(ctx, srv.URL+"/ogc", "hydrants", &bbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || len(*requests) != 3 {
		t.Fatalf("layers %v after %d requests", layers, len(*requests))
	}
	l, _ := ws.Layer(layers[0])
	if !l.ReadOnly() || l.Schema.Title != "Poteaux incendie (SDIS)" {
		t.Errorf("layer %+v", l.Schema)
	}
	fs, _ := ws.Query(ctx, store.Query{Layer: layers[0]})
	if len(fs) != 20 || fs[0].UUID != "PEI.0" {
		t.Fatalf("%d features, first %+v", len(fs), fs[0])
	}
	// Refresh: the server lost features; the layer follows.
	srv2, _ := quirkyOGC(t, 12)
	src := sc.Sources(ctx)
	if len(src) != 1 {
		t.Fatalf("sources %+v", src)
	}
	sc2 := NewSourceClient(ws, srv2.Client())
	src[0].URL = srv2.URL + "/ogc"
	if err := sc2.refresh(ctx, src[0], "", ""); err != nil {
		t.Fatal(err)
	}
	fs, _ = ws.Query(ctx, store.Query{Layer: layers[0]})
	if len(fs) != 12 {
		t.Errorf("after refresh: %d features", len(fs))
	}
	if _, err := sc.Add(ctx, srv.URL+"/ogc", "nope", nil); err == nil {
		t.Errorf("unknown collection accepted")
	}
}

// TestOGCSourceFallsBackToFJSON: a server that refuses the media type asked
// (HTTP 406) is asked again with ?f=json.
func TestOGCSourceFallsBackToFJSON(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ogc/collections", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("f") != "json" {
			http.Error(w, "Unsupported Content-Type", http.StatusNotAcceptable)
			return
		}
		fmt.Fprint(w, `{"collections":[{"id":"pei","title":"PEI"}]}`)
	})
	mux.HandleFunc("GET /ogc/collections/pei/items", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != acceptGeoJSON && r.URL.Query().Get("f") != "json" {
			http.Error(w, "Unsupported Content-Type", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[4.9,46.5]},"properties":{}}]}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	layers, err := NewSourceClient(ws, srv.Client()).Add(context.Background(), srv.URL+"/ogc", "pei", nil)
	if err != nil || len(layers) != 1 {
		t.Fatalf("%v %v", layers, err)
	}
}
