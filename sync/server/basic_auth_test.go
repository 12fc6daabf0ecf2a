package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"terrimap/sync/protocol"
)

// basic sends a request from client with user's name and password by HTTP
// Basic (none when user is ""), a body and header pairs.
func (a *accountsServer) basic(t *testing.T, client *http.Client, method, path, user, password, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	return send(t, client, req, headers...)
}

// lastLogin returns when the platform last checked user's password.
func lastLogin(t *testing.T, st Accounts, user string) time.Time {
	t.Helper()
	users, err := st.Users(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == user {
			return u.LastLogin
		}
	}
	t.Fatalf("no user %s", user)
	return time.Time{}
}

func TestBasicAuthOpensOGCAndTiles(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{Basemap: f.srv.opts.Basemap})
	desk := clientFrom("127.0.0.2")

	// Without credentials: both challenges, Basic first, and what to do.
	for _, path := range []string{"/ogc", "/ogc/collections/pei/items", "/tiles/plan/0/0/0.png"} {
		ans := a.basic(t, desk, http.MethodGet, path, "", "", "")
		got := ans.header.Values("WWW-Authenticate")
		if ans.status != http.StatusUnauthorized || len(got) != 2 || got[0] != basicChallenge || got[1] != bearerChallenge {
			t.Errorf("GET %s without credentials: HTTP %d, WWW-Authenticate %q; want 401 with Basic then Bearer", path, ans.status, got)
		}
		if !strings.Contains(ans.message, "nom d'utilisateur et le mot de passe") {
			t.Errorf("GET %s without credentials: message %q", path, ans.message)
		}
	}

	// A token that is no longer valid: the GIS routes still offer Basic;
	// the sync API, tokens only.
	for path, want := range map[string][]string{
		"/ogc/collections":  {basicChallenge, bearerChallenge + `, error="invalid_token"`},
		protocol.PathLayers: {bearerChallenge + `, error="invalid_token"`},
	} {
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization("plus-valable"))
		resp, err := desk.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("WWW-Authenticate"); resp.StatusCode != http.StatusUnauthorized || !slices.Equal(got, want) {
			t.Errorf("GET %s with an invalid token: HTTP %d, WWW-Authenticate %q; want 401, %q", path, resp.StatusCode, got, want)
		}
	}

	// With a user's name and password: the same rights as with a token.
	var cs struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	ans := a.basic(t, desk, http.MethodGet, "/ogc/collections", "elu", rightPassword, "")
	if ans.status != http.StatusOK || json.Unmarshal(ans.body, &cs) != nil || len(cs.Collections) != len(fixtureLayers()) {
		t.Fatalf("collections by Basic: HTTP %d %s", ans.status, ans.body)
	}
	if ans := a.basic(t, desk, http.MethodGet, "/tiles/plan/0/0/0.png", "elu", rightPassword, ""); ans.status != http.StatusOK || ans.header.Get("Content-Type") != "image/png" {
		t.Errorf("tile by Basic: HTTP %d %s", ans.status, ans.body)
	}
	hydrant := `{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,46.55]},"properties":{"type_pei":"PI"}}`
	if ans := a.basic(t, desk, http.MethodPost, "/ogc/collections/pei/items", "elu", rightPassword, hydrant, "Content-Type", mediaGeoJSON); ans.status != http.StatusForbidden {
		t.Errorf("a viewer's create by Basic: HTTP %d, want 403: %s", ans.status, ans.body)
	}
	if ans := a.basic(t, desk, http.MethodPost, "/ogc/collections/pei/items", "tournus", rightPassword, hydrant, "Content-Type", mediaGeoJSON); ans.status != http.StatusCreated {
		t.Errorf("an editor's create by Basic: HTTP %d, want 201: %s", ans.status, ans.body)
	}
	// A bearer token still works there; the sync API takes tokens only.
	req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/ogc/collections", nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["elu"]))
	if resp, err := desk.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("collections by token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if ans := a.basic(t, desk, http.MethodGet, protocol.PathLayers, "elu", rightPassword, ""); ans.status != http.StatusUnauthorized {
		t.Errorf("sync API by Basic: HTTP %d, want 401", ans.status)
	}
}

func TestBasicAuthRefusesWritesFromOtherSites(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	desk := clientFrom("127.0.0.2")
	hydrant := `{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,46.55]},"properties":{"type_pei":"PI"}}`
	// A browser that knows the password sends it for another site's page too.
	ans := a.basic(t, desk, http.MethodPost, "/ogc/collections/pei/items", "admin", rightPassword, hydrant, "Sec-Fetch-Site", "cross-site")
	if ans.status != http.StatusForbidden || !strings.Contains(ans.message, "autre site") {
		t.Errorf("a write from another site's page: HTTP %d %q, want 403", ans.status, ans.message)
	}
	if ans := a.basic(t, desk, http.MethodGet, "/ogc/collections/pei/items", "admin", rightPassword, "", "Sec-Fetch-Site", "cross-site"); ans.status != http.StatusOK {
		t.Errorf("a read from another site's page: HTTP %d, want 200 (the browser keeps the answer from that page)", ans.status)
	}
	if ans := a.basic(t, desk, http.MethodPost, "/ogc/collections/pei/items", "admin", rightPassword, hydrant, "Sec-Fetch-Site", "same-origin"); ans.status != http.StatusCreated {
		t.Errorf("a write from the platform's own page: HTTP %d, want 201: %s", ans.status, ans.body)
	}
}

// TestBasicAuthThrottledAsTokenLogin: a wrong password by Basic is a
// failed login like one on POST /api/v1/token — the same back-off, shared
// with the token route, and the same log line.
func TestBasicAuthThrottledAsTokenLogin(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	attacker, desk := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	const free = 5 // failures before an address waits (newLoginThrottle)
	for i := range free + 2 {
		ans := a.basic(t, attacker, http.MethodGet, "/ogc/collections", "tournus", fmt.Sprintf("essai-%02d", i), "")
		switch {
		case i < free && (ans.status != http.StatusUnauthorized || ans.header.Get("WWW-Authenticate") != basicChallenge ||
			ans.message != "Nom d'utilisateur ou mot de passe incorrect."):
			t.Fatalf("wrong password %d: HTTP %d %q %q, want 401 with a Basic challenge", i, ans.status, ans.header.Get("WWW-Authenticate"), ans.message)
		case i >= free && (ans.status != http.StatusTooManyRequests || ans.header.Get(protocol.HeaderRetryAfter) != "1" ||
			!strings.Contains(ans.message, "réessayez dans 1 seconde")):
			t.Fatalf("wrong password %d: HTTP %d %q, want 429 after 1 s", i, ans.status, ans.message)
		}
	}
	if ans := a.login(t, attacker, "admin", rightPassword); ans.status != http.StatusTooManyRequests {
		t.Errorf("token route from the address throttled by Basic failures: HTTP %d, want 429", ans.status)
	}
	if ans := a.basic(t, desk, http.MethodGet, "/ogc/collections", "tournus", rightPassword, ""); ans.status != http.StatusOK {
		t.Errorf("right password from another address: HTTP %d %s", ans.status, ans.message)
	}
	if n := a.srv.guard.creds.size(); n != 1 {
		t.Errorf("%d credentials cached, want 1: a wrong password is never cached", n)
	}
	log := a.log.String()
	if n := strings.Count(log, `msg="login failed" user=tournus addr=127.0.0.1`); n != free {
		t.Errorf("%d failed logins logged, want %d:\n%s", n, free, log)
	}
	if strings.Contains(log, "essai-") || strings.Contains(log, "sûr") {
		t.Errorf("a password is in the log:\n%s", log)
	}
}

// TestBasicCredentialCache: a checked password is not checked again for a
// few minutes, but a password changed or a user removed by another process
// on the same database counts at the next request.
func TestBasicCredentialCache(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	desk := clientFrom("127.0.0.2")
	get := func(user, password string) int {
		return a.basic(t, desk, http.MethodGet, "/ogc/collections", user, password, "").status
	}
	t0 := f.now.Truncate(time.Second)
	f.now = t0
	if got := get("elu", rightPassword); got != http.StatusOK {
		t.Fatalf("first request: HTTP %d", got)
	}
	if got := lastLogin(t, f.st, "elu"); !got.Equal(t0) {
		t.Fatalf("last login %v, want %v: the password was checked", got, t0)
	}
	f.now = t0.Add(credentialTTL - time.Second)
	if got := get("elu", rightPassword); got != http.StatusOK {
		t.Fatalf("request within the cache's time: HTTP %d", got)
	}
	if got := lastLogin(t, f.st, "elu"); !got.Equal(t0) {
		t.Errorf("last login %v, want %v: the password was checked again within %v", got, t0, credentialTTL)
	}
	f.now = t0.Add(credentialTTL)
	if got := get("elu", rightPassword); got != http.StatusOK {
		t.Fatalf("request after the cache's time: HTTP %d", got)
	}
	if got := lastLogin(t, f.st, "elu"); !got.Equal(f.now) {
		t.Errorf("last login %v, want %v: the password was not checked again after %v", got, f.now, credentialTTL)
	}

	// `terrimap-server user add` on the same file while the server runs.
	other, err := OpenSQLite(f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	u, err := other.User(context.Background(), "elu")
	if err != nil {
		t.Fatal(err)
	}
	const newPassword = "nouveau mot de passe"
	if u.PasswordHash, err = HashPasswordCost(newPassword, 4); err != nil {
		t.Fatal(err)
	}
	if err := other.PutUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Second)
	if got := get("elu", rightPassword); got != http.StatusUnauthorized {
		t.Errorf("old password after it changed: HTTP %d, want 401", got)
	}
	if got := get("elu", newPassword); got != http.StatusOK {
		t.Errorf("new password: HTTP %d, want 200", got)
	}
	if err := other.RemoveUser(context.Background(), "elu"); err != nil {
		t.Fatal(err)
	}
	if got := get("elu", newPassword); got != http.StatusUnauthorized {
		t.Errorf("removed user: HTTP %d, want 401", got)
	}
}

func TestCredentialCacheBounded(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newCredentialCache(time.Minute, 100)
	for i := range 1000 {
		c.put(c.key(fmt.Sprintf("nom-%d", i), "mot de passe"), "hash", now)
		if n := c.size(); n > 100 {
			t.Fatalf("%d entries after %d puts, bound 100", n, i+1)
		}
	}
	if !c.holds(c.key("nom-999", "mot de passe"), "hash", now) || c.holds(c.key("nom-0", "mot de passe"), "hash", now) {
		t.Error("the latest credential was dropped, or the first kept")
	}
	// Keys tell user names and passwords apart, wherever they split.
	if c.key("ab", "c") == c.key("a", "bc") || c.key("a", "b") == c.key("a", "c") {
		t.Error("two credentials share a key")
	}
	k := c.key("nom-998", "mot de passe")
	if c.holds(k, "autre hash", now) || c.holds(k, "hash", now) {
		t.Error("a credential checked against another stored hash is held")
	}
	c.put(k, "hash", now)
	if c.holds(k, "hash", now.Add(time.Minute)) || c.holds(k, "hash", now) {
		t.Error("a credential is held after its time")
	}
	// A put drops the entries past their time.
	c.put(c.key("tard", "mot de passe"), "hash", now.Add(time.Hour))
	if n := c.size(); n != 1 {
		t.Errorf("%d entries an hour later, want 1", n)
	}
}

func TestBasicCredentials(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		header, name, password string
		ok                     bool
	}{
		{"Basic " + enc("elu:mot de passe sûr"), "elu", "mot de passe sûr", true},
		{"basic  " + enc("elu:a:b"), "elu", "a:b", true},
		{"BASIC " + strings.TrimRight(enc("elu:x"), "="), "elu", "x", true},
		{"Basic " + enc("elu:"), "elu", "", true},
		{"Basic " + enc(":x"), "", "", false},
		{"Basic " + enc("elu"), "", "", false},
		{"Basic " + enc("é\x01lu:x"), "", "", false},
		{"Basic " + enc("\xffelu:x"), "", "", false},
		{"Basic !!!", "", "", false},
		{"Basic", "", "", false},
		{"Bearer abc", "", "", false},
		{"Basic " + enc("elu:"+strings.Repeat("x", maxBasicHeader)), "", "", false},
	} {
		name, password, ok := basicCredentials(c.header)
		if name != c.name || password != c.password || ok != c.ok {
			t.Errorf("basicCredentials(%q) = %q, %q, %v; want %q, %q, %v", c.header, name, password, ok, c.name, c.password, c.ok)
		}
	}
}

func FuzzBasicCredentials(f *testing.F) {
	for _, s := range []string{"Basic ZWx1Om1vdCBkZSBwYXNzZQ==", "basic ZWx1Og", "Basic Og==", "Bearer x", "Basic", "Basic  ", "Basic w7k6w7k="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		name, password, ok := basicCredentials(header)
		if !ok {
			if name != "" || password != "" {
				t.Fatalf("refused %q but returned %q, %q", header, name, password)
			}
			return
		}
		if name == "" || strings.Contains(name, ":") || !printable(name) {
			t.Fatalf("%q: user name %q", header, name)
		}
		// What a client would send for them reads back the same.
		again := "Basic " + base64.StdEncoding.EncodeToString([]byte(name+":"+password))
		if n, p, ok := basicCredentials(again); len(again) <= maxBasicHeader && (!ok || n != name || p != password) {
			t.Fatalf("%q → %q, %q; sent again: %q, %q, %v", header, name, password, n, p, ok)
		}
	})
}

// Many clients at once on a cold cache, two by credential (QGIS asks for
// a dozen tiles at once): every request answered as its user, and one
// password check by credential, not one by request (go test -race watches
// the cache).
func TestBasicAuthConcurrent(t *testing.T) {
	f := newPlatformFixture(t)
	a := newAccountsServer(t, f, Options{})
	users := []string{"admin", "tournus", "uchizy", "elu", "agent"}
	errs := make(chan error, len(users)*2)
	var wg sync.WaitGroup
	for i := range len(users) * 2 {
		wg.Go(func() {
			user := users[i%len(users)]
			for range 5 {
				req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/ogc/collections/pei/items?limit=1", nil)
				req.SetBasicAuth(user, rightPassword)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("%s: HTTP %d", user, resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := a.srv.guard.creds.size(); n != len(users) {
		t.Errorf("%d credentials cached, want %d", n, len(users))
	}
	if n := a.srv.guard.gate.entered.Load(); n != int64(len(users)) {
		t.Errorf("%d password checks for %d credentials", n, len(users))
	}
}

// BenchmarkOGCAuth: a request to /ogc/conformance signed in by a token,
// and by a Basic password already checked (the cache spares the bcrypt
// check, about 0.1 s at the platform's cost).
func BenchmarkOGCAuth(b *testing.B) {
	f := newPlatformFixture(b)
	for _, c := range []struct {
		name string
		set  func(*http.Request)
	}{
		{"bearer", func(r *http.Request) {
			r.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens["elu"]))
		}},
		{"basic-cached", func(r *http.Request) { r.SetBasicAuth("elu", rightPassword) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/ogc/conformance", nil)
				c.set(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("HTTP %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkPasswordCheck is what a Basic request would cost without the
// cache: one bcrypt check at the platform's cost.
func BenchmarkPasswordCheck(b *testing.B) {
	hash, err := HashPassword(rightPassword)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if bcrypt.CompareHashAndPassword([]byte(hash), []byte(rightPassword)) != nil {
			b.Fatal("the right password does not match")
		}
	}
}
