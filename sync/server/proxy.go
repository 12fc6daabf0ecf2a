package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ErrBadProxy is returned by ParseTrustedProxies for an entry that is
// neither an IP address nor a CIDR block.
var ErrBadProxy = errors.New("server: not an IP address or a CIDR block")

// Headers a reverse proxy sets to say how it was reached and by whom.
// They are believed only from a trusted proxy (Options.TrustedProxies):
// from anyone else they could make the links of OGC answers point to
// another site, or hide a password guesser behind made-up addresses.
var forwardedHeaders = []string{"X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For", "Forwarded"}

// ParseTrustedProxies reads a comma-separated list of IP addresses and
// CIDR blocks ("127.0.0.1, 10.0.0.0/8, ::1"), for Options.TrustedProxies.
// An empty list trusts no one.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %q", ErrBadProxy, f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// proxies are the reverse proxies whose forwarding headers are believed.
type proxies []netip.Prefix

func (ps proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the connection's other end; the zero Addr
// when RemoteAddr cannot be read.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// dropUntrusted removes the forwarding headers of a request that does not
// come from a trusted proxy, so that nothing further down believes them.
func (ps proxies) dropUntrusted(r *http.Request) {
	if ps.trusts(peerAddr(r)) {
		return
	}
	for _, h := range forwardedHeaders {
		r.Header.Del(h)
	}
}

// clientAddr is the address a request comes from: the connection's peer,
// or, behind trusted proxies, the last address of X-Forwarded-For that is
// not one of them. An IPv6 address stands for its /64, which one
// subscriber usually holds whole. "" when unknown.
func (ps proxies) clientAddr(r *http.Request) string {
	a := peerAddr(r)
	if ps.trusts(a) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			a = h.Unmap()
			if !ps.trusts(a) {
				break
			}
		}
	}
	switch {
	case !a.IsValid():
		return ""
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
