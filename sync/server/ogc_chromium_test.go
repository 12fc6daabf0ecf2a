package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The HTML pages as a browser shows them: headless Chromium (Debian's
// chromium, in make deps) opens each kind of page, signed in by HTTP Basic
// with the credentials in the URL as a person's bookmark would hold them,
// and takes a screenshot, which must hold a page's worth of dark text on
// a light background. TERRIMAP_SCREENSHOTS names a folder to keep the
// screenshots in, to look at them.

// chromiumTimeout bounds one screenshot; Chromium is stopped (its process
// group, by its id) past it.
const chromiumTimeout = 90 * time.Second

func TestOGCHTMLInChromium(t *testing.T) {
	e := newOGCHTMLEnv(t)
	// The platform's handler, behind a recorder of what it answered.
	rec := &answers{byURL: map[string][]string{}}
	srv := httptest.NewServer(rec.wrap(e.srv.Config.Handler))
	t.Cleanup(srv.Close)
	base, err := url.Parse(srv.URL)
	ogcMust(t, err)
	base.User = url.UserPassword("admin", ogcPassword)
	keep := os.Getenv("TERRIMAP_SCREENSHOTS")
	pages := []struct {
		name, path string
		status     int
	}{
		{"landing", "/ogc", 200},
		{"conformance", "/ogc/conformance", 200},
		{"collections", "/ogc/collections", 200},
		{"collection", "/ogc/collections/pei", 200},
		{"items", "/ogc/collections/pei/items?limit=10", 200},
		{"items-datetime", "/ogc/collections/interventions/items?limit=10&datetime=2024-03-01/2024-03-31", 200},
		{"item", "/ogc/collections/pei/items/" + ogcPEIID(1), 200},
		{"not-found", "/ogc/collections/nulle", 404},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			shot := filepath.Join(t.TempDir(), p.name+".png")
			// No f=html: the browser's own Accept header asks for the page.
			screenshot(t, base.String()+p.path, shot)
			// Chromium asked without credentials, was challenged, then
			// asked with them and got the page.
			got := rec.of(p.path)
			want := fmt.Sprintf("%d %s", p.status, "text/html; charset=utf-8")
			if len(got) < 2 || got[0] != "401 text/html; charset=utf-8" || got[len(got)-1] != want {
				t.Errorf("%s: answers %q, want a 401 page then %q", p.name, got, want)
			}
			dark, light := inkOf(t, shot)
			if dark < 0.004 || light < 0.5 {
				t.Errorf("%s: %.2f %% dark text pixels, %.0f %% light background: a blank or unstyled page?", p.name, 100*dark, 100*light)
			}
			if keep != "" {
				b, err := os.ReadFile(shot)
				ogcMust(t, err)
				ogcMust(t, os.WriteFile(filepath.Join(keep, p.name+".png"), b, 0o644))
			}
		})
	}
}

// screenshot runs headless Chromium on a page, writing a PNG of 1280×900.
func screenshot(t *testing.T, pageURL, file string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "chromium", "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--user-data-dir="+t.TempDir(), "--hide-scrollbars",
		"--screenshot="+file, "--window-size=1280,900", pageURL)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if cmd.Process != nil {
		// Chromium's helpers share its process group: none outlives the test.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium stopped after %v\n%s", chromiumTimeout, out.String())
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out.String())
	}
}

// inkOf returns the shares of a PNG's pixels that are dark (text, luma
// under 96) and light (background, luma above 224).
func inkOf(t *testing.T, file string) (dark, light float64) {
	t.Helper()
	f, err := os.Open(file)
	ogcMust(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	b := img.Bounds()
	if b.Dx() != 1280 || b.Dy() != 900 {
		t.Fatalf("screenshot of %v", b)
	}
	var nDark, nLight int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			luma := (299*r + 587*g + 114*bl) / 1000 >> 8
			switch {
			case luma < 96:
				nDark++
			case luma > 224:
				nLight++
			}
		}
	}
	n := float64(b.Dx() * b.Dy())
	return float64(nDark) / n, float64(nLight) / n
}

// answers records the status and type of each answer, by request URI.
type answers struct {
	mu    sync.Mutex
	byURL map[string][]string
}

func (a *answers) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &countingWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		a.mu.Lock()
		defer a.mu.Unlock()
		a.byURL[r.URL.RequestURI()] = append(a.byURL[r.URL.RequestURI()], fmt.Sprintf("%d %s", sw.status, w.Header().Get("Content-Type")))
	})
}

// of returns the answers to a request URI, in order.
func (a *answers) of(uri string) []string {
	u, _ := url.Parse(uri)
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.byURL[u.RequestURI()])
}
