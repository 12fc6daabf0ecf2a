package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"terrimap/sync/protocol"
)

// accountsServer is a second server over a fixture's platform file, with
// its own options and a log kept for the test to read.
type accountsServer struct {
	f    *platformFixture
	http *httptest.Server
	srv  *Server
	log  *lockedBuffer
}

func newAccountsServer(t testing.TB, f *platformFixture, opts Options) *accountsServer {
	a := &accountsServer{f: f, log: &lockedBuffer{}}
	opts.Now = func() time.Time { return f.now }
	opts.Logger = slog.New(slog.NewTextHandler(a.log, nil))
	a.srv = New(f.st, opts)
	a.http = httptest.NewServer(a.srv)
	t.Cleanup(a.http.Close)
	return a
}

// clientFrom returns an HTTP client whose connections come from ip (any
// 127.x.y.z address is the loopback on Linux).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// loginAnswer is what a login got.
type loginAnswer struct {
	status     int
	retryAfter string
	message    string
	token      string
}

// login posts credentials from client, with extra headers (key, value…).
func (a *accountsServer) login(t testing.TB, client *http.Client, user, password string, headers ...string) loginAnswer {
	t.Helper()
	body, _ := json.Marshal(protocol.TokenRequest{Username: user, Password: password})
	req, _ := http.NewRequest(http.MethodPost, a.http.URL+protocol.PathToken, bytes.NewReader(body))
	ans := send(t, client, req, headers...)
	out := loginAnswer{status: ans.status, retryAfter: ans.header.Get(protocol.HeaderRetryAfter), message: ans.message}
	if ans.status == http.StatusOK {
		var tr protocol.TokenResponse
		if err := json.Unmarshal(ans.body, &tr); err != nil {
			t.Fatalf("login answer: %v", err)
		}
		out.token = tr.Token
	}
	return out
}

// answer is what a request got; message is an error answer's.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	message string
}

// send sends req from client with extra headers (key, value…) and reads
// the answer.
func send(t testing.TB, client *http.Client, req *http.Request, headers ...string) answer {
	t.Helper()
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	ans := answer{status: resp.StatusCode, header: resp.Header, body: data}
	if resp.StatusCode >= 400 {
		var er protocol.ErrorResponse
		json.Unmarshal(data, &er)
		ans.message = er.Message
	}
	return ans
}

const rightPassword = "mot de passe sûr" // the fixture's

func TestLoginBackoff(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	attacker, desk := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	const free = 5 // failures before an address waits
	for i := range 50 {
		// A made-up X-Forwarded-For from an untrusted peer changes nothing.
		ans := a.login(t, attacker, "tournus", fmt.Sprintf("essai-%02d", i), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		switch {
		case i < free && ans.status != http.StatusUnauthorized:
			t.Fatalf("wrong password %d: HTTP %d, want 401", i, ans.status)
		case i >= free && (ans.status != http.StatusTooManyRequests || ans.retryAfter != "1" || !strings.Contains(ans.message, "réessayez dans 1 seconde")):
			t.Fatalf("wrong password %d: HTTP %d, Retry-After %q, %q; want 429 after 1 s", i, ans.status, ans.retryAfter, ans.message)
		}
	}
	// The attacker's address waits, even with the right password; the
	// user from her own desk does not.
	if ans := a.login(t, attacker, "tournus", rightPassword); ans.status != http.StatusTooManyRequests {
		t.Errorf("right password from the throttled address: HTTP %d, want 429", ans.status)
	}
	if ans := a.login(t, desk, "tournus", rightPassword); ans.status != http.StatusOK {
		t.Errorf("right password from another address: HTTP %d %s", ans.status, ans.message)
	}
	// Each failure after the wait doubles it.
	for want := 2; want <= 8; want *= 2 {
		f.now = f.now.Add(time.Duration(want/2) * time.Second)
		if ans := a.login(t, attacker, "tournus", "encore faux"); ans.status != http.StatusUnauthorized {
			t.Fatalf("after the wait: HTTP %d, want 401", ans.status)
		}
		if ans := a.login(t, attacker, "admin", "encore faux"); ans.status != http.StatusTooManyRequests || ans.retryAfter != strconv.Itoa(want) {
			t.Fatalf("next wait: HTTP %d Retry-After %q, want 429 %d s", ans.status, ans.retryAfter, want)
		}
	}
	// Failures are logged with the name and address, never the password.
	log := a.log.String()
	if n := strings.Count(log, `msg="login failed" user=tournus addr=127.0.0.1`); n != free+3 {
		t.Errorf("%d failed logins logged, want %d:\n%s", n, free+3, log)
	}
	if n := strings.Count(log, `msg="login throttled: repeated failures"`); n != 1 {
		t.Errorf("%d back-offs logged, want 1:\n%s", n, log)
	}
	if strings.Contains(log, "essai-") || strings.Contains(log, "encore faux") || strings.Contains(log, "sûr") {
		t.Errorf("a password is in the log:\n%s", log)
	}
}

func TestLoginBackoffSparesKnownDesk(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	desk := clientFrom("127.0.0.2")
	if ans := a.login(t, desk, "tournus", rightPassword); ans.status != http.StatusOK {
		t.Fatalf("first sign-in: HTTP %d", ans.status)
	}
	// Guesses at her name from many addresses, two each: the name waits.
	for i := range 8 {
		bot := clientFrom(fmt.Sprintf("127.0.1.%d", i+1))
		for range 2 {
			if ans := a.login(t, bot, "tournus", "devinette"); ans.status != http.StatusUnauthorized && ans.status != http.StatusTooManyRequests {
				t.Fatalf("guess: HTTP %d", ans.status)
			}
		}
	}
	if ans := a.login(t, clientFrom("127.0.2.1"), "tournus", rightPassword); ans.status != http.StatusTooManyRequests {
		t.Errorf("right password from a new address while the name waits: HTTP %d, want 429", ans.status)
	}
	// Her own desk is not held back by others' failures.
	if ans := a.login(t, desk, "tournus", rightPassword); ans.status != http.StatusOK {
		t.Errorf("right password from her desk: HTTP %d %s", ans.status, ans.message)
	}
	// Her success forgot the name's failures.
	if ans := a.login(t, clientFrom("127.0.2.1"), "tournus", rightPassword); ans.status != http.StatusOK {
		t.Errorf("after her success, from a new address: HTTP %d %s", ans.status, ans.message)
	}
}

func TestBackoffDelay(t *testing.T) {
	p := backoffPolicy{after: 5, first: time.Second, max: 5 * time.Minute}
	for _, c := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {9, 16 * time.Second},
		{13, 256 * time.Second}, {14, 5 * time.Minute}, {1000, 5 * time.Minute},
	} {
		if got := p.delay(c.failures); got != c.want {
			t.Errorf("delay(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestThrottleBounded(t *testing.T) {
	th := newLoginThrottle()
	th.maxEntries = 100
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 10000 {
		th.failed(now, fmt.Sprintf("nom-%d", i), fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if n := th.size(); n > th.maxEntries {
			t.Fatalf("%d entries after %d failures, bound %d", n, i+1, th.maxEntries)
		}
	}
	// The most recent failures are the ones kept.
	th.failed(now, "nom-9999", "10.0.39.15")
	if th.peek(throttleKey{user: true, value: "nom-9999"}).failures != 2 {
		t.Error("the latest name was forgotten")
	}
	// Less than an hour of quiet forgets nothing; an hour, everything.
	if th.wait(now.Add(59*time.Minute), "nom-9999", "10.0.39.15"); th.size() != th.maxEntries {
		t.Errorf("%d entries after 59 minutes, want %d", th.size(), th.maxEntries)
	}
	if th.wait(now.Add(time.Hour), "nom-9999", "10.0.39.15"); th.size() != 0 {
		t.Errorf("%d entries after an hour of quiet", th.size())
	}
}

func TestPasswordChecksBounded(t *testing.T) {
	f := newPlatformFixture(t)
	proxies, err := ParseTrustedProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a := newAccountsServer(t, f, Options{PasswordChecks: 2, TrustedProxies: proxies})
	var wg sync.WaitGroup
	statuses := make([]int, 16)
	for i := range statuses {
		wg.Go(func() {
			// Unknown names from 16 addresses: none is throttled, each
			// costs a full bcrypt check.
			statuses[i] = a.login(t, http.DefaultClient, fmt.Sprintf("inconnu-%d", i), "devinette",
				"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1)).status
		})
	}
	wg.Wait()
	ok := 0
	for i, s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			ok++
		case http.StatusServiceUnavailable:
		default:
			t.Errorf("login %d: HTTP %d", i, s)
		}
	}
	if ok == 0 {
		t.Error("no password was checked")
	}
	if p := a.srv.guard.gate.peak.Load(); p != 2 {
		t.Errorf("%d password checks ran at once, want the bound, 2", p)
	}
}

// BenchmarkLayersDuringLoginStorm measures an authenticated GET of the
// layers on a quiet platform, then while 16 clients guess passwords in
// parallel (each guess from another address, through a trusted proxy, so
// that the throttle lets every one be checked): with the platform's bound
// on password checks, and with none (as many checks at once as guessers,
// as before the bound).
func BenchmarkLayersDuringLoginStorm(b *testing.B) {
	for _, c := range []struct {
		name   string
		storm  bool
		checks int
	}{
		{"quiet", false, 0},
		{"storm", true, 0},
		{"storm-unbounded", true, 16},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := newPlatformFixture(b)
			proxies, _ := ParseTrustedProxies("127.0.0.1")
			a := newAccountsServer(b, f, Options{TrustedProxies: proxies, PasswordChecks: c.checks})
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if c.storm {
				for g := range 16 {
					wg.Go(func() {
						for i := 0; ; i++ {
							select {
							case <-stop:
								return
							default:
							}
							a.login(b, http.DefaultClient, fmt.Sprintf("bot-%d-%d", g, i), "devinette",
								"X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", g, i%250+1))
						}
					})
				}
				for a.srv.guard.gate.busy.Load() == 0 { // the storm has begun
					runtime.Gosched()
				}
			}
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+protocol.PathLayers, nil)
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["elu"]))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET layers: HTTP %d", resp.StatusCode)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}
