package tiles

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

// solidPNG encodes a size×size PNG of one colour.
func solidPNG(t testing.TB, c color.Color, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tileColor is the colour the fake server paints tile t, so that a test can
// tell which tile it got.
func tileColor(t maptile.Tile) color.RGBA {
	return color.RGBA{R: uint8(t.Z * 20), G: uint8(t.X), B: uint8(t.Y), A: 255}
}

// colorAt returns the colour of img at (x, y) as RGBA.
func colorAt(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y)).(color.RGBA)
}

// fakeServer is a tile server on loopback: GET /{mode}/{z}/{x}/{y}.png.
// Modes: ok (a PNG painted tileColor), missing (404), slow (waits for the
// client to give up), garbage (an HTML page), broken (500), refuse (403),
// wmts (400 TileOutOfRange).
type fakeServer struct {
	*httptest.Server
	requests  atomic.Int64
	inFlight  atomic.Int64
	maxFlight atomic.Int64
	delay     time.Duration // added to every ok answer
	maxAge    int           // Cache-Control max-age, when > 0
	mu        sync.Mutex
	agents    map[string]bool
	missing   map[maptile.Tile]bool // tiles "ok" answers 404 for
}

func newFakeServer(t testing.TB) *fakeServer {
	s := &fakeServer{agents: map[string]bool{}, missing: map[maptile.Tile]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxFlight.Load()
		if n <= m || s.maxFlight.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	s.agents[r.Header.Get("User-Agent")] = true
	s.mu.Unlock()
	var mode string
	var tl maptile.Tile
	if _, err := fmt.Sscanf(strings.ReplaceAll(r.URL.Path, "/", " "), "%s %d %d %d.png", &mode, &tl.Z, &tl.X, &tl.Y); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch mode {
	case "ok":
		s.mu.Lock()
		missing := s.missing[tl]
		s.mu.Unlock()
		if missing {
			http.NotFound(w, r)
			return
		}
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		if s.maxAge > 0 {
			w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", s.maxAge))
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(solidPNGNoT(tileColor(tl), 256))
	case "missing":
		http.NotFound(w, r)
	case "slow":
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case "garbage":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Service en maintenance</body></html>"))
	case "broken":
		http.Error(w, "boom", http.StatusInternalServerError)
	case "refuse":
		http.Error(w, "blocked", http.StatusForbidden)
	case "wmts":
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`<ExceptionReport><Exception exceptionCode="TileOutOfRange"/></ExceptionReport>`))
	default:
		http.NotFound(w, r)
	}
}

// sawAgent reports whether a request came with User-Agent a.
func (s *fakeServer) sawAgent(a string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.agents[a]
}

// setMissing makes the ok mode answer 404 for tl.
func (s *fakeServer) setMissing(tl maptile.Tile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missing[tl] = true
}

// copyFile copies a file for a test.
func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readTestdata reads a file of testdata.
func readTestdata(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}

// solidPNGNoT is solidPNG for the server's goroutines, which have no T.
func solidPNGNoT(c color.Color, size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.SetRGBA(x, y, color.RGBAModel.Convert(c).(color.RGBA))
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// source returns an XYZ source on the fake server's mode.
func (s *fakeServer) source(t testing.TB, name, mode string, edit ...func(*XYZConfig)) *XYZ {
	t.Helper()
	cfg := XYZConfig{
		Name:      name,
		URL:       s.URL + "/" + mode + "/{z}/{x}/{y}.png",
		MaxZoom:   19,
		UserAgent: UserAgent("test", "mailto:sig@example.org"),
		Timeout:   5 * time.Second,
	}
	for _, e := range edit {
		e(&cfg)
	}
	src, err := NewXYZ(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
