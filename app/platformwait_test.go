package app

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// throttledWait is what the platform says to a sign-in throttled after
// repeated wrong passwords (sync/server's wording).
const throttledWait = "Trop d'essais de connexion manqués : réessayez dans 15 minutes."

// throttledFront serves the platform at platformURL, except that route
// is answered as the platform answers a throttled request: 429, with
// retryAfter (seconds, none if empty) and its French reason.
func throttledFront(t *testing.T, platformURL, route, retryAfter string) string {
	t.Helper()
	return frontAnswering(t, platformURL, route, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
		if retryAfter != "" {
			w.Header().Set(protocol.HeaderRetryAfter, retryAfter)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		protocol.Encode(w, protocol.ErrorResponse{Code: protocol.CodeRateLimited, Message: throttledWait})
	})
}

// failingFront serves the platform at platformURL, except that route is
// answered as a failing platform answers: HTTP 500, every time.
func failingFront(t *testing.T, platformURL, route string) string {
	t.Helper()
	return frontAnswering(t, platformURL, route, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
		w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
		w.WriteHeader(http.StatusInternalServerError)
		protocol.Encode(w, protocol.ErrorResponse{Code: "internal", Message: "Erreur interne de la plateforme."})
	})
}

// frontAnswering serves the platform at platformURL, except that route
// is answered by answer.
func frontAnswering(t *testing.T, platformURL, route string, answer http.HandlerFunc) string {
	t.Helper()
	target, err := url.Parse(platformURL)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", httputil.NewSingleHostReverseProxy(target))
	mux.HandleFunc(route, answer)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

// A throttled sign-in on the first start shows the platform's reason and
// its wait, not «problème inattendu».
func TestFirstRunSaysHowLongAThrottledSignInWaits(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	front := throttledFront(t, tournusPlatform(t), protocol.RouteToken, "900")
	problem := firstRunProblemVia(t, front)
	if problem != throttledWait {
		t.Errorf("message = %q, want the platform's %q", problem, throttledWait)
	}
}

// A sync the platform asks to wait (429) says so in the platform's words,
// whether the client gave up at once (a long Retry-After) or after its
// retries (no Retry-After, the platform still refusing).
func TestSyncSaysWhatThePlatformAsksToWait(t *testing.T) {
	for _, retryAfter := range []string{"900", ""} {
		t.Run("Retry-After "+retryAfter, func(t *testing.T) {
			test.NewTempApp(t)
			useLocale(t, "fr_FR.UTF-8")
			url := testPlatform(t)
			ws, _ := testplatform.Desk(t, url, "agent")
			front := throttledFront(t, url, protocol.RouteChanges, retryAfter)
			if got := syncMessageVia(t, ws, front); !strings.Contains(got, "réessayez dans 15 minutes") {
				t.Errorf("message: %s", got)
			}
		})
	}
}

// A platform that answers only with server errors is told as failing —
// the changes kept, the IT to tell — not as out of reach (the network to
// check), on the first start and at a sync.
func TestFailingPlatformIsNotToldUnreachable(t *testing.T) {
	t.Run("first start", func(t *testing.T) {
		useLocale(t, "fr_FR.UTF-8")
		front := failingFront(t, tournusPlatform(t), protocol.RouteToken)
		problem := firstRunProblemVia(t, front)
		if !strings.Contains(problem, "répond, mais en erreur") || strings.Contains(problem, "ne répond pas") {
			t.Errorf("message = %q, want it to say the platform answers with an error", problem)
		}
	})
	t.Run("sync", func(t *testing.T) {
		test.NewTempApp(t)
		useLocale(t, "fr_FR.UTF-8")
		url := testPlatform(t)
		ws, _ := testplatform.Desk(t, url, "agent")
		front := failingFront(t, url, protocol.RouteChanges)
		if got := syncMessageVia(t, ws, front); !strings.Contains(got, "répond, mais en erreur") || strings.Contains(got, "hors ligne") {
			t.Errorf("message: %s", got)
		}
	})
}

// firstRunProblemVia signs in as tournus on the first start, through the
// platform address, and returns the problem the window shows; it
// fails the test if the sign-in succeeds.
func firstRunProblemVia(t *testing.T, address string) string {
	t.Helper()
	m, q := firstRunShell(t)
	f := m.first
	f.fill(address, "tournus", testPassword)
	f.doConnect()
	q.runUntil(t, func() bool { return f.problem.Text != "" || m.sess != nil })
	if m.sess != nil {
		t.Fatal("connected")
	}
	return f.problem.Text
}

// syncMessageVia syncs ws through the platform address url from the sync
// panel (one retry, at once) and returns the markup of the message shown.
func syncMessageVia(t *testing.T, ws *store.Workspace, url string) string {
	t.Helper()
	c, err := client.New(ws, url, client.Options{Retries: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p, q := newTestPanel(t, ws, c)
	syncAndWait(t, p, q)
	overlay := p.win.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no message shown")
	}
	return test.RenderObjectToMarkup(overlay)
}

// A platform served over HTTPS with a certificate this computer does not
// trust is told as such on the first start, not as a server that does not
// answer.
func TestFirstRunSaysTheCertificateIsNotTrusted(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	target, err := url.Parse(tournusPlatform(t))
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(front.Close)
	problem := firstRunProblemVia(t, front.URL)
	if !strings.Contains(problem, "certificat") || strings.Contains(problem, "ne répond pas") {
		t.Errorf("message = %q, want it to speak of the certificate", problem)
	}
}
