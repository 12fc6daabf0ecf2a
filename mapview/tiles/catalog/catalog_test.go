package catalog

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
)

// geoplateforme serves the WMTS and WMS capabilities fixtures at /wmts
// and /wms-r, their addresses made its own.
func geoplateforme(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		file := map[string]string{
			"/wmts WMTS":  "../wmts/testdata/geopf-wmts.xml",
			"/wms-r WMS":  "../wms/testdata/geopf-wms-r.xml",
			"/other WMS":  "../wms/testdata/wms111-latin1.xml",
			"/other WMTS": "",
		}[r.URL.Path+" "+q.Get("SERVICE")]
		if file == "" || q.Get("REQUEST") != "GetCapabilities" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`<ServiceExceptionReport><ServiceException code="InvalidParameterValue">no such service</ServiceException></ServiceExceptionReport>`))
			return
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Error(err)
		}
		data = bytes.ReplaceAll(data, []byte("https://data.geopf.fr"), []byte(srv.URL))
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadGeoplateforme(t *testing.T) {
	srv := geoplateforme(t)
	for _, c := range []struct {
		path, protocol, want string
	}{
		{"/wmts", "", tiles.ProtocolWMTS},
		{"/wms-r", "", tiles.ProtocolWMS},
		{"/wms-r?SERVICE=WMS&REQUEST=GetCapabilities", "", tiles.ProtocolWMS},
		{"/other", tiles.ProtocolWMS, tiles.ProtocolWMS},
		{"/other/wmts-like", "", ""},
	} {
		cat, err := Read(t.Context(), srv.Client(), srv.URL+c.path, c.protocol, "Terrimap-test")
		if c.want == "" {
			if !errors.Is(err, ogcxml.ErrException) {
				t.Errorf("%s: %v, want the server's exception", c.path, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if cat.Protocol != c.want {
			t.Errorf("%s: read as %s, want %s", c.path, cat.Protocol, c.want)
		}
	}

	cat, err := Read(t.Context(), srv.Client(), srv.URL+"/wmts", "", "")
	if err != nil {
		t.Fatal(err)
	}
	pcrs, ok := cat.Layer("PCRS.LAMB93")
	if !ok || pcrs.Usable() || !strings.Contains(pcrs.Abstract, "5 cm") {
		t.Errorf("WMTS PCRS = %+v: listed, with its abstract, but in Lambert-93 only", pcrs)
	}
	if _, err := cat.Basemap("PCRS.LAMB93", "", "", ""); !errors.Is(err, ErrUnusable) {
		t.Errorf("WMTS PCRS basemap: %v, want ErrUnusable", err)
	}
	tournus := orb.Bound{Min: orb.Point{4.85, 46.52}, Max: orb.Point{4.95, 46.60}}
	if !pcrs.Covers(tournus) || pcrs.Covers(orb.Bound{Min: orb.Point{-61.8, 15.8}, Max: orb.Point{-61.0, 16.5}}) {
		t.Errorf("PCRS extent %v: covers Tournus, not Guadeloupe", pcrs.Bound)
	}
	ortho, _ := cat.Layer("ORTHOIMAGERY.ORTHOPHOTOS")
	if ortho.Grids[0] != "PM" || ortho.Formats[0] != "image/jpeg" || ortho.Styles[0] != "normal" || ortho.Attribution != "IGN, Licence Ouverte 2.0" {
		t.Errorf("WMTS ortho = %+v", ortho)
	}
	b, err := cat.Basemap("ORTHOIMAGERY.ORTHOPHOTOS", "", "", "")
	if err != nil || !strings.HasPrefix(b.URL, srv.URL+"/wmts?") {
		t.Errorf("WMTS ortho basemap = %+v, %v", b, err)
	}

	cat, err = Read(t.Context(), srv.Client(), srv.URL+"/wms-r", "", "")
	if err != nil {
		t.Fatal(err)
	}
	pcrs, _ = cat.Layer("PCRS.LAMB93")
	if !pcrs.Usable() || pcrs.Grids[0] != "EPSG:3857" || len(pcrs.Grids) != 3 {
		t.Errorf("WMS PCRS = %+v: usable in EPSG:3857, then EPSG:4326 and CRS:84", pcrs)
	}
	b, err = cat.Basemap("PCRS.LAMB93", "", "image/jpeg", "EPSG:4326")
	if err != nil || !strings.Contains(b.URL, "BBOX={bbox-latlon}") || b.Kind != tiles.KindPhoto {
		t.Errorf("WMS PCRS in EPSG:4326 = %+v, %v", b, err)
	}
}

func TestReadUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	if _, err := Read(t.Context(), http.DefaultClient, addr+"/wms", "", ""); !errors.Is(err, ogcxml.ErrUnreachable) {
		t.Errorf("a closed server: %v, want ErrUnreachable", err)
	}
	if _, err := Read(t.Context(), http.DefaultClient, "ftp://x/wms", "", ""); err == nil {
		t.Errorf("an ftp address was read")
	}
}
