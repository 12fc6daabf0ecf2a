// Package ogcserve starts real map servers on loopback for tests — QGIS
// Server (qgis.go) and MapServer behind lighttpd (mapserver.go) — each
// publishing a GeoPackage layer as WFS, WMS and, for QGIS Server, OGC API –
// Features. A server is stopped by its process id when the test ends.
//
// The servers come from Debian's packages (`make deps`); a test that needs
// one fails, with the command to run, when it is missing.
package ogcserve

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Server is a map server started for a test, stopped by tb.Cleanup.
type Server struct {
	// Base is http://127.0.0.1:PORT.
	Base string
	// WFS is the WFS endpoint (a GetCapabilities address without its query).
	WFS string
	// WMS is the WMS endpoint.
	WMS string
	// OGCAPI is the OGC API – Features landing page; "" when the server has none.
	OGCAPI string
	// Layer is the published layer's name (the WFS type name, unqualified).
	Layer string

	cmd    *exec.Cmd
	exited chan error // receives the process's end
}

// communesEnv overrides where the communes of Saône-et-Loire are.
const communesEnv = "TERRIMAP_COMMUNES71"

// CommunesLayer is the layer of the communes GeoPackage.
const CommunesLayer = "communes_71"

// readyTimeout bounds the wait for a server to answer.
const readyTimeout = 60 * time.Second

// CommunesSource is the path of the communes of Saône-et-Loire GeoPackage
// (567 features, EPSG:4326, layer CommunesLayer): $TERRIMAP_COMMUNES71 or
// the copy in this package's testdata (testdata/SOURCE.txt).
func CommunesSource(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(communesEnv); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("ogcserve: no go.mod above the test's folder")
		}
		dir = parent
	}
	p := filepath.Join(dir, "internal", "ogcserve", "testdata", "communes-71-saone-et-loire.gpkg")
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("ogcserve: the communes of Saône-et-Loire: %v (set %s)", err, communesEnv)
	}
	return p
}

// CopyCommunes copies the communes GeoPackage into a temporary folder of
// the test, writable (a test edits it to see a refresh), and returns its path.
func CopyCommunes(tb testing.TB) string {
	tb.Helper()
	src, err := os.Open(CommunesSource(tb))
	if err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	defer src.Close()
	dst := filepath.Join(tb.TempDir(), "communes-71.gpkg")
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		tb.Fatalf("ogcserve: copying the communes: %v", err)
	}
	if err := out.Close(); err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	return dst
}

// FreePort returns a TCP port of 127.0.0.1 free at the time of the call.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("ogcserve: a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// needProgram fails the test when a server's program is not installed.
func needProgram(tb testing.TB, path, pkg string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("ogcserve: %s is missing: run `make deps` (Debian package %s)", path, pkg)
	}
}

// start runs cmd in its own process group, registers its stop, and waits
// until probe answers HTTP 200 (bounded by readyTimeout).
func (s *Server) start(tb testing.TB, cmd *exec.Cmd, probe string, log *os.File) {
	tb.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		tb.Fatalf("ogcserve: starting %s: %v", cmd.Path, err)
	}
	s.cmd = cmd
	exited := make(chan error, 1)
	s.exited = exited
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(s.Stop)
	deadline := time.Now().Add(readyTimeout)
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := hc.Get(probe)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		select {
		case e := <-exited:
			tb.Fatalf("ogcserve: %s stopped before answering (%v); its log: %s", cmd.Path, e, readLog(log))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("ogcserve: %s does not answer %s after %s: %v; its log: %s", cmd.Path, probe, readyTimeout, err, readLog(log))
		}
	}
}

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 10 * time.Second

// Stop ends the server's process group, by its process id, and waits for
// the server to be gone.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	pid := s.cmd.Process.Pid
	s.cmd = nil
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	select {
	case <-s.exited:
	case <-time.After(stopGrace):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.exited
	}
}

func readLog(f *os.File) string {
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return err.Error()
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
