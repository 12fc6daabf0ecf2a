package formats

import (
	"bytes"
	"math"
	"os"
	"strconv"
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

// BenchmarkReadGeoJSON100k reads 100,000 fire hydrants (about 20 MB), the
// size of a département's hydrant inventory exported by GDAL.
func BenchmarkReadGeoJSON100k(b *testing.B) {
	data := hydrantCollection(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ds, err := ReadGeoJSON(bytes.NewReader(data), "pei.geojson")
		if err != nil {
			b.Fatal(err)
		}
		if len(ds.Features) != 100_000 || len(ds.Fields) != 7 {
			b.Fatalf("%d features, fields %v", len(ds.Features), ds.Fields)
		}
	}
}

// hydrantCollection writes a FeatureCollection of n hydrant points laid out
// as GDAL writes them, each with 7 properties: text, reals (one null now and
// then), a boolean and a date.
func hydrantCollection(n int) []byte {
	types := []string{"PI", "BI", "PN"}
	communes := []string{"Tournus", "Mâcon", "Cluny", "Saint-Gengoux-de-Scissé"}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","name":"pei","features":[` + "\n")
	for i := range n {
		if i > 0 {
			buf.WriteString(",\n")
		}
		lon := 4.5 + float64(i%1000)*0.00123456789
		lat := 46.2 + float64(i/1000)*0.0098765432
		buf.WriteString(`{"type":"Feature","properties":{"numero":"PEI-`)
		buf.WriteString(strings.Repeat("0", 6-len(strconv.Itoa(i%1_000_000))) + strconv.Itoa(i%1_000_000))
		buf.WriteString(`","type_pei":"` + types[i%3] + `","debit":`)
		buf.WriteString(strconv.FormatFloat(30+float64(i%97)*1.5, 'f', -1, 64))
		buf.WriteString(`,"press_dyn":`)
		if i%17 == 0 {
			buf.WriteString("null")
		} else {
			buf.WriteString(strconv.FormatFloat(1+float64(i%41)*0.05, 'f', 2, 64))
		}
		buf.WriteString(`,"disponible":` + strconv.FormatBool(i%11 != 0))
		buf.WriteString(`,"date_ct":"20` + strconv.Itoa(15+i%9) + "-" + twoDigits(1+i%12) + "-" + twoDigits(1+i%28) + `"`)
		buf.WriteString(`,"commune":"` + communes[i%len(communes)] + `"}`)
		buf.WriteString(`,"geometry":{"type":"Point","coordinates":[`)
		buf.WriteString(strconv.FormatFloat(math.Round(lon*1e7)/1e7, 'f', -1, 64) + ",")
		buf.WriteString(strconv.FormatFloat(math.Round(lat*1e7)/1e7, 'f', -1, 64) + "]}}")
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes()
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
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
