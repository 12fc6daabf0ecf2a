package wms

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
	c, err := Parse(readFixture(t, "geopf-wms-r.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "1.3.0" || c.Provider != "IGN" || c.AccessConstraints != "Licence Ouverte 2.0" || c.GetMapURL != "https://data.geopf.fr/wms-r?" {
		t.Errorf("service = %q %q %q %q", c.Version, c.Provider, c.AccessConstraints, c.GetMapURL)
	}
	var names []string
	for _, l := range c.Layers {
		names = append(names, l.Name)
	}
	want := []string{"ORTHOIMAGERY.ORTHOPHOTOS", "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2", "CADASTRALPARCELS.PARCELLAIRE_EXPRESS", "PCRS.LAMB93"}
	if !slices.Equal(names, want) {
		t.Fatalf("layers = %v, want %v (the unnamed root left out)", names, want)
	}
	pcrs, _ := c.Layer("PCRS.LAMB93")
	if pcrs.TileCRS() != "EPSG:3857" || pcrs.Depth != 1 || !strings.Contains(pcrs.Abstract, "5 cm") {
		t.Errorf("PCRS = %+v", pcrs)
	}
	if got := c.Attribution(pcrs); got != "PCRS – IGN et autorités publiques locales compétentes" {
		t.Errorf("PCRS attribution = %q", got)
	}
	ortho, _ := c.Layer("ORTHOIMAGERY.ORTHOPHOTOS")
	if got := c.Attribution(ortho); got != "IGN, Licence Ouverte 2.0" {
		t.Errorf("ortho attribution = %q, want the provider and the licence", got)
	}
	b, err := c.Basemap("PCRS.LAMB93", Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(b.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, v := range map[string]string{"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "PCRS.LAMB93",
		"STYLES": "normal", "FORMAT": "image/png", "CRS": "EPSG:3857", "WIDTH": "256", "HEIGHT": "256", "BBOX": "{bbox}"} {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q in %s", k, q.Get(k), v, b.URL)
		}
	}
	if u.Host != "data.geopf.fr" || u.Path != "/wms-r" || b.Protocol != tiles.ProtocolWMS || b.MaxZoom != 20 {
		t.Errorf("basemap = %+v", b)
	}
	// The cadastre is drawn down to 1:500: zoom 20 at most.
	cad, err := c.Basemap("CADASTRALPARCELS.PARCELLAIRE_EXPRESS", Options{Format: "image/jpeg"})
	if err != nil || cad.MaxZoom != 20 || cad.Kind != tiles.KindPhoto || !strings.Contains(cad.URL, "STYLES=PCI+vecteur") {
		t.Errorf("cadastre = %+v, %v", cad, err)
	}
	if _, err := tiles.NewXYZ(b.Config()); err != nil {
		t.Errorf("the basemap is not a tile source: %v", err)
	}
}

func TestParse111Latin1(t *testing.T) {
	c, err := Parse(readFixture(t, "wms111-latin1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Réseaux de la communauté de communes" || c.Provider != "CC Mâconnais-Tournugeois" {
		t.Errorf("title %q, provider %q: ISO-8859-1 misread", c.Title, c.Provider)
	}
	eau, ok := c.Layer("eau")
	if !ok || !slices.Equal(eau.CRS, []string{"EPSG:2154", "EPSG:4326"}) || eau.DefaultStyle() != "default" ||
		len(eau.Styles) != 2 || eau.Bound.Min[0] != 4.7 {
		t.Fatalf("eau = %+v: SRS, styles and extent are inherited", eau)
	}
	if got := c.Attribution(eau); got != "CC Mâconnais-Tournugeois" {
		t.Errorf("attribution = %q (AccessConstraints NONE says nothing)", got)
	}
	b, err := c.Basemap("eau", Options{Style: "materiau"})
	if err != nil {
		t.Fatal(err)
	}
	// 1.1.1: SRS, longitude first; the map= of the address is kept.
	for _, part := range []string{"SRS=EPSG%3A4326", "VERSION=1.1.1", "map=%2Fsrv%2Freseaux.map", "STYLES=materiau",
		"FORMAT=image%2Fpng", "BBOX={bbox-lonlat}"} {
		if !strings.Contains(b.URL, part) {
			t.Errorf("%s not in %s", part, b.URL)
		}
	}
	if as, _ := c.Layer("assainissement"); as.Depth != 2 || as.TileCRS() != "EPSG:4326" {
		t.Errorf("assainissement = %+v: two levels down, EPSG:4326 inherited from the root", as)
	}
	// A 1.3.0 server asked in EPSG:4326: latitude first.
	c.Version = "1.3.0"
	if b, _ := c.Basemap("eau", Options{}); !strings.Contains(b.URL, "BBOX={bbox-latlon}") || !strings.Contains(b.URL, "CRS=EPSG%3A4326") {
		t.Errorf("1.3.0 in EPSG:4326: %s", b.URL)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"exception", readFixture(t, "exception.xml"), ogcxml.ErrException},
		{"html", []byte("<html><body>Not found</body></html>"), ErrNotCapabilities},
		{"empty", nil, ErrNotCapabilities},
		{"truncated", readFixture(t, "geopf-wms-r.xml")[:900], ErrNotCapabilities},
		{"wmts", []byte(`<Capabilities xmlns="http://www.opengis.net/wmts/1.0" version="1.0.0"/>`), ErrNotCapabilities},
	} {
		if _, err := Parse(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: Parse = %v, want %v", c.name, err, c.want)
		}
	}
	c, err := Parse(readFixture(t, "wms111-latin1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	c.Layers = append(c.Layers, Layer{Name: "l93", CRS: []string{"EPSG:2154"}})
	if _, err := c.Basemap("l93", Options{}); !errors.Is(err, ErrNoTileCRS) {
		t.Errorf("a layer only in Lambert-93: %v, want ErrNoTileCRS", err)
	}
	if _, err := c.Basemap("nothing", Options{}); err == nil {
		t.Errorf("an unknown layer made a basemap")
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"geopf-wms-r.xml", "wms111-latin1.xml", "exception.xml"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`<WMS_Capabilities version="1.3.0"><Capability><Layer><Name>a</Name><CRS>EPSG:3857</CRS><Layer><Name>b</Name></Layer></Layer></Capability></WMS_Capabilities>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		for _, l := range c.Layers {
			if l.Name == "" {
				t.Fatalf("an unnamed layer listed: %+v", l)
			}
			b, err := c.Basemap(l.Name, Options{Endpoint: "http://127.0.0.1/wms"})
			if err != nil {
				continue
			}
			if _, err := tiles.NewXYZ(b.Config()); err != nil && l.TileCRS() != "" {
				// A name the URL cannot carry is refused, never a panic.
				if !errors.Is(err, tiles.ErrInvalidSource) {
					t.Fatalf("NewXYZ: %v", err)
				}
			}
		}
	})
}
