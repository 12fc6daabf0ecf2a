package ogcxml

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCapabilitiesURL(t *testing.T) {
	for _, c := range []struct {
		addr, service, version string
		want                   url.Values
	}{
		{"https://data.geopf.fr/wmts", "WMTS", "1.0.0", url.Values{"SERVICE": {"WMTS"}, "REQUEST": {"GetCapabilities"}, "VERSION": {"1.0.0"}}},
		// MapServer's map= stays; a GetMap request's own keys give way.
		{"http://h/cgi-bin/mapserv?map=/srv/a.map&request=GetMap&service=WMS", "WMS", "",
			url.Values{"map": {"/srv/a.map"}, "SERVICE": {"WMS"}, "REQUEST": {"GetCapabilities"}}},
	} {
		got, err := CapabilitiesURL(c.addr, c.service, c.version)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(got)
		if q := u.Query(); q.Encode() != c.want.Encode() {
			t.Errorf("CapabilitiesURL(%s) = %s, want the query %s", c.addr, got, c.want.Encode())
		}
	}
	for _, bad := range []string{"", "ftp://h/wms", "/wms", "http://"} {
		if _, err := CapabilitiesURL(bad, "WMS", ""); err == nil {
			t.Errorf("CapabilitiesURL(%q) accepted", bad)
		}
	}
}

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><WMS_Capabilities/>`))
		case "/exception":
			// QGIS Server and MapServer answer an error with HTTP 200 or 400.
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`<ServiceExceptionReport><ServiceException code="LayerNotDefined">Couche inconnue</ServiceException></ServiceExceptionReport>`))
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if _, err := Get(t.Context(), srv.Client(), srv.URL+"/ok", "t"); err != nil {
		t.Errorf("ok: %v", err)
	}
	for path, want := range map[string]error{"/exception": ErrException, "/down": ErrUnreachable, "/missing": ErrRefused} {
		_, err := Get(t.Context(), srv.Client(), srv.URL+path, "t")
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
		if path == "/exception" && !strings.Contains(err.Error(), "LayerNotDefined: Couche inconnue") {
			t.Errorf("the server's message is lost: %v", err)
		}
	}
}

func FuzzException(f *testing.F) {
	f.Add([]byte(`<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="X"><ows:ExceptionText>t</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><ServiceExceptionReport><ServiceException>é</ServiceException></ServiceExceptionReport>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if msg, ok := Exception(data); ok && msg == "" {
			t.Fatalf("an exception report without a message")
		}
	})
}
