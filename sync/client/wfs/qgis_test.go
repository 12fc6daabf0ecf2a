package wfs

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"terrimap/internal/ogcserve"
)

// TestQGISServerWFS11 reads the communes of Saône-et-Loire from QGIS
// Server 3.22's WFS (1.1.0: it has no 2.0), as GeoJSON and as GML 3.1.1
// (latitude first in urn:ogc:def:crs:EPSG::4326), and compares them with
// what GDAL reads of the file served.
func TestQGISServerWFS11(t *testing.T) {
	gpkg := ogcserve.CopyCommunes(t)
	srv := ogcserve.QGIS(t, gpkg, ogcserve.CommunesLayer)
	want := ogcserve.OGRFeatures(t, gpkg, ogcserve.CommunesLayer)
	c := NewClient(nil)
	caps, err := c.Capabilities(context.Background(), srv.WFS)
	if err != nil {
		t.Fatal(err)
	}
	if caps.Version != "1.1.0" {
		t.Errorf("version %q", caps.Version)
	}
	ft, ok := caps.FeatureType(ogcserve.CommunesLayer)
	if !ok || ft.Title != ogcserve.QGISTitle || ft.Abstract != ogcserve.QGISAbstract {
		t.Errorf("feature type %+v", ft)
	}
	for _, gml := range []bool{false, true} {
		l, err := c.Download(context.Background(), srv.WFS, Query{TypeName: ogcserve.CommunesLayer, GML: gml})
		if err != nil {
			t.Fatalf("GML %v: %v", gml, err)
		}
		ogcserve.CompareWithOGR(t, l.Data, want, "code")
	}
}

// TestMapServerWFS20 reads the communes from MapServer 8's WFS 2.0, as
// GeoJSON and as GML 3.2, in pages of 100 (STARTINDEX/COUNT).
func TestMapServerWFS20(t *testing.T) {
	gpkg := ogcserve.CopyCommunes(t)
	srv := ogcserve.MapServer(t, gpkg, ogcserve.CommunesLayer)
	want := ogcserve.OGRFeatures(t, gpkg, ogcserve.CommunesLayer)
	counter := &countingTransport{}
	c := NewClient(&http.Client{Transport: counter})
	caps, err := c.Capabilities(context.Background(), srv.WFS)
	if err != nil {
		t.Fatal(err)
	}
	if caps.Version != "2.0.0" || !caps.Paging {
		t.Errorf("version %q, paging %v", caps.Version, caps.Paging)
	}
	for _, gml := range []bool{false, true} {
		counter.getFeature = nil
		l, err := c.Download(context.Background(), srv.WFS, Query{TypeName: ogcserve.CommunesLayer, GML: gml, PageSize: 100})
		if err != nil {
			t.Fatalf("GML %v: %v", gml, err)
		}
		ogcserve.CompareWithOGR(t, l.Data, want, "code")
		// 567 communes: six pages of 100, the last one short.
		if len(counter.getFeature) != 6 || strings.Contains(counter.getFeature[0], "json") == gml {
			t.Errorf("GML %v: GetFeature asked %d times: %v", gml, len(counter.getFeature), counter.getFeature)
		}
	}
}

// countingTransport notes the GetFeature requests.
type countingTransport struct{ getFeature []string }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.RawQuery, "GetFeature") {
		c.getFeature = append(c.getFeature, r.URL.RawQuery)
	}
	return http.DefaultTransport.RoundTrip(r)
}
