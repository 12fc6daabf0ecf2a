package server

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server/basemap"
	"terrimap/sync/server/demo"
)

// tournusZ14 is the tile of zoom 14 over the centre of Tournus.
var tournusZ14 = maptile.At(orb.Point{4.9085, 46.5640}, 14)

// withCommunes adds the real communes of the CCMT to the fixture's
// platform, as the demo does.
func withCommunes(t *testing.T, f *platformFixture) {
	t.Helper()
	ctx := context.Background()
	var communes LayerRecord
	for _, l := range demo.Layers() {
		if l.Name == demo.LayerCommunes {
			communes = LayerRecord{Schema: l, EditBy: EditByAdmins}
		}
	}
	if err := f.st.PutLayer(ctx, communes); err != nil {
		t.Fatal(err)
	}
	cs, err := demo.Communes()
	if err != nil {
		t.Fatal(err)
	}
	var feats []store.RemoteFeature
	for i, c := range cs {
		feats = append(feats, store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Geometry: c.Territory,
			Properties: map[string]any{"insee": c.INSEE, "nom_officiel": c.Name}})
	}
	if err := f.st.SeedFeatures(ctx, demo.LayerCommunes, "test", feats); err != nil {
		t.Fatal(err)
	}
}

// getTile asks for a tile path as user (none when empty).
func (f *platformFixture) getTile(user, path string, header ...string) (*http.Response, []byte) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+path, nil)
	if user != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func tilePath(style string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.png", style, t.Z, t.X, t.Y)
}

// drawn counts the pixels of a tile that are not the plain ground.
func drawn(t *testing.T, data []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the tile is not a PNG: %v", err)
	}
	if img.Bounds() != image.Rect(0, 0, 256, 256) {
		t.Fatalf("the tile is %v, want 256×256", img.Bounds())
	}
	ground := basemap.Ground()
	n := 0
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if uint8(r>>8) != ground.R || uint8(g>>8) != ground.G || uint8(b>>8) != ground.B {
				n++
			}
		}
	}
	return n
}

func TestTilePlan(t *testing.T) {
	f := newPlatformFixture(t)
	withCommunes(t, f)
	resp, body := f.getTile("elu", tilePath("plan", tournusZ14))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET plan tile: %d %s", resp.StatusCode, body)
	}
	if ct, cc := resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"); ct != "image/png" || cc != "private, max-age=300" {
		t.Errorf("Content-Type %q, Cache-Control %q", ct, cc)
	}
	// Tournus's boundary and name are drawn.
	if n := drawn(t, body); n < 300 {
		t.Errorf("the tile over Tournus has %d drawn pixels: it looks blank", n)
	}
	// Far from the territory, the plain ground.
	_, sea := f.getTile("elu", tilePath("plan", maptile.At(orb.Point{-30, 40}, 14)))
	if n := drawn(t, sea); n != 0 {
		t.Errorf("a tile in the Atlantic has %d drawn pixels", n)
	}
	// The whole world at zoom 0 is one tile.
	if resp, body := f.getTile("elu", "/tiles/reseaux/0/0/0.png"); resp.StatusCode != http.StatusOK || drawn(t, body) == 0 {
		t.Errorf("GET reseaux/0/0/0: %d", resp.StatusCode)
	}
	// The same tile again: the same bytes and entity tag, or 304 when the
	// client has them.
	again, body2 := f.getTile("elu", tilePath("plan", tournusZ14))
	if !bytes.Equal(body, body2) || again.Header.Get("ETag") != resp.Header.Get("ETag") {
		t.Errorf("the tile changed between two requests")
	}
	if nm, _ := f.getTile("elu", tilePath("plan", tournusZ14), "If-None-Match", resp.Header.Get("ETag")); nm.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", nm.StatusCode)
	}
}

func TestTileErrors(t *testing.T) {
	f := newPlatformFixture(t)
	for _, c := range []struct {
		user, path string
		status     int
	}{
		{"", "/tiles/plan/14/8415/5791.png", http.StatusUnauthorized},
		{"elu", "/tiles/satellite/14/8415/5791.png", http.StatusBadRequest},
		{"elu", "/tiles/plan/21/0/0.png", http.StatusNotFound},
		{"elu", "/tiles/plan/-1/0/0.png", http.StatusNotFound},
		{"elu", "/tiles/plan/2/4/0.png", http.StatusNotFound},
		{"elu", "/tiles/plan/2/0/4.png", http.StatusNotFound},
		{"elu", "/tiles/plan/2/0/-1.png", http.StatusNotFound},
		{"elu", "/tiles/plan/14/8415/5791", http.StatusNotFound},
		{"elu", "/tiles/plan/14/8415/5791.jpg", http.StatusNotFound},
		{"elu", "/tiles/plan/x/0/0.png", http.StatusNotFound},
		{"elu", "/tiles/plan/14/8415.png", http.StatusNotFound},
	} {
		resp, body := f.getTile(c.user, c.path)
		if resp.StatusCode != c.status {
			t.Errorf("GET %s as %q: %d, want %d (%s)", c.path, c.user, resp.StatusCode, c.status, body)
		}
	}
}

// TestTileInvalidation: a push moves the feed, and the tiles are drawn
// again with the new data.
func TestTileInvalidation(t *testing.T) {
	f := newPlatformFixture(t)
	tile := maptile.At(orb.Point{4.9085, 46.5640}, 16)
	before, body := f.getTile("elu", tilePath("plan", tile))
	if before.StatusCode != http.StatusOK || drawn(t, body) != 0 {
		t.Fatalf("before the push: %d, %d pixels drawn", before.StatusCode, drawn(t, body))
	}
	// A pipe across the tile: the plan draws pipes from zoom 15.
	b := tile.Bound()
	pipe := orb.LineString{{b.Min[0], b.Center()[1]}, {b.Max[0], b.Center()[1]}}
	res := f.push("agent", protocol.PushChange{ChangeID: newID(), Layer: "canalaep", ID: newID(), Op: protocol.OpCreate,
		Properties: map[string]any{"materiau": "11", "diametre": 150}, GeometryChanged: true, Geometry: pipe})
	if res[0].Status != protocol.StatusApplied {
		t.Fatalf("push: %+v", res[0])
	}
	after, body := f.getTile("elu", tilePath("plan", tile))
	if after.Header.Get("ETag") == before.Header.Get("ETag") {
		t.Errorf("the entity tag did not change with the data")
	}
	if n := drawn(t, body); n < 256 {
		t.Errorf("after the push the tile has %d drawn pixels: the pipe is missing", n)
	}
}

// TestTileConcurrent asks for every tile of a metatile at once: one
// drawing serves them all.
func TestTileConcurrent(t *testing.T) {
	f := newPlatformFixture(t)
	withCommunes(t, f)
	x0, y0 := int(tournusZ14.X)/basemap.MetaTiles*basemap.MetaTiles, int(tournusZ14.Y)/basemap.MetaTiles*basemap.MetaTiles
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tl := maptile.New(uint32(x0+i%basemap.MetaTiles), uint32(y0+i/basemap.MetaTiles%basemap.MetaTiles), 14)
			req, _ := http.NewRequest(http.MethodGet, f.http.URL+tilePath("plan", tl), nil)
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["elu"]))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Sprintf("%v: %d", tl, resp.StatusCode)
				return
			}
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				errs <- fmt.Sprintf("%v: %v", tl, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
