package app

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

const testPassword = "mot de passe sûr"

// testPlatform runs a real platform (server over a SQLite file, on httptest)
// with the hydrant layer and an agent of the intercommunality.
func testPlatform(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: hydrantLayer()}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "CCMT"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"agent", "agent2"} {
		if err := server.AddUser(ctx, st, name, testPassword, protocol.OrgCCMT, protocol.RoleEditor); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(server.New(st, server.Options{}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// syncedWorkspace is a workspace signed in to the platform and synced once.
func syncedWorkspace(t *testing.T, url, user string) (*store.Workspace, *client.Client) {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), user+".gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c, err := client.New(ws, url, client.Options{Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ws, c
}

// syncAndWait runs the panel's sync as the button does and waits for it.
func syncAndWait(t *testing.T, p *syncPanel, done chan struct{}) {
	t.Helper()
	test.Tap(p.syncButton)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sync did not finish")
	}
	// reload runs in the background too; wait for its result.
	for i := 0; i < 200 && p.state.running; i++ {
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSyncPanelResolvesAConflictPerField(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	url := testPlatform(t)
	ws, c := syncedWorkspace(t, url, "agent")
	other, oc := syncedWorkspace(t, url, "agent2")
	ctx := context.Background()

	var id string
	ws.Edit(ctx, func(tx *store.Tx) error {
		f, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "T-01", "type_pei": "PI", "debit": 60}})
		id = f.UUID
		return err
	})
	w := test.NewWindow(nil)
	defer w.Close()
	done := make(chan struct{}, 4)
	p := newSyncPanel(w, ws, c, func() { done <- struct{}{} })
	w.SetContent(p.build())
	p.reload()
	syncAndWait(t, p, done)
	if _, err := oc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The platform changes debit and numero; here too, differently.
	other.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Update("pei", id, store.Change{Properties: map[string]any{"debit": 90, "numero": "T-01 (plateforme)"}})
		return err
	})
	if _, err := oc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Update("pei", id, store.Change{Properties: map[string]any{"debit": 120, "numero": "T-01 (terrain)"}})
		return err
	})
	syncAndWait(t, p, done)
	waitFor(t, func() bool { return len(p.state.conflictList) == 1 })
	if !strings.Contains(p.summary.Text, "1 conflit") {
		t.Errorf("summary: %q", p.summary.Text)
	}
	cd := p.showConflict(p.state.conflictList[0])
	if len(cd.radios) != 2 {
		t.Fatalf("radios for %v", cd.radios)
	}
	cd.radios["numero"].SetSelected("La leur")
	test.Tap(cd.choose)
	<-done
	syncAndWait(t, p, done)
	if _, err := oc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ := other.Get(ctx, "pei", id)
	if f.Properties["debit"] != 120.0 || f.Properties["numero"] != "T-01 (plateforme)" {
		t.Errorf("after choosing per field, the platform has %v", f.Properties)
	}
	waitFor(t, func() bool { return len(p.state.conflictList) == 0 })
}

func TestSyncPanelSaysWhenThePlatformIsUnreachable(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	url := testPlatform(t)
	ws, _ := syncedWorkspace(t, url, "agent")
	c, err := client.New(ws, "http://127.0.0.1:1", client.Options{Retries: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	done := make(chan struct{}, 2)
	p := newSyncPanel(w, ws, c, func() { done <- struct{}{} })
	w.SetContent(p.build())
	syncAndWait(t, p, done)
	overlay := w.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no message shown")
	}
	if !strings.Contains(test.RenderObjectToMarkup(overlay), "hors ligne") {
		t.Errorf("message: %s", test.RenderObjectToMarkup(overlay))
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in 5 s")
}
