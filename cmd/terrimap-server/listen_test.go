package main

import (
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// Serving plain HTTP where other machines reach the platform is said at
// start; on the loopback, over HTTPS or behind a named proxy it is not.
func TestWarnPlainHTTP(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	tls := tlsFiles{cert: "cert.pem", key: "key.pem"}
	for _, c := range []struct {
		addr    string
		tls     tlsFiles
		proxies []netip.Prefix
		warn    bool
	}{
		{"127.0.0.1:8080", tlsFiles{}, nil, false},
		{"[::1]:8080", tlsFiles{}, nil, false},
		{"0.0.0.0:8080", tlsFiles{}, nil, true},
		{"[::]:8080", tlsFiles{}, nil, true},
		{"192.168.1.20:8080", tlsFiles{}, nil, true},
		{"0.0.0.0:8443", tls, nil, false},
		{"0.0.0.0:8080", tlsFiles{}, proxy, false},
	} {
		addr, err := net.ResolveTCPAddr("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		warnPlainHTTP(slog.New(slog.NewTextHandler(&log, nil)), addr, c.tls, c.proxies)
		if got := strings.Contains(log.String(), "level=WARN") && strings.Contains(log.String(), "--tls-cert"); got != c.warn {
			t.Errorf("%s (HTTPS %v, proxies %v): warned %v, want %v: %q", c.addr, c.tls.on(), c.proxies, got, c.warn, log.String())
		}
	}
}
