package formats

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func BenchmarkReadGeoJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/ccmt/ccmt-communes.geojson")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadGeoJSON(bytes.NewReader(data), "ccmt"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadShapefile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadShapefile("testdata/ccmt/shp_l93/ccmt_communes_l93.shp"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id;nom;longitude;latitude;debit;date_ct;disponible\n")
	for i := range 10000 {
		sb.WriteString("1;Poteau ")
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString(";4,9077;46,5633;60;31/05/2024;oui\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadCSV(bytes.NewReader(data), "pei", CSVOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
