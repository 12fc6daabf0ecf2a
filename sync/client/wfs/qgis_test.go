package wfs

import (
	"context"
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
	want := ogrFeatures(t, gpkg, ogcserve.CommunesLayer)
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
		compareWithOGR(t, l.Data, want, "code")
	}
}
