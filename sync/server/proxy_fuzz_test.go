package server

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// FuzzClientAddress reads X-Forwarded-For as a trusted proxy passes it on
// (outside input: the client writes its first hops): whatever it holds,
// the address the sign-in throttle keys on is an address or an IPv6 /64,
// the peer's or one of the header's, never made up.
func FuzzClientAddress(f *testing.F) {
	for _, seed := range [][2]string{
		{"127.0.0.1:5000", "203.0.113.9"},
		{"127.0.0.1:5000", "1.1.1.1, 9.9.9.9"},
		{"127.0.0.1:5000", "garbage, 10.0.0.2"},
		{"127.0.0.1:5000", "2001:db8::1, 127.0.0.1"},
		{"127.0.0.1:5000", "fe80::1%eth0"},
		{"127.0.0.1:5000", ",,, ,"},
		{"[::ffff:127.0.0.1]:80", "::ffff:198.51.100.7"},
		{"198.51.100.7:443", "127.0.0.1"},
		{"not an address", "1.2.3.4"},
	} {
		f.Add(seed[0], seed[1])
	}
	ps := proxies{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{"X-Forwarded-For": {xff}}}
		got := ps.clientAddr(r)
		if got == "" {
			return
		}
		if p, err := netip.ParsePrefix(got); err == nil {
			if !p.Addr().Is6() || p.Bits() != 64 {
				t.Fatalf("clientAddr(%q, %q) = %q: a prefix other than an IPv6 /64", remote, xff, got)
			}
			return
		}
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("clientAddr(%q, %q) = %q: neither an address nor a /64", remote, xff, got)
		}
		if a != peerAddr(r) && !strings.Contains(xff, strings.TrimPrefix(got, "::ffff:")) && !strings.Contains(strings.ToLower(xff), got) {
			t.Fatalf("clientAddr(%q, %q) = %q: not the peer nor a hop of the header", remote, xff, got)
		}
	})
}
