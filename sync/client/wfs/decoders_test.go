package wfs

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcserve"
	"terrimap/store/schema"
)

func TestParseCapabilities20(t *testing.T) {
	data, err := os.ReadFile("testdata/caps20.xml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCapabilities(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "2.0.0" || !c.Paging || c.Title != "Réseaux de la communauté de communes" || len(c.OutputFormats) != 2 {
		t.Errorf("capabilities %+v", c)
	}
	if got := c.Credit(); got != "© Communauté de communes du Mâconnais-Tournugeois, Licence Ouverte Etalab 2.0" {
		t.Errorf("credit %q", got)
	}
	ft, ok := c.FeatureType("poteaux")
	if !ok || ft.Name != "cc:poteaux" || ft.Title != "Poteaux incendie" || ft.WGS84 == nil || ft.WGS84.Min != (orb.Point{4.8, 46.5}) {
		t.Fatalf("feature type %+v", ft)
	}
	p, err := newPlan("https://example.test/wfs?map=x", c, Query{TypeName: "cc:poteaux", BBox: &orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5, 46.6}}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := p.pageURL(Query{}, 2000)
	for _, want := range []string{"map=x", "TYPENAMES=cc%3Apoteaux", "STARTINDEX=2000", "COUNT=1000", "OUTPUTFORMAT=application%2Fjson", "SRSNAME=EPSG%3A4326"} {
		if !strings.Contains(u, want) {
			t.Errorf("%s lacks %s", u, want)
		}
	}
	u, _ = p.pageURL(Query{BBox: &orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5, 46.6}}}, 0)
	if !strings.Contains(u, "BBOX=46.5%2C4.8%2C46.6%2C5%2Curn") {
		t.Errorf("the bbox is not latitude first in %s", u)
	}
}

func TestParseCapabilitiesException(t *testing.T) {
	_, err := ParseCapabilities(strings.NewReader(`<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="InvalidParameterValue"><ows:ExceptionText>Service inconnu</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`))
	if !errors.Is(err, ErrServiceException) || !strings.Contains(err.Error(), "Service inconnu") {
		t.Errorf("err %v", err)
	}
	if _, err := ParseCapabilities(strings.NewReader(`<html><body>Bienvenue</body></html>`)); !errors.Is(err, ErrNotWFS) {
		t.Errorf("an HTML page: %v", err)
	}
}

func TestParseSchema(t *testing.T) {
	data, err := os.ReadFile("testdata/schema.xsd")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSchema(bytes.NewReader(data), "cc:poteaux")
	if err != nil {
		t.Fatal(err)
	}
	want := []Property{{"numero", schema.Integer}, {"debit", schema.Real}, {"commune", schema.Text}, {"controle", schema.Date}, {"actif", schema.Boolean}}
	if s.Geometry != "geom" || s.GeometryType != "Point" || len(s.Properties) != len(want) {
		t.Fatalf("schema %+v", s)
	}
	for i, p := range want {
		if s.Properties[i] != p {
			t.Errorf("property %d: %+v, want %+v", i, s.Properties[i], p)
		}
	}
	if _, err := ParseSchema(bytes.NewReader(data), "autre"); err != nil {
		t.Errorf("a schema of one type should give it for any name: %v", err)
	}
}

// gmlCollection wraps members in a WFS 2.0 feature collection.
func gmlCollection(members ...string) string {
	return `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:cc="https://example.test/cc" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		strings.Join(members, "") + `</wfs:FeatureCollection>`
}

func TestGMLGeometriesAndAxes(t *testing.T) {
	extent := &orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{5.0, 46.6}}
	for _, tc := range []struct {
		name, member string
		want         orb.Geometry
	}{
		{"urn 4326 is latitude first",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>46.55 4.9</gml:pos></gml:Point></cc:geom></cc:p></wfs:member>`,
			orb.Point{4.9, 46.55}},
		{"opengis.net URL is latitude first",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:Point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><gml:pos>46.55 4.9</gml:pos></gml:Point></cc:geom></cc:p></wfs:member>`,
			orb.Point{4.9, 46.55}},
		{"EPSG:4326 longitude first in the extent",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:Point srsName="EPSG:4326"><gml:pos>4.9 46.55</gml:pos></gml:Point></cc:geom></cc:p></wfs:member>`,
			orb.Point{4.9, 46.55}},
		{"EPSG:4326 latitude first, as QGIS Server writes it",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:Point srsName="EPSG:4326"><gml:pos>46.55 4.9</gml:pos></gml:Point></cc:geom></cc:p></wfs:member>`,
			orb.Point{4.9, 46.55}},
		{"Lambert-93 reprojected",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:LineString srsName="urn:ogc:def:crs:EPSG::2154"><gml:posList srsDimension="3">700000 6600000 10 700100 6600000 11</gml:posList></gml:LineString></cc:geom></cc:p></wfs:member>`,
			orb.LineString{{3, 46.5}, {3.0013, 46.5}}},
		{"multi-surface with a hole",
			`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::4326"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>46.5 4.8 46.5 5 46.6 5 46.5 4.8</gml:posList></gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing><gml:pos>46.52 4.9</gml:pos><gml:pos>46.52 4.95</gml:pos><gml:pos>46.55 4.95</gml:pos><gml:pos>46.52 4.9</gml:pos></gml:LinearRing></gml:interior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></cc:geom></cc:p></wfs:member>`,
			orb.MultiPolygon{{{{4.8, 46.5}, {5, 46.5}, {5, 46.6}, {4.8, 46.5}}, {{4.9, 46.52}, {4.95, 46.52}, {4.95, 46.55}, {4.9, 46.52}}}}},
		{"GML 2 coordinates",
			`<gml:featureMember><cc:p fid="p.1"><cc:geom><gml:MultiLineString srsName="http://www.opengis.net/gml/srs/epsg.xml#4326"><gml:lineStringMember><gml:LineString><gml:coordinates cs="," ts=" ">4.8,46.5 4.9,46.55</gml:coordinates></gml:LineString></gml:lineStringMember></gml:MultiLineString></cc:geom></cc:p></gml:featureMember>`,
			orb.MultiLineString{{{4.8, 46.5}, {4.9, 46.55}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewGMLReader(strings.NewReader(gmlCollection(tc.member)))
			f, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			g, err := toLonLat(f.Geometry, f.SRSName, extent)
			if err != nil {
				t.Fatal(err)
			}
			if f.ID != "p.1" {
				t.Errorf("id %q", f.ID)
			}
			if d := ogcserve.MaxDistance(g, tc.want); d > 1e-3 {
				t.Errorf("got %v, want %v", g, tc.want)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("after the last feature: %v", err)
			}
		})
	}
}

func TestGMLProperties(t *testing.T) {
	r := NewGMLReader(strings.NewReader(gmlCollection(
		`<wfs:member><cc:p gml:id="p.1"><gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"/></gml:boundedBy><cc:numero>12</cc:numero><cc:debit xsi:nil="true"/><cc:commune>Tournus &amp; Lacrost</cc:commune></cc:p></wfs:member>`,
		`<wfs:member><cc:p gml:id="p.2"><cc:numero>douze</cc:numero></cc:p></wfs:member>`)))
	var raw []rawFeature
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, rawFeature{id: f.ID, props: f.Properties})
	}
	if len(raw) != 2 || raw[0].props["commune"] != "Tournus & Lacrost" {
		t.Fatalf("features %+v", raw)
	}
	if _, ok := raw[0].props["debit"]; ok {
		t.Errorf("a nil property read as %q", raw[0].props["debit"])
	}
	ds := typed(raw, &Schema{Properties: []Property{{"numero", schema.Integer}, {"debit", schema.Real}, {"commune", schema.Text}}}, "p")
	// "douze" does not fit an integer: the field is text, nothing lost.
	if ds.Fields[0].Type != schema.Text || ds.Features[1].Properties["numero"] != "douze" || ds.Fields[1].Type != schema.Real {
		t.Errorf("fields %+v, features %+v", ds.Fields, ds.Features)
	}
}

func TestGMLException(t *testing.T) {
	_, err := NewGMLReader(strings.NewReader(`<ServiceExceptionReport><ServiceException code="InvalidParameterValue">TYPENAME inconnu</ServiceException></ServiceExceptionReport>`)).Next()
	if !errors.Is(err, ErrServiceException) || !strings.Contains(err.Error(), "TYPENAME inconnu") {
		t.Errorf("err %v", err)
	}
}

func FuzzParseCapabilities(f *testing.F) {
	data, _ := os.ReadFile("testdata/caps20.xml")
	f.Add(data)
	f.Add([]byte(`<WFS_Capabilities version="1.0.0"><Capability><Request><GetFeature><ResultFormat><GML2/></ResultFormat></GetFeature></Request></Capability><FeatureTypeList><FeatureType><Name>a</Name><SRS>EPSG:2154</SRS><LatLongBoundingBox minx="1" miny="2" maxx="3" maxy="4"/></FeatureType></FeatureTypeList></WFS_Capabilities>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCapabilities(bytes.NewReader(data))
		if err == nil {
			for _, ft := range c.FeatureTypes {
				_, _ = newPlan("http://127.0.0.1/wfs", c, Query{TypeName: ft.Name})
			}
		}
	})
}

func FuzzParseSchema(f *testing.F) {
	data, _ := os.ReadFile("testdata/schema.xsd")
	f.Add(data, "poteaux")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		_, _ = ParseSchema(bytes.NewReader(data), name)
	})
}

func FuzzGMLReader(f *testing.F) {
	f.Add([]byte(gmlCollection(`<wfs:member><cc:p gml:id="p.1"><cc:geom><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>46.5 4.8 46.5 5 46.6 5 46.5 4.8</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></cc:geom><cc:n>1</cc:n></cc:p></wfs:member>`)))
	f.Add([]byte(gmlCollection(`<gml:featureMembers><cc:p><cc:g><gml:MultiCurve><gml:curveMember><gml:Curve><gml:segments><gml:LineStringSegment><gml:posList>1 2 3 4</gml:posList></gml:LineStringSegment></gml:segments></gml:Curve></gml:curveMember></gml:MultiCurve></cc:g></cc:p></gml:featureMembers>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewGMLReader(bytes.NewReader(data))
		for i := 0; i < 1000; i++ {
			feat, err := r.Next()
			if err != nil {
				return
			}
			g, err := toLonLat(feat.Geometry, feat.SRSName, nil)
			if err == nil && g != nil {
				for _, p := range ogcserve.Points(g) {
					if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
						t.Fatalf("a coordinate %v read from %q", p, data)
					}
				}
			}
		}
	})
}
