package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// testPassword is the password of the test platforms' users.
const testPassword = testplatform.Password

// testPlatform runs a real platform (server over a SQLite file, on httptest)
// with the hydrant layer and an agent of the intercommunality.
func testPlatform(t *testing.T) string {
	t.Helper()
	_, url := testPlatformStorage(t)
	return url
}

// testPlatformStorage is testPlatform with its storage, for a test that
// changes the platform while desks use it.
func testPlatformStorage(t *testing.T) (*server.SQLiteStorage, string) {
	t.Helper()
	ctx := context.Background()
	st := testplatform.Storage(t)
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: hydrantLayer()}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "CCMT"}); err != nil {
		t.Fatal(err)
	}
	editor := protocol.Membership{Org: protocol.OrgCCMT, Role: protocol.RoleEditor}
	testplatform.AddUsers(t, st, map[string]protocol.Membership{"agent": editor, "agent2": editor})
	return st, testplatform.Serve(t, st)
}

// uiQueue stands for the UI goroutine in tests: the panel's background work
// posts its updates there, and the test goroutine runs them, as Fyne's
// event loop would.
type uiQueue chan func()

func (q uiQueue) do(f func()) { q <- f }

// runUntil runs the posted updates until cond holds.
func (q uiQueue) runUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatal("the panel did not settle in 30 s")
		}
	}
}

func newTestPanel(t *testing.T, ws *store.Workspace, c *client.Client) (*syncPanel, uiQueue) {
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	q := make(uiQueue, 64)
	p := newSyncPanel(w, ws, c, nil)
	p.do = q.do
	w.SetContent(p.build())
	w.Resize(fyne.NewSize(800, 600)) // messages read on one line
	p.reload()
	q.runUntil(t, p.idle)
	return p, q
}

// syncAndWait runs the panel's sync as the button does and waits for it.
func syncAndWait(t *testing.T, p *syncPanel, q uiQueue) {
	t.Helper()
	test.Tap(p.syncButton)
	q.runUntil(t, p.idle)
}

func TestSyncPanelResolvesAConflictPerField(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	url := testPlatform(t)
	ws, c := testplatform.Desk(t, url, "agent")
	other, oc := testplatform.Desk(t, url, "agent2")
	ctx := context.Background()

	var id string
	ws.Edit(ctx, func(tx *store.Tx) error {
		f, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "T-01", "type_pei": "PI", "debit": 60}})
		id = f.UUID
		return err
	})
	p, q := newTestPanel(t, ws, c)
	syncAndWait(t, p, q)
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
	syncAndWait(t, p, q)
	if len(p.state.conflictList) != 1 {
		t.Fatalf("conflicts: %+v", p.state.conflictList)
	}
	if !strings.Contains(p.summary.Text, "1 conflit") {
		t.Errorf("summary: %q", p.summary.Text)
	}
	mine, deleted := p.loadMine(p.state.conflictList[0])
	cd := p.showConflict(p.state.conflictList[0], mine, deleted, nil)
	if len(cd.radios) != 2 {
		t.Fatalf("radios for %v", cd.radios)
	}
	cd.radios["numero"].SetSelected("La leur")
	test.Tap(cd.choose)
	q.runUntil(t, p.idle)
	syncAndWait(t, p, q)
	if _, err := oc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ := other.Get(ctx, "pei", id)
	if f.Properties["debit"] != 120.0 || f.Properties["numero"] != "T-01 (plateforme)" {
		t.Errorf("after choosing per field, the platform has %v", f.Properties)
	}
	if len(p.state.conflictList) != 0 {
		t.Errorf("conflicts left: %+v", p.state.conflictList)
	}
}

func TestSyncPanelSaysWhenThePlatformIsUnreachable(t *testing.T) {
	test.NewTempApp(t)
	useLocale(t, "fr_FR.UTF-8")
	url := testPlatform(t)
	ws, _ := testplatform.Desk(t, url, "agent")
	if got := syncMessageVia(t, ws, "http://127.0.0.1:1"); !strings.Contains(got, "hors ligne") {
		t.Errorf("message: %s", got)
	}
}
