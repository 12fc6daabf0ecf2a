package app

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
)

// The status bar starts with what waits to be sent, shown whole, and none
// of its parts changes width when the cursor enters the map: the panel
// divider above does not jump.
func TestStatusBarOrderAndWidths(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	w.Resize(fyne.NewSize(1366, 768))
	openInShell(t, m, demoWorkspaceFile(t, "status.gpkg"))
	v := m.view
	v.showSyncState(pendingText(1), lastSyncText(time.Time{}, time.Now()))

	w.Content().Refresh() // lay the window out, as showing it does
	d := fyne.CurrentApp().Driver()
	order := []fyne.CanvasObject{v.syncLabel, v.onlineLabel, v.syncDetail, v.coordSystem, v.coords, v.scale}
	for i := 1; i < len(order); i++ {
		if a, b := d.AbsolutePositionForObject(order[i-1]).X, d.AbsolutePositionForObject(order[i]).X; a >= b {
			t.Errorf("status bar part %d (%T) at x=%v is not left of part %d at x=%v", i-1, order[i-1], a, i, b)
		}
	}
	if got, want := v.syncLabel.Text, "1 modification en attente"; got != want {
		t.Fatalf("pending = %q, want %q", got, want)
	}
	whole := fyne.MeasureText(v.syncLabel.Text, v.syncLabel.Theme().Size("text"), v.syncLabel.TextStyle).Width
	if v.syncLabel.Size().Width < whole {
		t.Errorf("the pending count is cut: %v wide for a text of %v", v.syncLabel.Size().Width, whole)
	}

	sizes := func() []fyne.Size {
		var out []fyne.Size
		for _, o := range order {
			out = append(out, o.Size())
		}
		return append(out, v.centre.MinSize(), v.tabs.Size())
	}
	w.Content().Refresh()
	before := sizes()
	for _, ll := range []orb.Point{{4.911234, 46.564321}, {-179.999999, -89.999999}} {
		v.cursorMoved(ll)
		w.Content().Refresh()
		if after := sizes(); !equalSizes(before, after) {
			t.Errorf("cursor at %v: sizes %v, were %v", ll, after, before)
		}
	}
	v.coordSystem.SetSelected("Lambert-93")
	v.cursorMoved(orb.Point{4.911234, 46.564321})
	if after := sizes(); !equalSizes(before, after) {
		t.Errorf("in Lambert-93: sizes %v, were %v", after, before)
	}
	v.setStatus("") // m.status back to Ready
	for _, n := range []int{0, 12, 4321} {
		v.showSyncState(pendingText(n), "")
		if after := sizes(); !equalSizes(before, after) {
			t.Errorf("%d waiting: sizes %v, were %v", n, after, before)
		}
	}
}

func equalSizes(a, b []fyne.Size) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Ctrl+S says «Synchronisation…» at once, before the platform answers;
// afterwards the status bar says what was sent and received.
func TestCtrlSShowsSyncAtOnce(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	url := testPlatform(t)
	ws, _ := testplatform.Desk(t, url, "agent")
	m, q := openDeskInShell(t, ws, false)
	v := m.view

	typeCtrlS(m)
	if got := v.syncDetail.Text; !strings.HasPrefix(got, "Synchronisation…") {
		t.Errorf("right after Ctrl+S the status bar says %q", got)
	}
	sawStage := false
	q.runUntil(t, func() bool {
		sawStage = sawStage || strings.Contains(v.syncDetail.Text, "Réception des modifications")
		return v.sync.idle()
	})
	if !sawStage {
		t.Errorf("the status bar never said what the sync was doing")
	}
	if got := v.syncDetail.Text; !strings.Contains(got, "dernière synchronisation") {
		t.Errorf("after the sync the status bar says %q", got)
	}
	if got := m.statusLabel.Text; !strings.Contains(got, "aucune modification envoyée") {
		t.Errorf("after the sync the status says %q", got)
	}
}

// openDeskInShell closes the desk ws and opens its file in a new shell,
// which finds the platform reachable or not.
func openDeskInShell(t *testing.T, ws *store.Workspace, reachable bool) (*mainWindow, uiQueue) {
	t.Helper()
	path := ws.Path()
	ws.Close()
	_, m := newTestShell(t, Options{})
	m.reachable = func(context.Context) bool { return reachable }
	return m, openInShell(t, m, path)
}

// typeCtrlS types Ctrl+S, «synchronise now», in m's window.
func typeCtrlS(m *mainWindow) {
	m.window.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
}

// An automatic sync that sent edits made offline says so once; one that
// sent nothing says nothing.
func TestAutoSyncSaysWhatItSent(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	q, v, up := offlineAutoSyncShell(t, 10*time.Millisecond, "H-1", "H-2", "H-3")
	ctx := context.Background()
	var notices []string
	v.setStatus = func(s string) { notices = append(notices, s) }
	up.Store(true)
	q.runUntil(t, func() bool {
		n, _ := v.s.ws.Pending(ctx, 0)
		return len(n) == 0 && v.sync.idle()
	})
	if len(notices) != 1 || !strings.Contains(notices[0], "3 modifications envoyées") {
		t.Fatalf("after the automatic sync, notices %q", notices)
	}
	// Offline, then back: another automatic sync, with nothing to send.
	up.Store(false)
	q.runUntil(t, func() bool { return strings.Contains(v.onlineLabel.Text, "Hors ligne") })
	up.Store(true)
	q.runUntil(t, func() bool { return strings.Contains(v.onlineLabel.Text, "En ligne") && v.sync.idle() })
	q.runUntil(t, func() bool { return v.sync.idle() && !v.sync.state.running })
	if len(notices) != 1 {
		t.Errorf("an automatic sync with nothing to send said %q", notices[1:])
	}
}

// offlineAutoSyncShell is a shell with auto-sync on, opened on a workspace
// synced from a test platform then given one new hydrant per numero, while
// the platform is unreachable: the status bar says «Hors ligne». Storing
// true in up brings the platform back; reachEvery is how often it is asked.
func offlineAutoSyncShell(t *testing.T, reachEvery time.Duration, numeros ...string) (uiQueue, *workspaceView, *atomic.Bool) {
	t.Helper()
	ws, _ := testplatform.Desk(t, testPlatform(t), "agent")
	path := ws.Path()
	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		for _, n := range numeros {
			if _, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"numero": n, "type_pei": "PI"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()

	_, m := newTestShell(t, Options{})
	m.settings.autoSync = true
	up := new(atomic.Bool)
	m.reachable = func(context.Context) bool { return up.Load() }
	m.reachEvery = reachEvery
	q := openInShell(t, m, path)
	v := m.view
	q.runUntil(t, func() bool { return strings.Contains(v.onlineLabel.Text, "Hors ligne") })
	return q, v, up
}

// The status bar states the map's scale as the printed maps do: three
// significant digits, thousands grouped («1:49 700»), in either language.
func TestStatusBarScale(t *testing.T) {
	for _, c := range []struct {
		locale, want string
	}{{"fr_FR.UTF-8", "Échelle 1:49\u00a0700"}, {"en_US.UTF-8", "Scale 1:49\u00a0700"}} {
		t.Run(c.locale, func(t *testing.T) {
			useLocale(t, c.locale)
			w, m := newTestShell(t, Options{})
			w.Resize(fyne.NewSize(1366, 768))
			openInShell(t, m, demoWorkspaceFile(t, "scale.gpkg"))
			v := m.view
			// Over Tournus at zoom 13, a logical pixel is 13.14 m: 1:49 674.
			vp := v.mapw.Viewport
			vp.Center, vp.Zoom = orb.Point{4.9085, 46.5640}, 13
			v.mapw.SetViewport(vp)
			if got := v.scale.Text; got != c.want {
				t.Errorf("scale %q, want %q", got, c.want)
			}
			if got, want := v.scaleText.Text, "1\u00a0km"; got != want { // 120 px hold 1 577 m
				t.Errorf("scale bar %q, want %q", got, want)
			}
		})
	}
}

// A map that cannot be drawn (its workspace can no longer be read) says
// what failed in the status line instead of staying blank without a word.
func TestMapDrawErrorInStatus(t *testing.T) {
	for _, c := range []struct{ locale, want string }{
		{"fr_FR.UTF-8", "Une partie de la carte n’a pas pu être dessinée : "},
		{"en_US.UTF-8", "Part of the map could not be drawn: "},
	} {
		t.Run(c.locale, func(t *testing.T) {
			useLocale(t, c.locale)
			w, m := newTestShell(t, Options{})
			w.Resize(fyne.NewSize(1366, 768))
			q := openInShell(t, m, demoWorkspaceFile(t, "unreadable.gpkg"))
			v := m.view
			var notices []string
			v.setStatus = func(s string) { notices = append(notices, s) }
			if err := v.s.ws.Close(); err != nil {
				t.Fatal(err)
			}
			v.s.tiles.Invalidate("", orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}})
			vp := v.mapw.Viewport
			vp.Width, vp.Height = 400, 300
			v.s.tiles.Frame(vp)
			q.runUntil(t, func() bool { return len(notices) > 0 })
			if !strings.HasPrefix(notices[0], c.want) || len(notices[0]) == len(c.want) {
				t.Errorf("the status says %q, want %q and why", notices[0], c.want)
			}
		})
	}
}
