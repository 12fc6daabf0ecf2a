package app

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// tournusPlatform runs a real platform with the 24 communes of the
// intercommunality, the hydrant layer, and "tournus", an editor of Tournus
// (INSEE 71543), as the demonstration has.
func tournusPlatform(t *testing.T) string {
	t.Helper()
	return testplatform.Start(t, []testplatform.Layer{{Schema: hydrantLayer(), EditBy: server.EditByEditors}},
		map[string]protocol.Membership{"tournus": {Org: "71543", Role: protocol.RoleEditor}})
}

// firstRunShell is the app at its first start, its background work run by
// the returned queue.
func firstRunShell(t *testing.T) (*mainWindow, uiQueue) {
	t.Helper()
	_, m := newTestShell(t, Options{})
	if m.first == nil {
		t.Fatal("a first start does not offer to connect")
	}
	// Fyne's test app keeps its storage in the system's temporary
	// folder, which every test shares: the workspace goes elsewhere.
	m.first.dataDir = t.TempDir()
	q := make(uiQueue, 256)
	m.do = q.do
	t.Cleanup(func() {
		if m.sess != nil {
			m.view.close()
			m.sess.close()
		}
	})
	return m, q
}

// fill types the three fields of the first-run form.
func (f *firstRun) fill(address, user, password string) {
	f.url.SetText(address)
	f.user.SetText(user)
	f.password.SetText(password)
}

// Every way of writing the platform's address connects: with or without
// http://, a trailing slash, an API path pasted from a browser.
func TestFirstRunAddressForms(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	url := tournusPlatform(t)
	hostPort := strings.TrimPrefix(url, "http://")
	_, port, _ := net.SplitHostPort(hostPort)
	for _, typed := range []string{
		hostPort,
		hostPort + "/",
		url,
		url + "/",
		"  " + url + "/api/v1/layers ",
		"localhost:" + port,
	} {
		t.Run(typed, func(t *testing.T) {
			m, q := firstRunShell(t)
			m.first.fill(typed, "tournus", testPassword)
			m.first.doConnect()
			q.runUntil(t, func() bool { return m.sess != nil || m.first.problem.Text != "" })
			if m.sess == nil {
				t.Fatalf("%q did not connect: %q", typed, m.first.problem.Text)
			}
			if got := m.sess.client.URL(); !strings.HasPrefix(got, "http://") || strings.HasSuffix(got, "/") || strings.Contains(got, "/api") {
				t.Errorf("%q linked the workspace to %q", typed, got)
			}
		})
	}
}

// A wrong address, account or server is told precisely, in red beside the
// connect button; no word of kept changes (there are none), and no
// workspace is left behind.
func TestFirstRunErrors(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	url := tournusPlatform(t)
	website := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>Mairie de Tournus</html>"))
	}))
	t.Cleanup(website.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name, address, user, password, want string
	}{
		{"empty address", "", "tournus", testPassword, "Saisissez l’adresse de la plateforme"},
		{"space", "plateforme ccmt.fr", "tournus", testPassword, "espace"},
		{"bad port", "127.0.0.1:99999", "tournus", testPassword, "port"},
		{"other scheme", "ftp://plateforme.ccmt.fr", "tournus", testPassword, "http://"},
		{"bad name", "plateforme_ccmt.fr", "tournus", testPassword, "nom de serveur"},
		{"no user", url, "", testPassword, "Saisissez votre nom d’utilisateur"},
		{"no password", url, "tournus", "", "Saisissez votre mot de passe"},
		{"nothing answers", dead, "tournus", testPassword, "Le serveur " + dead + " ne répond pas"},
		{"not a platform", website.URL, "tournus", testPassword, "n’est pas une plateforme Terrimap"},
		{"wrong password", url, "tournus", "mauvais", "Nom d’utilisateur ou mot de passe incorrect"},
		{"unknown user", url, "marie", testPassword, "Nom d’utilisateur ou mot de passe incorrect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, q := firstRunShell(t)
			f := m.first
			f.fill(tc.address, tc.user, tc.password)
			f.doConnect()
			q.runUntil(t, func() bool { return f.problem.Text != "" || m.sess != nil })
			if m.sess != nil {
				t.Fatal("connected")
			}
			got := f.problem.Text
			if !strings.Contains(got, tc.want) {
				t.Errorf("message = %q, want it to say %q", got, tc.want)
			}
			if strings.Contains(got, "conserv") || strings.Contains(got, "synchronisation") {
				t.Errorf("message speaks of kept changes or of a sync: %q", got)
			}
			if f.problem.Importance != widget.DangerImportance || f.problem.Hidden {
				t.Errorf("the message is not shown in red (importance %v)", f.problem.Importance)
			}
			beside(t, f.connect, f.problem)
			if f.connect.Disabled() || f.progress.Visible() {
				t.Errorf("still busy after the error")
			}
			if _, err := os.Stat(filepath.Join(f.dataDir, defaultWorkspaceName)); err == nil {
				t.Errorf("a failed connection left a workspace behind: the next start would open it")
			}
		})
	}
}

// beside checks that b is on the line of a, to its right.
func beside(t *testing.T, a, b fyne.CanvasObject) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	pa, pb := d.AbsolutePositionForObject(a), d.AbsolutePositionForObject(b)
	if pb.X < pa.X+a.Size().Width || pb.Y > pa.Y+a.Size().Height || pb.Y+b.Size().Height < pa.Y {
		t.Errorf("%T at %v+%v is not beside %T at %v+%v", b, pb, b.Size(), a, pa, a.Size())
	}
}

// Entrée in any field of the form connects, as the button does.
func TestFirstRunEnterSubmits(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	for _, field := range []string{"address", "user", "password"} {
		t.Run(field, func(t *testing.T) {
			m, q := firstRunShell(t)
			f := m.first
			f.fill("127.0.0.1:99999", "tournus", testPassword)
			e := map[string]*widget.Entry{"address": f.url, "user": f.user, "password": f.password}[field]
			m.window.Canvas().Focus(e)
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			q.runUntil(t, func() bool { return f.problem.Text != "" })
			if !strings.Contains(f.problem.Text, "port") {
				t.Errorf("Entrée in the %s field: message %q", field, f.problem.Text)
			}
		})
	}
}

// After the first sync the Tournus editor sees Tournus, not the 24
// communes, and the window is named after it.
func TestFirstRunOpensOnHerCommune(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	url := tournusPlatform(t)
	m, q := firstRunShell(t)
	m.first.fill(strings.TrimPrefix(url, "http://"), "tournus", testPassword)
	m.first.doConnect()
	q.runUntil(t, func() bool { return m.sess != nil || m.first.problem.Text != "" })
	if m.sess == nil {
		t.Fatalf("did not connect: %q", m.first.problem.Text)
	}
	q.runUntil(t, func() bool { return m.view.sync.idle() })
	if got, want := m.window.Title(), "Terrimap — Tournus"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	tournus, err := m.sess.ws.CommuneTerritory(context.Background(), "71543")
	if err != nil {
		t.Fatal(err)
	}
	all, ok := m.sess.ws.Index().Bound(demo.LayerCommunes)
	if !ok {
		t.Fatal("no commune synced")
	}
	view := m.view.mapw.Viewport.Bound()
	tb := tournus.Bound()
	if !view.Contains(tb.Min) || !view.Contains(tb.Max) {
		t.Errorf("the view %v does not show all of Tournus %v", view, tb)
	}
	// Framed: Tournus fills the view one way or the other, and the view
	// is far from showing all the communes.
	w, h := func(b orb.Bound) float64 { return b.Max[0] - b.Min[0] }, func(b orb.Bound) float64 { return b.Max[1] - b.Min[1] }
	if min(w(view)/w(tb), h(view)/h(tb)) > 1.5 || h(view) > h(all)/2 {
		t.Errorf("the view %v is not framed on Tournus %v (the communes span %v)", view, tb, all)
	}
}
