package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// tlsFiles are a certificate and its private key (PEM) for HTTPS.
type tlsFiles struct{ cert, key string }

// check refuses one file without the other, and files TLS cannot load,
// before anything listens.
func (t tlsFiles) check() error {
	if t.cert == "" && t.key == "" {
		return nil
	}
	if t.cert == "" || t.key == "" {
		return fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	}
	if _, err := tls.LoadX509KeyPair(t.cert, t.key); err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	return nil
}

func (t tlsFiles) on() bool { return t.cert != "" }

// scheme is the URL scheme served.
func (t tlsFiles) scheme() string {
	if t.on() {
		return "https"
	}
	return "http"
}

// warnPlainHTTP logs, once at start, that passwords and tokens cross the
// network readable: plain HTTP on an address other machines reach, with no
// reverse proxy named (one in front does the HTTPS). QGIS and GDAL send a
// user's password with every request to /ogc (HTTP Basic).
func warnPlainHTTP(log *slog.Logger, addr net.Addr, t tlsFiles, proxies []netip.Prefix) {
	if t.on() || len(proxies) > 0 {
		return
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return
	}
	log.Warn("plain HTTP on an address other machines reach: passwords (QGIS and GDAL send one with every request to /ogc) and tokens cross the network readable; serve HTTPS with --tls-cert and --tls-key, or behind a reverse proxy that does (--trusted-proxy)",
		"addr", addr.String())
}

// serveUntilDone serves hs on ln (HTTPS when t is on) until ctx ends, then
// lets the requests under way finish (10 s at most).
func serveUntilDone(ctx context.Context, hs *http.Server, ln net.Listener, t tlsFiles, e env) error {
	if t.on() {
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	done := make(chan error, 1)
	go func() {
		if t.on() {
			done <- hs.ServeTLS(ln, t.cert, t.key)
			return
		}
		done <- hs.Serve(ln)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		fmt.Fprintln(e.stdout, "terrimap-server: stopped")
		return nil
	}
}
