package client

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Errors of NormalizeAddress, one per thing the user can fix in what they
// typed.
var (
	// ErrAddressEmpty: nothing was typed.
	ErrAddressEmpty = errors.New("client: the platform address is empty")
	// ErrAddressSpaces: the address holds a space inside.
	ErrAddressSpaces = errors.New("client: the platform address holds a space")
	// ErrAddressScheme: the address starts with something other than
	// http:// or https:// (ftp://, file://…).
	ErrAddressScheme = errors.New("client: the platform address is not http:// or https://")
	// ErrAddressPort: the port after ':' is not a number from 1 to 65535.
	ErrAddressPort = errors.New("client: the platform address has a bad port")
	// ErrAddressHost: no server name, or one with characters a server
	// name cannot hold.
	ErrAddressHost = errors.New("client: the platform address has no valid server name")
)

// NormalizeAddress turns what a user typed as the platform's address into
// the base URL the client calls, or says what is wrong with it.
//
// Spaces around it are dropped. Without a scheme, https:// is added — the
// platform signs people in, so the password must travel encrypted — except
// for this computer (localhost, 127.x.x.x, ::1) and an IP address written
// as such (a demonstration or a server on the mairie's network, which
// rarely has a certificate for its IP): those get http://. Typing the
// scheme always wins. The server name and scheme are lower-cased; a query,
// a fragment, the trailing slashes and an API path pasted from a browser
// (…/api/v1/layers) are dropped; a path before it is kept (a platform
// served under https://sig.example.fr/terrimap).
func NormalizeAddress(typed string) (string, error) {
	s := strings.TrimSpace(typed)
	if s == "" {
		return "", ErrAddressEmpty
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return "", fmt.Errorf("%w: %q", ErrAddressSpaces, s)
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "", fmt.Errorf("%w: %q", ErrAddressHost, s)
	}
	scheme, rest, hasScheme := strings.Cut(s, "://")
	if hasScheme {
		scheme = strings.ToLower(scheme)
		if scheme != "http" && scheme != "https" {
			return "", fmt.Errorf("%w: %q", ErrAddressScheme, s)
		}
	} else {
		rest = s
	}
	// What comes before the first '/', '?' or '#' is the server (and port).
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if strings.Contains(authority, "@") {
		return "", fmt.Errorf("%w: %q holds a user name", ErrAddressHost, s)
	}
	host, port, err := splitHostPort(authority)
	if err != nil {
		return "", err
	}
	if !hasScheme {
		scheme = "https"
		if plainHTTP(host) {
			scheme = "http"
		}
	}
	path := tail
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if i := strings.Index(path, "/api/"); i >= 0 {
		path = path[:i]
	}
	path = strings.TrimRight(path, "/")
	if _, err := url.Parse("http://x" + path); err != nil {
		return "", fmt.Errorf("%w: %q", ErrAddressHost, s)
	}
	hostPort := host
	if strings.Contains(host, ":") {
		hostPort = "[" + host + "]"
	}
	if port != "" {
		hostPort += ":" + port
	}
	return scheme + "://" + hostPort + path, nil
}

// splitHostPort reads "name", "name:port", "[ipv6]" or "[ipv6]:port" and
// checks both parts; the name comes back lower-cased, IPv6 without brackets.
func splitHostPort(authority string) (host, port string, err error) {
	switch {
	case authority == "":
		return "", "", ErrAddressHost
	case strings.HasPrefix(authority, "["):
		end := strings.Index(authority, "]")
		if end < 0 {
			return "", "", fmt.Errorf("%w: %q", ErrAddressHost, authority)
		}
		host, rest := authority[1:end], authority[end+1:]
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil && !strings.Contains(host, ":") {
			return "", "", fmt.Errorf("%w: %q", ErrAddressHost, authority)
		}
		if rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			if !ok {
				return "", "", fmt.Errorf("%w: %q", ErrAddressHost, authority)
			}
			port = p
		}
		if rest != "" {
			if err := checkPort(port); err != nil {
				return "", "", err
			}
		}
		return strings.ToLower(host), port, nil
	}
	host = authority
	if i := strings.LastIndex(authority, ":"); i >= 0 {
		host, port = authority[:i], authority[i+1:]
		if err := checkPort(port); err != nil {
			return "", "", err
		}
	}
	host = strings.ToLower(host)
	if !validHostName(host) {
		return "", "", fmt.Errorf("%w: %q", ErrAddressHost, host)
	}
	return host, port, nil
}

// checkPort accepts a decimal port from 1 to 65535.
func checkPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, "+") || strings.HasPrefix(port, "-") {
		return fmt.Errorf("%w: %q", ErrAddressPort, port)
	}
	return nil
}

// validHostName accepts a server name of letters (accented ones too),
// digits, hyphens and dots between them, or an IPv4 address.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	if !strings.ContainsFunc(h, func(r rune) bool { return r != '.' && !unicode.IsDigit(r) }) {
		return net.ParseIP(h) != nil // digits and dots: an IPv4 address, or nothing
	}
	for label := range strings.SplitSeq(h, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// plainHTTP reports whether a server is reached with http:// when the
// scheme was left out: this computer, or an IP address.
func plainHTTP(host string) bool {
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil
}
