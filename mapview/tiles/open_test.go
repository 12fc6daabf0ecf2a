package tiles

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestOpenNamed(t *testing.T) {
	for _, c := range []struct {
		name     string
		named    bool
		none     bool
		failWith error
	}{
		{name: "none", named: true, none: true},
		{name: "", named: true, none: true},
		{name: "osm", named: true},
		{name: "ign-plan", named: true},
		{name: "platform:https://sig.example.fr#reseaux", named: true},
		{name: "platform:ftp://sig.example.fr", named: true, failWith: ErrInvalidSource},
		{name: filepath.Join("testdata", "geography-class-png.mbtiles"), named: true},
		{name: filepath.Join("testdata", "stamen_toner_raster_z3.pmtiles"), named: true},
		{name: filepath.Join("testdata", "invalid.mbtiles"), named: true, failWith: ErrInvalidSource},
		{name: "google", failWith: ErrInvalidSource},
	} {
		if got := Named(c.name); got != c.named {
			t.Errorf("Named(%q) = %v", c.name, got)
		}
		src, closer, err := Open(c.name, OpenOptions{CacheDir: t.TempDir(), UserAgent: "Terrimap/test"})
		if closer == nil {
			t.Fatalf("Open(%q) gave no closer", c.name)
		}
		closer.Close()
		switch {
		case c.failWith != nil:
			if !errors.Is(err, c.failWith) {
				t.Errorf("Open(%q): %v, want %v", c.name, err, c.failWith)
			}
		case err != nil:
			t.Errorf("Open(%q): %v", c.name, err)
		case (src == nil) != c.none:
			t.Errorf("Open(%q) gave source %v", c.name, src)
		}
	}
}
