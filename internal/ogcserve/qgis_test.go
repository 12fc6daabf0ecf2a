package ogcserve

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestQGISServesTheCommunes(t *testing.T) {
	s := QGIS(t, CopyCommunes(t), CommunesLayer)
	for _, tc := range []struct{ url, want string }{
		{s.WFS + "?SERVICE=WFS&REQUEST=GetCapabilities", QGISTitle},
		{s.OGCAPI + "/collections?f=json", CommunesLayer},
		{s.WMS + "?SERVICE=WMS&REQUEST=GetCapabilities", "<Name>" + CommunesLayer + "</Name>"},
	} {
		resp, err := http.Get(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: HTTP %d, %q not in %.300s", tc.url, resp.StatusCode, tc.want, body)
		}
	}
	s.Stop()
	if _, err := http.Get(s.Base + "/ows/"); err == nil {
		t.Errorf("the server still answers after Stop")
	}
}
