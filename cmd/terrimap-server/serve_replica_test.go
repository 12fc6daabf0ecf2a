package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/basemap"
)

// startServe runs serve with args on a free port until the test ends and
// returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), outW, &stderr)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	})
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("serve printed nothing; stderr: %s", stderr.String())
	}
	go io.Copy(io.Discard, outR)
	i := strings.Index(lines.Text(), "http://")
	if i < 0 {
		t.Fatalf("serve: %q", lines.Text())
	}
	return strings.Fields(lines.Text()[i:])[0]
}

// getAs sends GET path with a token (none when empty) and returns the
// status and the body.
func getAs(t *testing.T, base, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if token != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// serve --read-replica on a PostgreSQL platform: /healthz shows the
// replica, and the basemap is drawn (from the render copy the server
// keeps, PostgreSQL having no workspace of its own).
func TestServeReadReplicaAndBasemapOnPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	ctx := context.Background()
	onPlatform(t, db, func(st platform) {
		pei := schema.Layer{Name: "pei", Title: "PEI", GeometryType: schema.Point, Fields: []schema.Field{{Name: "numero", Type: schema.Text}}}
		if err := st.PutLayer(ctx, server.LayerRecord{Schema: pei}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "CCMT"}); err != nil {
			t.Fatal(err)
		}
		hash, err := server.HashPasswordCost("mot de passe sûr", 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutUser(ctx, server.User{Name: "admin", PasswordHash: hash,
			Memberships: []protocol.Membership{{Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}}}); err != nil {
			t.Fatal(err)
		}
		var fs []store.RemoteFeature
		for i := range 200 {
			fs = append(fs, store.RemoteFeature{UUID: store.NewID(), Geometry: orb.Point{4.905 + float64(i%20)*0.0005, 46.560 + float64(i/20)*0.0005},
				Properties: map[string]any{"numero": "H"}})
		}
		if err := st.SeedFeatures(ctx, "pei", "seed", fs); err != nil {
			t.Fatal(err)
		}
	})
	base := startServe(t, "--db", db, "--read-replica", pgtest.ReplicaOf(t, db))

	code, body := getAs(t, base, "", "/healthz")
	var h server.Health
	if err := json.Unmarshal(body, &h); err != nil || code != http.StatusOK || h.Replica == nil || h.Replica.Status != "ok" {
		t.Fatalf("/healthz: HTTP %d %s", code, body)
	}
	req, _ := json.Marshal(protocol.TokenRequest{Username: "admin", Password: "mot de passe sûr"})
	resp, err := http.Post(base+protocol.PathToken, protocol.ContentTypeJSON, bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	var tok protocol.TokenResponse
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: HTTP %d %v", resp.StatusCode, err)
	}
	tile := maptile.At(orb.Point{4.91, 46.5625}, 16)
	path := fmt.Sprintf("/tiles/reseaux/16/%d/%d.png", tile.X, tile.Y)
	// The copy is filled in the background once serve listens: a tile
	// asked before it is ready shows what has arrived so far.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		code, body := getAs(t, base, tok.Token, path)
		if code != http.StatusOK {
			t.Fatalf("tile: HTTP %d %s", code, body)
		}
		if drawnPixels(t, body) > 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tile over 200 hydrants is still bare ground after a minute")
		}
	}
}

// A read replica without a PostgreSQL platform is a usage error.
func TestServeReadReplicaNeedsPostgres(t *testing.T) {
	db := filepath.Join(t.TempDir(), "platform.gpkg")
	code, _, errs := runCmd(t, "", "serve", "--db", db, "--addr", "127.0.0.1:0", "--read-replica", "postgres://replica/plateforme")
	if code != 2 || !strings.Contains(errs, "--read-replica") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// drawnPixels counts the pixels of a PNG tile that are not bare ground.
func drawnPixels(t *testing.T, data []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, n := basemap.Ground(), 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gr, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) != g.R || uint8(gr>>8) != g.G || uint8(bl>>8) != g.B {
				n++
			}
		}
	}
	return n
}
