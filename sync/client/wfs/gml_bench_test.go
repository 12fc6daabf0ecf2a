package wfs

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// BenchmarkGMLReader reads a page of 1,000 polygons of 60 vertices in
// GML 3.2, latitude first (what a WFS 2.0 page of communes weighs).
func BenchmarkGMLReader(b *testing.B) {
	var members []string
	for i := 0; i < PageSize; i++ {
		var pos strings.Builder
		for v := 0; v < 60; v++ {
			fmt.Fprintf(&pos, "%.5f %.5f ", 46.5+float64(v%7)/1000, 4.9+float64(v)/1000)
		}
		fmt.Fprintf(&pos, "%.5f %.5f", 46.5, 4.9)
		members = append(members, fmt.Sprintf(`<wfs:member><cc:c gml:id="c.%d"><cc:geom><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>%s</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></cc:geom><cc:code>71%03d</cc:code><cc:nom>Commune %d</cc:nom></cc:c></wfs:member>`, i, pos.String(), i, i))
	}
	page := []byte(gmlCollection(members...))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewGMLReader(bytes.NewReader(page))
		n := 0
		for {
			f, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, err := toLonLat(f.Geometry, f.SRSName, nil); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != PageSize {
			b.Fatalf("%d features", n)
		}
	}
}
