package ogcserve

import (
	"net/http"
	"testing"
)

func TestMapServerServesTheCommunes(t *testing.T) {
	s := MapServer(t, CopyCommunes(t), CommunesLayer)
	expectAnswers(t, []answer{
		{s.WMS + "?SERVICE=WMS&REQUEST=GetCapabilities", "<Name>" + CommunesLayer + "</Name>"},
		{s.WMS + "?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1", "<WMT_MS_Capabilities"},
		{s.WFS + "?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0", "application/json; subtype=geojson"},
		{s.WFS + "?SERVICE=WFS&REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=" + CommunesLayer +
			"&COUNT=1&STARTINDEX=10&OUTPUTFORMAT=geojson", `"type": "FeatureCollection"`},
	})
	s.Stop()
	if _, err := http.Get(s.WMS); err == nil {
		t.Errorf("the server still answers after Stop")
	}
}
