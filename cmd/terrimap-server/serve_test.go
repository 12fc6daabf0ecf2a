package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certPath, keyPath string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "terrimap test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certPath, keyPath, pool
}

// emptyPlatform creates a platform file with no layer.
func emptyPlatform(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "platform.gpkg")
	onPlatform(t, db, func(platform) {})
	return db
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve --tls-cert/--tls-key answers HTTPS (monitoring reads /healthz with
// the certificate trusted), logs one JSON line per request with
// --log-format json, and stops cleanly.
func TestServeHTTPS(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, pool := selfSigned(t, dir)
	db := emptyPlatform(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--tls-cert", certPath, "--tls-key", keyPath, "--log-format", "json"}, strings.NewReader(""), outW, &stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("serve printed nothing; stderr: %s", stderr.String())
	}
	first := lines.Text()
	go io.Copy(io.Discard, outR)
	i := strings.Index(first, "https://")
	if i < 0 {
		t.Fatalf("serve: %q", first)
	}
	base := strings.Fields(first[i:])[0]
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h server.Health
	err = json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || h.Status != "ok" || h.Protocol != protocol.ProtocolVersion {
		t.Fatalf("healthz over HTTPS: %d %+v %v", resp.StatusCode, h, err)
	}
	if resp.TLS == nil {
		t.Fatal("the answer did not come over TLS")
	}
	plain, err := http.Get(strings.Replace(base, "https://", "http://", 1) + "/healthz")
	if err == nil {
		plain.Body.Close()
		if plain.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP answered 200 on the HTTPS port")
		}
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("serve exited %d: %s", c, stderr.String())
	}
	var line map[string]any
	for _, l := range strings.Split(stderr.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["path"] == "/healthz" {
			line = m
		}
	}
	if line == nil || line["status"] != float64(200) || line["id"] == "" {
		t.Fatalf("no JSON request line for /healthz in:\n%s", stderr.String())
	}
}

// A certificate without its key, or files TLS cannot read, stop serve
// before it listens.
func TestServeTLSFlags(t *testing.T) {
	dir := t.TempDir()
	certPath, _, _ := selfSigned(t, dir)
	db := emptyPlatform(t, dir)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"--tls-cert", certPath}, 2},
		{[]string{"--tls-cert", certPath, "--tls-key", certPath}, 1},
		{[]string{"--log-format", "xml"}, 2},
	}
	for _, c := range cases {
		var stderr lockedBuffer
		args := append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, c.args...)
		if got := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); got != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, got, c.code, stderr.String())
		}
	}
}

// backup copies a platform and its attachments; without --out it is a
// usage error.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := emptyPlatform(t, dir)
	photo := []byte("\xff\xd8\xff une photo")
	hash := protocol.BlobHash(photo)
	if err := os.WriteFile(filepath.Join(db+".blobs", hash), photo, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "saved", "platform.gpkg.bak") // the folder is made
	var stdout, stderr lockedBuffer
	if code := run(context.Background(), []string{"backup", "--db", db, "--out", out}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "integrity check ok") || !strings.Contains(stdout.String(), "1 copied") {
		t.Errorf("backup said: %s", stdout.String())
	}
	if got, err := os.ReadFile(filepath.Join(out+".blobs", hash)); err != nil || string(got) != string(photo) {
		t.Errorf("attachment in the backup: %q %v", got, err)
	}
	st, err := server.OpenSQLite(out)
	if err != nil {
		t.Fatalf("the backup does not open as a platform: %v", err)
	}
	st.Close()
	if code := run(context.Background(), []string{"backup", "--db", db}, strings.NewReader(""), io.Discard, &stderr); code != 2 {
		t.Errorf("backup without --out: exit %d", code)
	}
}
