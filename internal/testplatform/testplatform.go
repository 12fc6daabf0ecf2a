// Package testplatform runs a real platform for tests — package server
// over a SQLite file, served over HTTP by httptest — and desks synced with
// it, all undone when the test ends.
//
// It only serves tests, as internal/pgtest does: the desktop and the
// platform never import it. The packages it imports (store, sync/client,
// sync/server, sync/server/demo and what they import) cannot use it in
// their own tests.
package testplatform

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// Password is the password of every user AddUsers and Start make.
const Password = "mot de passe sûr"

// Layer is a layer Start publishes: its schema, who edits it, and the
// features it starts with.
type Layer struct {
	Schema   schema.Layer
	EditBy   server.EditRight
	Features []store.RemoteFeature
}

// Start runs a platform with the intercommunality and the demo's 24
// communes (organisations, and the communes layer with their territories,
// edited by administrators), the layers with their features, and the
// users, each with its one membership and Password. It returns the
// platform's URL.
func Start(tb testing.TB, layers []Layer, users map[string]protocol.Membership) string {
	tb.Helper()
	ctx := context.Background()
	st := Storage(tb)
	communes, err := demo.Communes()
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"}); err != nil {
		tb.Fatal(err)
	}
	territories := Layer{EditBy: server.EditByAdmins}
	for _, l := range demo.Layers() {
		if l.Name == demo.LayerCommunes {
			territories.Schema = l
		}
	}
	for _, c := range communes {
		if err := st.PutOrganisation(ctx, server.Organisation{ID: c.INSEE, Name: c.Name, Territory: c.Territory}); err != nil {
			tb.Fatal(err)
		}
		territories.Features = append(territories.Features, store.RemoteFeature{UUID: store.NewID(), Geometry: c.Territory,
			Properties: map[string]any{"insee": c.INSEE, "nom": c.COGName, "nom_officiel": c.Name, "population": int64(c.Population)}})
	}
	for _, l := range append([]Layer{territories}, layers...) {
		if err := st.PutLayer(ctx, server.LayerRecord{Schema: l.Schema, EditBy: l.EditBy}); err != nil {
			tb.Fatal(err)
		}
		if len(l.Features) == 0 {
			continue
		}
		if err := st.SeedFeatures(ctx, l.Schema.Name, "demo", l.Features); err != nil {
			tb.Fatal(err)
		}
	}
	AddUsers(tb, st, users)
	return Serve(tb, st)
}

// Storage opens a new, empty platform database on a SQLite file in tb's
// temp dir, closed when tb ends.
func Storage(tb testing.TB) *server.SQLiteStorage {
	tb.Helper()
	st, err := server.OpenSQLite(filepath.Join(tb.TempDir(), "platform.gpkg"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// AddUsers adds the users to st, each with its one membership and
// Password, hashed at bcrypt's lowest cost: logins stay real and cheap.
func AddUsers(tb testing.TB, st server.Storage, users map[string]protocol.Membership) {
	tb.Helper()
	hash, err := server.HashPasswordCost(Password, 4)
	if err != nil {
		tb.Fatal(err)
	}
	for name, m := range users {
		u := server.User{Name: name, PasswordHash: hash, Memberships: []protocol.Membership{m}}
		if err := st.PutUser(context.Background(), u); err != nil {
			tb.Fatal(err)
		}
	}
}

// Serve serves the platform on st over HTTP until tb ends, its log
// discarded, and returns its URL.
func Serve(tb testing.TB, st server.Storage) string {
	tb.Helper()
	hs := httptest.NewServer(server.New(st, server.Options{Logger: slog.New(slog.DiscardHandler)}))
	tb.Cleanup(hs.Close)
	return hs.URL
}

// Desk is a desk of user signed in with Password to the platform at url
// and synced once: a new workspace in tb's temp dir, closed when tb ends,
// and its client.
func Desk(tb testing.TB, url, user string) (*store.Workspace, *client.Client) {
	tb.Helper()
	ws, err := store.Create(filepath.Join(tb.TempDir(), user+".gpkg"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ws.Close() })
	c, err := client.New(ws, url, client.Options{Backoff: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, Password); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ws, c
}
