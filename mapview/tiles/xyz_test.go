package tiles

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

func TestNewXYZRefusesBadConfigs(t *testing.T) {
	for _, c := range []XYZConfig{
		{Name: "", URL: "https://a/{z}/{x}/{y}.png"},
		{Name: "../x", URL: "https://a/{z}/{x}/{y}.png"},
		{Name: "a", URL: "https://a/{z}/{x}.png"},
		{Name: "a", URL: "https://a/{z}/{x}/{y}/{-y}.png"},
		{Name: "a", URL: "https://a/{z}/{x}/{y}.png?key={apikey}"},
		{Name: "a", URL: "https://{s}.a/{z}/{x}/{y}.png"},
		{Name: "a", URL: "ftp://a/{z}/{x}/{y}.png"},
		{Name: "a", URL: "/{z}/{x}/{y}.png"},
		{Name: "a", URL: "https://a/{z}/{x}/{y}.png", MinZoom: 5, MaxZoom: 3},
		{Name: "a", URL: "https://a/{z}/{x}/{y}.png", TileSize: 10},
	} {
		if _, err := NewXYZ(c); !errors.Is(err, ErrInvalidSource) {
			t.Errorf("NewXYZ(%q, %q) = %v, want ErrInvalidSource", c.Name, c.URL, err)
		}
	}
}

func TestXYZURL(t *testing.T) {
	tl := maptile.New(8, 5, 4)
	for _, c := range []struct {
		cfg  XYZConfig
		want string
	}{
		{XYZConfig{URL: "https://t/{z}/{x}/{y}.png"}, "https://t/4/8/5.png"},
		{XYZConfig{URL: "https://t/{z}/{x}/{-y}.png"}, "https://t/4/8/10.png"},
		{XYZConfig{URL: "https://{s}.t/{z}/{x}/{y}.png", Subdomains: []string{"a", "b", "c"}}, "https://b.t/4/8/5.png"},
	} {
		c.cfg.Name = "t"
		src, err := NewXYZ(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := src.URL(tl); got != c.want {
			t.Errorf("URL(%s) = %s, want %s", c.cfg.URL, got, c.want)
		}
	}
}

func TestPresets(t *testing.T) {
	want := map[string]string{
		"osm":          "https://tile.openstreetmap.org/14/8468/5874.png",
		"ign-plan":     "LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png&TILEMATRIX=14&TILEROW=5874&TILECOL=8468",
		"ign-ortho":    "LAYER=ORTHOIMAGERY.ORTHOPHOTOS&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/jpeg&TILEMATRIX=14",
		"ign-cadastre": "LAYER=CADASTRALPARCELS.PARCELLAIRE_EXPRESS&STYLE=PCI%20vecteur&TILEMATRIXSET=PM&FORMAT=image/png",
		// Zoom 14, column 8468: 8468 × 2445.9849 m − 20037508.3428 m.
		"ign-pcrs": "wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=PCRS.LAMB93&STYLES=&FORMAT=image/png&TRANSPARENT=TRUE" +
			"&CRS=EPSG:3857&WIDTH=256&HEIGHT=256&BBOX=675091.83381",
	}
	if len(Presets()) != len(want) {
		t.Fatalf("%d presets, want %d", len(Presets()), len(want))
	}
	for name, frag := range want {
		cfg, ok := Preset(name)
		if !ok {
			t.Fatalf("no preset %q", name)
		}
		src, err := NewXYZ(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if u := src.URL(maptile.New(8468, 5874, 14)); !strings.Contains(u, frag) {
			t.Errorf("%s: URL %s lacks %s", name, u, frag)
		}
		attr := AttributionIGN
		switch name {
		case "osm":
			attr = AttributionOSM
		case "ign-pcrs":
			attr = AttributionPCRS
		}
		if src.Info().Attribution != attr {
			t.Errorf("%s: attribution %q", name, src.Info().Attribution)
		}
	}
	if _, ok := Preset("google"); ok {
		t.Error("Preset(google) found")
	}
	osm, _ := Preset("osm")
	if osm.PrepareLimit != 50000 || !strings.Contains(osm.BulkNote, "bulk downloading") {
		t.Errorf("osm preset: limit %d, note %q", osm.PrepareLimit, osm.BulkNote)
	}
	cfg, err := Platform("https://sig.example.fr/", "plan")
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewXYZ(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if u := src.URL(maptile.New(1, 2, 3)); u != "https://sig.example.fr/tiles/plan/3/1/2.png" {
		t.Errorf("platform URL %s", u)
	}
	if _, err := Platform("sig.example.fr", "plan"); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("Platform without scheme: %v", err)
	}
	if _, err := Platform("https://sig.example.fr", "a/b"); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("Platform with a slash in the style: %v", err)
	}
}

func TestXYZFetch(t *testing.T) {
	s := newFakeServer(t)
	ctx := context.Background()
	tl := maptile.New(3, 2, 2)

	img, err := s.source(t, "ok", "ok").Tile(ctx, tl)
	if err != nil {
		t.Fatal(err)
	}
	if got := colorAt(img, 10, 10); got != tileColor(tl) {
		t.Errorf("tile colour %v, want %v", got, tileColor(tl))
	}
	if !s.sawAgent("Terrimap/test (+mailto:sig@example.org)") {
		t.Error("the request did not carry Terrimap's User-Agent")
	}

	for _, c := range []struct {
		mode string
		want error
		text string
	}{
		{"missing", ErrNoTile, "404"},
		{"wmts", ErrNoTile, "400"},
		{"garbage", ErrInvalidSource, `Content-Type "text/html"`},
		{"broken", ErrOffline, "500"},
		{"refuse", ErrInvalidSource, "usage policy"},
	} {
		_, err := s.source(t, c.mode, c.mode).Tile(ctx, tl)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) || !strings.HasPrefix(err.Error(), "tiles: ") {
			t.Errorf("%s: %v, want %v mentioning %q", c.mode, err, c.want, c.text)
		}
	}
	if _, err := s.source(t, "ok", "ok").Tile(ctx, maptile.New(0, 0, 20)); !errors.Is(err, ErrNoTile) {
		t.Errorf("beyond MaxZoom: %v", err)
	}
	if _, err := s.source(t, "ok", "ok").Tile(ctx, maptile.New(4, 0, 1)); !errors.Is(err, ErrNoTile) {
		t.Errorf("invalid tile: %v", err)
	}
}

func TestXYZSlowHonoursDeadline(t *testing.T) {
	s := newFakeServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.source(t, "slow", "slow").Tile(ctx, maptile.New(0, 0, 1))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrOffline) {
		t.Errorf("slow server, caller's deadline: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	// The source's own timeout: the server is as good as unreachable.
	src := s.source(t, "slow", "slow", func(c *XYZConfig) { c.Timeout = 150 * time.Millisecond })
	if _, err := src.Tile(context.Background(), maptile.New(0, 0, 1)); !errors.Is(err, ErrOffline) {
		t.Errorf("slow server, source timeout: %v", err)
	}
}

func TestXYZUnreachable(t *testing.T) {
	s := newFakeServer(t)
	src := s.source(t, "gone", "ok")
	s.Close()
	_, err := src.Tile(context.Background(), maptile.New(0, 0, 1))
	if !errors.Is(err, ErrOffline) {
		t.Errorf("closed server: %v", err)
	}
}

func TestXYZLimitsConcurrency(t *testing.T) {
	s := newFakeServer(t)
	s.delay = 20 * time.Millisecond
	lim := NewLimiter(2)
	a := s.source(t, "a", "ok", func(c *XYZConfig) { c.Limiter = lim })
	b := s.source(t, "b", "ok", func(c *XYZConfig) { c.Limiter = lim })
	var wg sync.WaitGroup
	for i := range 12 {
		src := a
		if i%2 == 1 {
			src = b
		}
		wg.Go(func() {
			if _, err := src.Tile(context.Background(), maptile.New(uint32(i), 0, 4)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := s.maxFlight.Load(); m > 2 {
		t.Errorf("%d requests in flight at once to one provider, want ≤ 2", m)
	}
}

func TestMaxAge(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"":                             0,
		"max-age=3600":                 time.Hour,
		"public, max-age=86400, stale": 24 * time.Hour,
		"no-cache":                     0,
		"max-age=x":                    0,
	} {
		h := http.Header{}
		h.Set("Cache-Control", v)
		if got := maxAge(h); got != want {
			t.Errorf("maxAge(%q) = %v, want %v", v, got, want)
		}
	}
}
