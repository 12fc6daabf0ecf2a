package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"terrimap/sync/protocol"
)

func TestParseTrustedProxies(t *testing.T) {
	for _, c := range []struct {
		list, want string
		err        error
	}{
		{"", "[]", nil},
		{"127.0.0.1", "[127.0.0.1/32]", nil},
		{" 10.1.2.3/8 , ::1,::ffff:192.0.2.1", "[10.0.0.0/8 ::1/128 192.0.2.1/32]", nil},
		{"127.0.0.1,proxy.local", "", ErrBadProxy},
		{"10.0.0.0/33", "", ErrBadProxy},
	} {
		got, err := ParseTrustedProxies(c.list)
		if !errors.Is(err, c.err) || (err == nil && fmt.Sprint(got) != c.want) {
			t.Errorf("ParseTrustedProxies(%q) = %v, %v; want %s, %v", c.list, got, err, c.want, c.err)
		}
	}
}

// ogcSelf returns the self link of the OGC landing page fetched with a
// forged X-Forwarded-Host and -Proto.
func ogcSelf(t *testing.T, a *accountsServer) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/ogc", nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(a.f.tokens["elu"]))
	req.Header.Set("X-Forwarded-Host", "ailleurs.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Links []ogcLink `json:"links"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page.Links) == 0 {
		t.Fatalf("landing page: HTTP %d, %v", resp.StatusCode, err)
	}
	return page.Links[0].Href
}

func TestForwardedHeadersOnlyFromTrustedProxy(t *testing.T) {
	f := newPlatformFixture(t)
	for _, c := range []struct {
		trusted string
		// forwarded: the links follow the headers; else the address reached.
		forwarded bool
	}{
		{"", false},           // nobody trusted
		{"10.0.0.0/8", false}, // another proxy
		{"127.0.0.1", true},   // the proxy in front
	} {
		proxies, err := ParseTrustedProxies(c.trusted)
		if err != nil {
			t.Fatal(err)
		}
		a := newAccountsServer(t, f, Options{TrustedProxies: proxies})
		want := a.http.URL + "/ogc"
		if c.forwarded {
			want = "https://ailleurs.example/ogc"
		}
		if got := ogcSelf(t, a); got != want {
			t.Errorf("trusting %q: links to %s, want %s", c.trusted, got, want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newPlatformFixture(t)
	withCommunes(t, f)
	get := func(user, path string) http.Header {
		req, _ := http.NewRequest(http.MethodGet, f.http.URL+path, nil)
		if user != "" {
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(f.tokens[user]))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	for _, c := range []struct {
		user, path, cache string
	}{
		{"elu", protocol.PathLayers, "no-store"},
		{"", protocol.PathLayers, "no-store"}, // 401
		{"elu", protocol.ChangesPath(0, 10), "no-store"},
		{"elu", "/ogc/collections/pei/items", "no-store"},
		{"elu", "/nulle/part", "no-store"}, // 404
		{"elu", tilePath("plan", tournusZ14), tileMaxAge},
	} {
		h := get(c.user, c.path)
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != c.cache {
			t.Errorf("GET %s: X-Content-Type-Options %q, Cache-Control %q; want nosniff, %q",
				c.path, h.Get("X-Content-Type-Options"), h.Get("Cache-Control"), c.cache)
		}
	}
}
