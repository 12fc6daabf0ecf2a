package formats

import (
	"bytes"
	"errors"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// mifSample is a Lambert-93 layer with every field type, names MapInfo
// cannot hold, texts with accents, quotes, a line break and one too long,
// an integer beyond 32 bits, and every kind of geometry.
func mifSample(t *testing.T) *Dataset {
	t.Helper()
	ext := orb.Ring{{4.90, 46.55}, {4.92, 46.55}, {4.92, 46.57}, {4.90, 46.57}, {4.90, 46.55}}
	hole := orb.Ring{{4.905, 46.555}, {4.905, 46.565}, {4.915, 46.565}, {4.915, 46.555}, {4.905, 46.555}}
	far := orb.Ring{{5.0, 46.6}, {5.01, 46.6}, {5.01, 46.61}, {5.0, 46.6}}
	geoms := []orb.Geometry{
		orb.LineString{{4.9086, 46.5628}, {4.9093, 46.5620}, {4.9101, 46.5611}},
		orb.MultiLineString{{{4.9, 46.56}, {4.91, 46.57}}, {{4.92, 46.58}, {4.93, 46.59}}},
		orb.Polygon{ext, hole},
		orb.MultiPolygon{{ext, hole}, {far}},
		orb.Point{4.9093, 46.5620},
		orb.MultiPoint{{4.9093, 46.5620}, {4.91, 46.57}},
		nil,
		orb.Collection{orb.Point{4.9, 46.5}},
		orb.LineString{{4.9, 46.5}},
	}
	ds := &Dataset{Name: "reseau", SRS: srs.Lambert93, Fields: []Field{
		{"nom", schema.Text}, {"numero", schema.Integer}, {"grand", schema.Integer}, {"longueur", schema.Real},
		{"ouvert", schema.Boolean}, {"date_pose", schema.Date}, {"modifie", schema.DateTime},
		{"Numéro d'ordre de la canalisation posée", schema.Text}, {"2e_nom", schema.Text}, {"remarque", schema.Text},
	}}
	for i, g := range geoms {
		l93, err := srs.Project(g, srs.WGS84, srs.Lambert93)
		if err != nil && g != nil {
			t.Fatal(err)
		}
		p := map[string]any{"numero": int64(i), "longueur": float64(i) + 0.125, "ouvert": i%2 == 0}
		switch i {
		case 0:
			p["nom"] = `Rue de l'Église « haute » "x" œuvre`
			p["grand"] = int64(12345678901234)
			p["date_pose"] = "2024-05-31"
			p["modifie"] = "2024-05-31T08:15:00Z"
			p["Numéro d'ordre de la canalisation posée"] = "AEP-0001"
			p["2e_nom"] = "deux\nlignes"
			p["remarque"] = strings.Repeat("é", 300)
		case 1:
			p["nom"], p["numero"], p["longueur"], p["ouvert"] = nil, nil, nil, nil
		}
		ds.Features = append(ds.Features, Feature{ID: string(rune('a' + i)), Geometry: l93, Properties: p})
	}
	return ds
}

// TestWriteMIFGDAL writes the sample as MIF/MID and has GDAL read it: the
// Lambert-93 system recognised as EPSG:2154, the columns typed, every
// value and geometry back (what MIF cannot hold as the warnings say).
func TestWriteMIFGDAL(t *testing.T) {
	ds := mifSample(t)
	path := filepath.Join(t.TempDir(), "réseau.mif")
	warnings, err := WriteMIFFile(path, ds, MIFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []Warning{
		{Kind: WarnDateTimeAsText, Field: "modifie"},
		{Kind: WarnFieldRenamed, Field: "Numéro d'ordre de la canalisation posée", Name: "Numero_d_ordre_de_la_canalisati"},
		{Kind: WarnFieldRenamed, Field: "2e_nom", Name: "_2e_nom"},
		{Kind: WarnTextCut, Field: "remarque", Count: 1},
		{Kind: WarnGeometryDropped, Count: 2},
	}
	if !reflect.DeepEqual(warnings, wantWarnings) {
		t.Errorf("warnings %+v, want %+v", warnings, wantWarnings)
	}
	head, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(head, []byte("Version 650\r\nCharset \"WindowsLatin1\"\r\n")) {
		t.Errorf("header:\n%s", head[:80])
	}
	info := ogrinfo(t, path)
	for _, s := range []string{`ID["EPSG",2154]`, "Feature Count: 9", "nom: String (35.0)", "numero: Integer", "grand: Real (20.0)",
		"longueur: Real", "ouvert: String (1.0)", "date_pose: Date", "modifie: String (20.0)", "Numero_d_ordre_de_la_canalisati: String (8.0)",
		"_2e_nom: String (11.0)", "remarque: String (254.0)"} {
		if !strings.Contains(info, s) {
			t.Errorf("ogrinfo does not say %q:\n%s", s, info)
		}
	}
	got := gdalRead(t, path)
	if got.SRS != srs.Lambert93 || len(got.Features) != len(ds.Features) {
		t.Fatalf("GDAL reads %d features in EPSG:%d", len(got.Features), got.SRS)
	}
	for i, f := range got.Features {
		want := ds.Features[i].Geometry
		switch w := want.(type) {
		case orb.Collection, nil:
			want = nil
		case orb.LineString:
			if len(w) < 2 {
				want = nil
			}
		}
		if g := RFC7946(f.Geometry); !reflect.DeepEqual(g, RFC7946(want)) {
			t.Errorf("feature %d: GDAL reads %v, want %v", i, f.Geometry, want)
		}
	}
	first := map[string]any{
		"nom": `Rue de l'Église « haute » "x" œuvre`, "numero": int64(0), "grand": 12345678901234.0, "longueur": 0.125,
		"ouvert": "T", "date_pose": "2024-05-31", "modifie": "2024-05-31T08:15:00Z", "Numero_d_ordre_de_la_canalisati": "AEP-0001",
		"_2e_nom": "deux lignes", "remarque": strings.Repeat("é", 254),
	}
	if !sameProperties(got.Features[0].Properties, first) {
		t.Errorf("feature 0: GDAL reads\n %v, want\n %v", got.Features[0].Properties, first)
	}
	// MID has no null: numbers read back 0, texts "".
	second := map[string]any{"nom": "", "numero": int64(0), "grand": 0.0, "longueur": 0.0, "ouvert": "",
		"modifie": "", "Numero_d_ordre_de_la_canalisati": "", "_2e_nom": "", "remarque": ""}
	if !sameProperties(got.Features[1].Properties, second) {
		t.Errorf("feature 1: GDAL reads\n %v, want\n %v", got.Features[1].Properties, second)
	}
}

// TestWriteMIFStyles: each feature's colour goes to its pen or symbol.
func TestWriteMIFStyles(t *testing.T) {
	ds := mifSample(t)
	ds.Features = ds.Features[:5]
	path := filepath.Join(t.TempDir(), "styles.mif")
	green := color.NRGBA{0, 160, 0, 255}
	_, err := WriteMIFFile(path, ds, MIFOptions{Style: func(f Feature) (MIFStyle, bool) {
		if f.ID == "b" {
			return MIFStyle{}, false
		}
		return MIFStyle{Colour: green, Width: 2}, true
	}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := gdalOutput(t, "ogrinfo", "-al", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"PEN(w:2px,c:#00a000", `BRUSH(fc:#000000,bc:#ffffff,id:"mapinfo-brush-1`, "SYMBOL(a:0,c:#00a000,s:8pt"} {
		if !strings.Contains(b, s) {
			t.Errorf("ogrinfo does not say %q:\n%s", s, b)
		}
	}
	if n := strings.Count(b, "PEN(w:2px,c:#00a000"); n != 3 {
		t.Errorf("%d green pens, want 3 (the second line has no style)", n)
	}
}

// gdalOutput runs a GDAL program and returns its output.
func gdalOutput(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	b, err := exec.Command(gdalTool(t, name), args...).CombinedOutput()
	return string(b), err
}

// TestWriteMIFSystems: the other systems are written as GDAL recognises
// them; a system MapInfo is not told of is refused.
func TestWriteMIFSystems(t *testing.T) {
	for _, c := range []struct {
		code int
		want string
	}{
		{srs.CC47, `ID["EPSG",3947]`},
		{srs.WebMercator, `PROJCRS["WGS 84 / Pseudo-Mercator"`},
		{srs.WGS84, `DATUM["World Geodetic System 1984"`},
	} {
		ds := &Dataset{SRS: c.code, Fields: []Field{{"nom", schema.Text}}, Features: []Feature{{Geometry: orb.Point{1, 2}}}}
		path := filepath.Join(t.TempDir(), "p.mif")
		if _, err := WriteMIFFile(path, ds, MIFOptions{}); err != nil {
			t.Fatal(err)
		}
		if info := ogrinfo(t, path); !strings.Contains(info, c.want) || !strings.Contains(info, "Feature Count: 1") {
			t.Errorf("EPSG:%d: ogrinfo does not say %q:\n%s", c.code, c.want, info)
		}
	}
	_, err := WriteMIF(&bytes.Buffer{}, &bytes.Buffer{}, &Dataset{SRS: 27572}, MIFOptions{})
	if !errors.Is(err, srs.ErrUnsupportedSRS) {
		t.Errorf("EPSG:27572: %v, want ErrUnsupportedSRS", err)
	}
}

// TestWriteMIFEmpty: a layer without features is a header and an empty
// MID, which GDAL reads as a layer of no feature.
func TestWriteMIFEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vide.mif")
	ds := &Dataset{SRS: srs.Lambert93, Fields: []Field{{"nom", schema.Text}, {"diametre", schema.Integer}}}
	if _, err := WriteMIFFile(path, ds, MIFOptions{}); err != nil {
		t.Fatal(err)
	}
	info := ogrinfo(t, path)
	for _, s := range []string{"Feature Count: 0", "nom: String (1.0)", "diametre: Integer"} {
		if !strings.Contains(info, s) {
			t.Errorf("ogrinfo does not say %q:\n%s", s, info)
		}
	}
}

// BenchmarkWriteMIF100k writes 100,000 pipes of four vertices with four
// attributes; compare with `ogr2ogr -f "MapInfo File"` of the same lines
// (see /work/notes/dtvector.md).
func BenchmarkWriteMIF100k(b *testing.B) {
	ds := benchMIFDataset(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteMIF(discardCounter{}, discardCounter{}, ds, MIFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchMIFDataset(n int) *Dataset {
	ds := &Dataset{SRS: srs.Lambert93, Fields: []Field{
		{"idcana", schema.Text}, {"materiau", schema.Text}, {"diametre", schema.Integer}, {"longueur", schema.Real},
	}}
	materials := []string{"Fonte ductile", "PVC", "Polyéthylène haute densité", "Amiante-ciment"}
	for i, l := range benchLines(n) {
		ds.Features = append(ds.Features, Feature{Geometry: l, Properties: map[string]any{
			"idcana": "AEP-" + strings.Repeat("0", 3) + string(rune('0'+i%10)), "materiau": materials[i%4],
			"diametre": int64(60 + 10*(i%20)), "longueur": 9.87654321 + float64(i%100),
		}})
	}
	return ds
}
