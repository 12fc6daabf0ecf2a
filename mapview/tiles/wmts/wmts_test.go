package wmts

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseGeoplateforme(t *testing.T) {
	c, err := Parse(readFixture(t, "geopf-wmts.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Provider != "IGN" || c.GetTileKVP != "https://data.geopf.fr/wmts?" || c.Attribution() != "IGN, Licence Ouverte 2.0" {
		t.Errorf("service: provider %q, GetTile %q, attribution %q", c.Provider, c.GetTileKVP, c.Attribution())
	}
	if len(c.Layers) != 4 || len(c.Sets) != 2 {
		t.Fatalf("%d layers, %d sets", len(c.Layers), len(c.Sets))
	}
	ids, minZ, maxZ, ok := c.Sets["PM"].Zooms()
	if !ok || minZ != 0 || maxZ != 21 || ids[14] != "14" {
		t.Errorf("PM: %v %d–%d %v", ok, minZ, maxZ, ids)
	}
	if _, _, _, ok := c.Sets["LAMB93"].Zooms(); ok {
		t.Errorf("LAMB93 taken for Web Mercator")
	}
	cad, err := c.Basemap("CADASTRALPARCELS.PARCELLAIRE_EXPRESS", Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := tiles.NewXYZ(cad.Config())
	if err != nil {
		t.Fatal(err)
	}
	// The same request as the preset «ign-cadastre» makes.
	got := src.URL(maptile.New(8468, 5874, 14))
	for _, part := range []string{"LAYER=CADASTRALPARCELS.PARCELLAIRE_EXPRESS", "STYLE=PCI+vecteur", "TILEMATRIXSET=PM",
		"FORMAT=image%2Fpng", "TILEMATRIX=14&TILEROW=5874&TILECOL=8468", "SERVICE=WMTS", "REQUEST=GetTile"} {
		if !strings.Contains(got, part) {
			t.Errorf("%s not in %s", part, got)
		}
	}
	if ortho, _ := c.Basemap("ORTHOIMAGERY.ORTHOPHOTOS", Options{}); ortho.Kind != tiles.KindPhoto || ortho.Format != tiles.FormatJPEG {
		t.Errorf("ortho: %+v", ortho)
	}
	pcrs, _ := c.Layer("PCRS.LAMB93")
	if sets := c.MercatorSets(pcrs); len(sets) != 0 {
		t.Errorf("PCRS sets %v", sets)
	}
	if _, err := c.Basemap("PCRS.LAMB93", Options{}); !errors.Is(err, ErrNoMercatorSet) {
		t.Errorf("PCRS in Lambert-93 only: %v, want ErrNoMercatorSet", err)
	}
}

func TestParseRESTful(t *testing.T) {
	c, err := Parse(readFixture(t, "rest-wmts.xml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Basemap("ccmt:communes", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.MinZoom != 5 || b.MaxZoom != 12 || b.Attribution != "CC Mâconnais-Tournugeois" {
		t.Errorf("basemap %+v", b)
	}
	src, err := tiles.NewXYZ(b.Config())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := src.URL(maptile.New(3, 2, 6)), "https://sig.example.fr/gwc/rest/wmts/ccmt:communes/ccmt:contours/EPSG:3857/EPSG%3A3857%3A6/2/3?format=image/png"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"exception", []byte(`<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="InvalidParameterValue"><ows:ExceptionText>Layer inconnu</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`), ogcxml.ErrException},
		{"wms", []byte(`<WMS_Capabilities version="1.3.0"/>`), ErrNotCapabilities},
		{"wfs", []byte(`<wfs:WFS_Capabilities xmlns:wfs="http://www.opengis.net/wfs/2.0"/>`), ErrNotCapabilities},
		{"html", []byte(`<html/>`), ErrNotCapabilities},
		{"cut", readFixture(t, "geopf-wmts.xml")[:3000], ErrNotCapabilities},
	} {
		if _, err := Parse(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	c, _ := Parse(readFixture(t, "rest-wmts.xml"))
	l := c.Layers[0]
	l.Templates["image/png"] = "https://h/{TileMatrix}/{TileRow}/{TileCol}/{Time}.png"
	c.Layers[0] = l
	if _, err := c.Basemap(l.Identifier, Options{}); err == nil {
		t.Errorf("a template with a time dimension was accepted")
	}
}

// tilePNG is a 256-pixel PNG whose colour tells its zoom, column and row.
func tilePNG(t testing.TB, z, x, y int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	c := color.RGBA{uint8(z * 10), uint8(x % 256), uint8(y % 256), 255}
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{c.R, c.G, c.B, c.A})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGeoplateformeFromCapabilities reads the Géoplateforme's
// capabilities from a local server that also serves real PNG tiles of the
// PM matrix set, as data.geopf.fr does, and draws, caches and serves a
// tile offline.
func TestGeoplateformeFromCapabilities(t *testing.T) {
	var tileRequests atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch q.Get("REQUEST") {
		case "GetCapabilities":
			doc := bytes.ReplaceAll(readFixture(t, "geopf-wmts.xml"), []byte("https://data.geopf.fr/wmts"), []byte(srv.URL+"/wmts"))
			w.Header().Set("Content-Type", "application/xml")
			w.Write(doc)
		case "GetTile":
			tileRequests.Add(1)
			z, _ := strconv.Atoi(q.Get("TILEMATRIX"))
			x, _ := strconv.Atoi(q.Get("TILECOL"))
			y, _ := strconv.Atoi(q.Get("TILEROW"))
			if q.Get("LAYER") != "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" || q.Get("TILEMATRIXSET") != "PM" || q.Get("STYLE") != "normal" {
				http.Error(w, "<ExceptionReport/>", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			w.Write(tilePNG(t, z, x, y))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	addr, _ := ogcxml.CapabilitiesURL(srv.URL+"/wmts", "WMTS", "1.0.0")
	data, err := ogcxml.Get(t.Context(), srv.Client(), addr, "Terrimap-test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, l := range c.Layers {
		titles = append(titles, l.Title)
	}
	if !slices.Contains(titles, "Plan de corps de rue simplifié (PCRS) image") {
		t.Errorf("layers %v", titles)
	}
	b, err := c.Basemap("GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, closer, err := tiles.Open(b.BasemapName(), tiles.OpenOptions{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{4.909, 46.563}, 15)
	img, err := src.Tile(t.Context(), tl)
	if err != nil {
		t.Fatal(err)
	}
	want := color.RGBA{150, uint8(tl.X % 256), uint8(tl.Y % 256), 255}
	if got := color.RGBAModel.Convert(img.At(128, 128)); got != want {
		t.Errorf("the tile's colour is %v, want %v (zoom 15, its column and row)", got, want)
	}
	closer.Close()
	srv.Close()
	src, closer, err = tiles.Open(b.BasemapName(), tiles.OpenOptions{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	again, err := src.Tile(t.Context(), tl)
	if err != nil {
		t.Fatalf("the server gone, the cached tile: %v", err)
	}
	if got := color.RGBAModel.Convert(again.At(10, 10)); got != want || tileRequests.Load() != 1 {
		t.Errorf("offline: colour %v, %d requests; want %v from one request", got, tileRequests.Load(), want)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"geopf-wmts.xml", "rest-wmts.xml"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		for _, l := range c.Layers {
			b, err := c.Basemap(l.Identifier, Options{Endpoint: "http://127.0.0.1/wmts"})
			if err != nil {
				continue
			}
			if len(b.MatrixIDs) == 0 || b.MinZoom > b.MaxZoom || b.MatrixIDs[b.MinZoom] == "" || b.MatrixIDs[b.MaxZoom] == "" {
				t.Fatalf("basemap %+v: zooms without matrices", b)
			}
		}
	})
}
