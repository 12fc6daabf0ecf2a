package wms

import (
	"context"
	"errors"
	"image"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/ogcserve"
	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
)

// Tiles of zoom 12: one over Tournus, all inside Saône-et-Loire, and one
// over Paris, outside it.
var (
	tileTournus = maptile.At(orb.Point{4.909, 46.563}, 12)
	tileParis   = maptile.At(orb.Point{2.35, 48.85}, 12)
)

// basemapFrom reads a real server's capabilities and makes its layer a
// basemap, as the app's dialog does.
func basemapFrom(t *testing.T, endpoint, layer, version, crs string) tiles.ServiceLayer {
	t.Helper()
	addr, err := ogcxml.CapabilitiesURL(endpoint, "WMS", version)
	if err != nil {
		t.Fatal(err)
	}
	data, err := ogcxml.Get(t.Context(), http.DefaultClient, addr, "Terrimap-test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != version {
		t.Errorf("asked for %s, the server answered %s", version, c.Version)
	}
	b, err := c.Basemap(layer, Options{Endpoint: endpoint, CRS: crs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// opaqueShare is the share of img's pixels that are opaque, and the count
// of those close to c.
func opaqueShare(img image.Image, c func(r, g, b uint32) bool) (share float64, matching int) {
	bd := img.Bounds()
	n := 0
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			if a > 0xf000 {
				n++
				if c(r>>8, g>>8, b>>8) {
					matching++
				}
			}
		}
	}
	return float64(n) / float64(bd.Dx()*bd.Dy()), matching
}

func near(want [3]uint8) func(r, g, b uint32) bool {
	return func(r, g, b uint32) bool {
		d := func(v uint32, w uint8) bool { return v+24 >= uint32(w) && v <= uint32(w)+24 }
		return d(r, want[0]) && d(g, want[1]) && d(b, want[2])
	}
}

func dark(r, g, b uint32) bool { return r < 90 && g < 90 && b < 90 }

// checkServesOffline draws the Tournus tile through the cache, stops the
// server, and draws it again from the cache alone; inside and outside
// tell whether the tiles show the communes where they lie.
func checkServesOffline(t *testing.T, s *ogcserve.Server, b tiles.ServiceLayer, inside, outline func(image.Image)) {
	t.Helper()
	dir := t.TempDir()
	src, closer, err := tiles.Open(b.BasemapName(), tiles.OpenOptions{CacheDir: dir, UserAgent: "Terrimap-test"})
	if err != nil {
		t.Fatal(err)
	}
	img, err := src.Tile(t.Context(), tileTournus)
	if err != nil {
		t.Fatalf("tile over Tournus: %v", err)
	}
	if img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
		t.Fatalf("the tile is %v pixels", img.Bounds().Size())
	}
	inside(img)
	paris, err := src.Tile(t.Context(), tileParis)
	if err != nil {
		t.Fatalf("tile over Paris: %v", err)
	}
	if share, _ := opaqueShare(paris, dark); share != 0 {
		t.Errorf("the tile over Paris, outside Saône-et-Loire, is %.0f%% drawn", share*100)
	}
	outline(img)
	closer.Close()
	// The offline preparation of a small area around Tournus, as
	// «Préparer le hors-ligne» does it, into the same cache.
	xyz, err := tiles.NewXYZ(b.Config())
	if err != nil {
		t.Fatal(err)
	}
	area := orb.Bound{Min: orb.Point{4.90, 46.555}, Max: orb.Point{4.92, 46.57}}.ToPolygon()
	if err := tiles.Prepare(t.Context(), xyz, dir, area, 13, 14, nil); err != nil {
		t.Fatalf("preparing offline: %v", err)
	}
	prepared := maptile.At(orb.Point{4.91, 46.56}, 14)

	s.Stop()
	src, closer, err = tiles.Open(b.BasemapName(), tiles.OpenOptions{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	again, err := src.Tile(context.Background(), tileTournus)
	if err != nil {
		t.Fatalf("the server stopped, the cached tile: %v", err)
	}
	inside(again)
	if img, err := src.Tile(t.Context(), prepared); err != nil {
		t.Errorf("a prepared tile, the server stopped: %v", err)
	} else {
		inside(img)
	}
	src.(*tiles.CachedSource).SetOffline(true)
	if _, err := src.Tile(t.Context(), tileTournus.Parent()); !errors.Is(err, tiles.ErrOffline) {
		t.Errorf("a tile never fetched, offline: %v, want ErrOffline", err)
	}
}

func TestMapServerBasemap(t *testing.T) {
	s := ogcserve.MapServer(t, ogcserve.CopyCommunes(t), ogcserve.CommunesLayer)
	// EPSG:4326 in both versions: latitude first in 1.3.0, longitude
	// first in 1.1.1; axes swapped would ask for the Indian Ocean.
	for _, c := range []struct{ version, crs string }{{"1.1.1", "EPSG:4326"}, {"1.3.0", "EPSG:4326"}, {"1.1.1", ""}} {
		b := basemapFrom(t, s.WMS, ogcserve.CommunesLayer, c.version, c.crs)
		src, closer, err := tiles.Open(b.BasemapName(), tiles.OpenOptions{CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		img, err := src.Tile(t.Context(), tileTournus)
		closer.Close()
		if err != nil {
			t.Fatalf("%s %s: %v", c.version, c.crs, err)
		}
		if _, fill := opaqueShare(img, near(ogcserve.MapServerFill)); fill < 256*256/2 {
			t.Errorf("%s %s: %d pixels of the communes' fill, want most of the tile (%s)", c.version, c.crs, fill, b.URL)
		}
	}
	b := basemapFrom(t, s.WMS, ogcserve.CommunesLayer, "1.3.0", "")
	if b.Attribution != ogcserve.MapServerAttribution || !strings.Contains(b.URL, "CRS=EPSG%3A3857") {
		t.Errorf("attribution %q, want the layer's %q; %s in EPSG:3857", b.Attribution, ogcserve.MapServerAttribution, b.URL)
	}
	checkServesOffline(t, s, b, func(img image.Image) {
		share, fill := opaqueShare(img, near(ogcserve.MapServerFill))
		if share < 0.99 || fill < 256*256/2 {
			t.Errorf("over Tournus: %.1f%% opaque, %d pixels of the fill; want all drawn, mostly yellow", share*100, fill)
		}
	}, func(img image.Image) {
		if _, red := opaqueShare(img, near(ogcserve.MapServerOutline)); red < 200 {
			t.Errorf("over Tournus: %d pixels of the communes' red outline, want the boundaries drawn", red)
		}
	})
}

func TestQGISServerBasemap(t *testing.T) {
	s := ogcserve.QGIS(t, ogcserve.CopyCommunes(t), ogcserve.CommunesLayer)
	b := basemapFrom(t, s.WMS, ogcserve.CommunesLayer, "1.3.0", "")
	if b.Title != ogcserve.QGISTitle {
		t.Errorf("title %q, want %q", b.Title, ogcserve.QGISTitle)
	}
	checkServesOffline(t, s, b, func(img image.Image) {
		if share, _ := opaqueShare(img, dark); share < 0.99 {
			t.Errorf("over Tournus: %.1f%% opaque, want the communes' fill everywhere", share*100)
		}
	}, func(img image.Image) {
		// QGIS draws a new layer's outline in dark grey (35,35,35).
		if _, outline := opaqueShare(img, dark); outline < 100 {
			t.Errorf("over Tournus: %d dark outline pixels, want the boundaries drawn", outline)
		}
	})
}
