package tiles

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestBBoxTemplates(t *testing.T) {
	// Zoom 1, column 1, row 0: the north-east quarter of the world.
	tl := maptile.New(1, 0, 1)
	const m, lat = 20037508.342789244, 85.0511287798066
	for _, c := range []struct {
		crs, version string
		want         [4]float64
	}{
		{"EPSG:3857", "1.3.0", [4]float64{0, 0, m, m}},
		{"EPSG:900913", "1.1.1", [4]float64{0, 0, m, m}},
		{"EPSG:4326", "1.3.0", [4]float64{0, 0, lat, 180}}, // latitude first
		{"EPSG:4326", "1.1.1", [4]float64{0, 0, 180, lat}},
		{"CRS:84", "1.3.0", [4]float64{0, 0, 180, lat}},
	} {
		p, ok := BBoxPlaceholder(c.crs, c.version)
		if !ok {
			t.Fatalf("BBoxPlaceholder(%s, %s) refused", c.crs, c.version)
		}
		src, err := NewXYZ(XYZConfig{Name: "w", URL: "http://h/wms?LAYERS=a&BBOX=" + p})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := strings.CutPrefix(src.URL(tl), "http://h/wms?LAYERS=a&BBOX=")
		parts := strings.Split(got, ",")
		if !ok || len(parts) != 4 {
			t.Fatalf("%s %s: URL = %s", c.crs, c.version, src.URL(tl))
		}
		for i, part := range parts {
			v, err := strconv.ParseFloat(part, 64)
			if err != nil || math.Abs(v-c.want[i]) > 1e-6*max(1, math.Abs(c.want[i])) {
				t.Errorf("%s %s: BBOX = %s, want %v", c.crs, c.version, got, c.want)
				break
			}
		}
	}
	if _, ok := BBoxPlaceholder("EPSG:2154", "1.3.0"); ok {
		t.Errorf("Lambert-93 accepted for a Web Mercator tile")
	}
}

func TestTileMatrixTemplate(t *testing.T) {
	src, err := NewXYZ(XYZConfig{Name: "m", URL: "http://h/wmts?TILEMATRIX={tilematrix}&TILEROW={y}&TILECOL={x}",
		MatrixIDs: []string{"EPSG:3857:0", "EPSG:3857:1", "", "EPSG:3857:3"}, MaxZoom: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := src.URL(maptile.New(1, 0, 1)), "http://h/wmts?TILEMATRIX=EPSG%3A3857%3A1&TILEROW=0&TILECOL=1"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
	// Zoom 2 has no matrix: no request at all.
	if _, err := src.Fetch(t.Context(), maptile.New(0, 0, 2)); !errors.Is(err, ErrNoTile) {
		t.Errorf("Fetch of a zoom without matrix = %v, want ErrNoTile", err)
	}
}

func TestTemplatesRefused(t *testing.T) {
	for _, u := range []string{
		"http://h/wms?BBOX={bbox}&X={x}",
		"http://h/wms?BBOX={bbox}&B={bbox-lonlat}",
		"http://h/wmts?TILEMATRIX={tilematrix}&TILEROW={y}&TILECOL={x}", // no matrices given
	} {
		if _, err := NewXYZ(XYZConfig{Name: "r", URL: u}); !errors.Is(err, ErrInvalidSource) {
			t.Errorf("NewXYZ(%s) = %v, want ErrInvalidSource", u, err)
		}
	}
}

func TestServiceLayerRoundTrip(t *testing.T) {
	l := ServiceLayer{Protocol: ProtocolWMS, Title: "Communes", URL: "http://h/wms?LAYERS=a&BBOX={bbox}",
		Attribution: "© IGN", MaxZoom: 20, Format: FormatPNG}
	name := l.BasemapName()
	if !Named(name) {
		t.Fatalf("Named(%s) = false", name)
	}
	back, err := ParseServiceLayer(name)
	if err != nil || back.URL != l.URL || back.Attribution != l.Attribution || back.Title != l.Title {
		t.Fatalf("ParseServiceLayer = %+v, %v; want %+v", back, err, l)
	}
	src, closer, err := Open(name, OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if _, ok := src.(*CachedSource); !ok {
		t.Errorf("Open(%s) = %T, want a cached source", name, src)
	}
	if info := src.Info(); info.Attribution != "© IGN" || info.Title != "Communes" {
		t.Errorf("Info = %+v", info)
	}
	if cfg := l.Config(); cfg.PrepareLimit != wmsPrepareLimit || !strings.Contains(cfg.BulkNote, "WMS") {
		t.Errorf("a WMS prepares up to %d tiles (%q), want %d", cfg.PrepareLimit, cfg.BulkNote, wmsPrepareLimit)
	}
	other := l
	other.URL += "&STYLES=x"
	if l.Config().Name == other.Config().Name {
		t.Errorf("two layers share the cache %s", l.Config().Name)
	}
	for _, bad := range []string{ServicePrefix + "{", ServicePrefix + `{"protocol":"WFS"}`} {
		if _, _, err := Open(bad, OpenOptions{}); !errors.Is(err, ErrInvalidSource) {
			t.Errorf("Open(%s) = %v, want ErrInvalidSource", bad, err)
		}
	}
}
