package formats

import (
	"bufio"
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Lambert-93 shapes of a plan in Tournus for the writer's tests.
var (
	dxfPipe    = orb.LineString{{846250, 6608750}, {846310.25, 6608802.125}, {846402.5, 6608745.75}}
	dxfPipe2   = orb.LineString{{846402.5, 6608745.75}, {846455, 6608900}}
	dxfValve   = orb.Point{846310.25, 6608802.125}
	dxfZoneOut = orb.Ring{{846240, 6608740}, {846320, 6608740}, {846320, 6608780}, {846240, 6608780}, {846240, 6608740}}
	dxfZoneIn  = orb.Ring{{846260, 6608750}, {846270, 6608750}, {846270, 6608760}, {846260, 6608750}}
)

// wantEntity is an entity as ReadDXF should read it back.
type wantEntity struct {
	typ, layer string
	geom       orb.Geometry
	closed     bool
}

// readBackDXF writes layers and reads the drawing back with ReadDXF.
func readBackDXF(t *testing.T, layers []DXFLayer) ([]byte, *DXFDrawing) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDXF(&buf, layers); err != nil {
		t.Fatal(err)
	}
	dwg, err := ReadDXF(bytes.NewReader(buf.Bytes()), "plan.dxf")
	if err != nil {
		t.Fatalf("ReadDXF: %v\n%s", err, buf.Bytes())
	}
	return buf.Bytes(), dwg
}

// TestWriteDXFReadBack writes drawings of every kind of geometry and has
// the project's reader read them back: the layers (names made R12 names),
// the entities and their coordinates exactly, the labels with their
// accents.
func TestWriteDXFReadBack(t *testing.T) {
	closedZone := orb.LineString(dxfZoneOut)
	closedHole := orb.LineString(dxfZoneIn)
	tests := []struct {
		name       string
		layers     []DXFLayer
		wantLayers []string
		want       []wantEntity
		wantTexts  []string // TEXT entities, in order: layer + "|" + text
	}{
		{
			name: "lines points and a zone with a hole",
			layers: []DXFLayer{
				{Name: "canalaep_A", Colour: 3, Features: []DXFFeature{{Geometry: dxfPipe, Label: "AEP-12 fonte Ø150"}}},
				{Name: "apparaep_A", Colour: 3, Features: []DXFFeature{{Geometry: dxfValve}}},
				{Name: "EMPRISE", Colour: 5, Features: []DXFFeature{{Geometry: orb.Polygon{dxfZoneOut, dxfZoneIn}, Label: "Emprise des travaux"}}},
			},
			wantLayers: []string{"0", "canalaep_A", "apparaep_A", "EMPRISE"},
			want: []wantEntity{
				{DXFPolyline, "canalaep_A", dxfPipe, false},
				{"TEXT", "canalaep_A", nil, false},
				{DXFPoint, "apparaep_A", dxfValve, false},
				{DXFPolyline, "EMPRISE", closedZone, true},
				{DXFPolyline, "EMPRISE", closedHole, true},
				{"TEXT", "EMPRISE", nil, false},
			},
			wantTexts: []string{"canalaep_A|AEP-12 fonte Ø150", "EMPRISE|Emprise des travaux"},
		},
		{
			name: "accents in names and labels",
			layers: []DXFLayer{
				{Name: "Éclairage public", Colour: 2, LabelLayer: "Éclairage textes", Features: []DXFFeature{
					{Geometry: dxfPipe2, Label: "Câble « œuvre » — ≥ 2 m ^"},
				}},
				{Name: "eclairage public", Features: []DXFFeature{{Geometry: dxfValve, Label: "Ãé"}}},
			},
			wantLayers: []string{"0", "Eclairage_public", "Eclairage_textes", "eclairage_public_1"},
			want: []wantEntity{
				{DXFPolyline, "Eclairage_public", dxfPipe2, false},
				{"TEXT", "Eclairage_textes", nil, false},
				{DXFPoint, "eclairage_public_1", dxfValve, false},
				{"TEXT", "eclairage_public_1", nil, false},
			},
			wantTexts: []string{"Eclairage_textes|Câble « oeuvre » - >= 2 m ^", "eclairage_public_1|Ãé"},
		},
		{
			name: "empty layers and no geometry",
			layers: []DXFLayer{
				{Name: "canalass_B", Colour: 30},
				{Name: "canalass_C", Colour: 1, Features: []DXFFeature{{Geometry: nil, Label: "sans géométrie"}}},
				{Name: "0"},
			},
			wantLayers: []string{"0", "canalass_B", "canalass_C", "0_1"},
		},
		{
			name: "multi-geometries and a collection",
			layers: []DXFLayer{
				{Name: "canalaep_C", Colour: 1, Features: []DXFFeature{
					{Geometry: orb.MultiLineString{dxfPipe, dxfPipe2}, Label: "deux tronçons"},
					{Geometry: orb.MultiPoint{dxfValve, {846455, 6608900}}},
					{Geometry: orb.MultiPolygon{{dxfZoneOut}, {dxfZoneIn}}},
					{Geometry: orb.Collection{dxfValve, dxfPipe2}},
					{Geometry: orb.LineString{{1, 2}}}, // a single point: no line to draw
				}},
			},
			wantLayers: []string{"0", "canalaep_C"},
			want: []wantEntity{
				{DXFPolyline, "canalaep_C", dxfPipe, false},
				{DXFPolyline, "canalaep_C", dxfPipe2, false},
				{"TEXT", "canalaep_C", nil, false},
				{DXFPoint, "canalaep_C", dxfValve, false},
				{DXFPoint, "canalaep_C", orb.Point{846455, 6608900}, false},
				{DXFPolyline, "canalaep_C", closedZone, true},
				{DXFPolyline, "canalaep_C", closedHole, true},
				{DXFPoint, "canalaep_C", dxfValve, false},
				{DXFPolyline, "canalaep_C", dxfPipe2, false},
			},
			wantTexts: []string{"canalaep_C|deux tronçons"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, dwg := readBackDXF(t, tc.layers)
			if dwg.Version != "AC1009" {
				t.Errorf("version %q", dwg.Version)
			}
			if !reflect.DeepEqual(dwg.Layers, tc.wantLayers) {
				t.Errorf("layers %q, want %q", dwg.Layers, tc.wantLayers)
			}
			if len(dwg.Entities) != len(tc.want) {
				t.Fatalf("%d entities, want %d: %+v", len(dwg.Entities), len(tc.want), dwg.Entities)
			}
			for i, e := range dwg.Entities {
				w := tc.want[i]
				if e.Type != w.typ || e.Layer != w.layer || e.Closed != w.closed || !reflect.DeepEqual(e.Geometry, w.geom) {
					t.Errorf("entity %d: %s on %s closed %v %v, want %s on %s closed %v %v", i, e.Type, e.Layer, e.Closed, e.Geometry, w.typ, w.layer, w.closed, w.geom)
				}
			}
			if got := dxfTexts(t, data); !reflect.DeepEqual(got, tc.wantTexts) {
				t.Errorf("texts %q, want %q", got, tc.wantTexts)
			}
		})
	}
}

// dxfTexts lists the TEXT entities of a drawing as layer|text, decoded
// as the reader decodes texts.
func dxfTexts(t *testing.T, data []byte) []string {
	t.Helper()
	sc := &dxfScanner{r: bufio.NewReader(bytes.NewReader(data))}
	var out []string
	inText, layer := false, ""
	for sc.next() {
		switch {
		case sc.code == 0:
			inText = sc.value == "TEXT"
		case inText && sc.code == 8:
			layer = sc.text()
		case inText && sc.code == 1:
			out = append(out, layer+"|"+sc.text())
		}
	}
	return out
}

// TestDXFEncode: French texts go out in Latin-1, what it lacks as
// escapes, and bytes that would read as UTF-8 are escaped whole.
func TestDXFEncode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"canalaep_A", "canalaep_A"},
		{"Fonte Ø150", "Fonte \xd8150"},
		{"œuvre 5 € — ç", "oeuvre 5 EUR - \xe7"},
		{"≥ 2 m ⌀150 ½ 2^3", ">= 2 m \xd8150 \xbd 2^ 3"},
		{"∅ Ω", `\U+2205 \U+03A9`},
		{"Ãé", "\xc3\xe9"}, // not UTF-8, but Ã© would be
		{"Ã©", `\U+00C3\U+00A9`},
		{"deux\nlignes\t", "deux lignes "},
		{"😀", "?"},
	} {
		if got := dxfEncode(c.in); got != c.want {
			t.Errorf("dxfEncode(%q) = %q, want %q", c.in, got, c.want)
		}
		if latin1(c.in) {
			if back := dxfText(dxfEncode(c.in)); back != c.in {
				t.Errorf("%q reads back as %q", c.in, back)
			}
		}
	}
}

// latin1 reports whether s is printable Latin-1 text.
func latin1(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0xFF || r >= 0x7f && r < 0xA0 {
			return false
		}
	}
	return true
}

// A coordinate that is not a number cannot be written.
func TestWriteDXFNaN(t *testing.T) {
	err := WriteDXF(&bytes.Buffer{}, []DXFLayer{{Name: "x", Features: []DXFFeature{{Geometry: orb.Point{math.NaN(), 1}}}}})
	if !errors.Is(err, ErrDXFCoordinate) {
		t.Errorf("err %v, want ErrDXFCoordinate", err)
	}
}

// TestWriteDXFGDAL has GDAL read a written drawing: the entities with
// their DXF layers, coordinates and texts, and the R12 header.
func TestWriteDXFGDAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.dxf")
	var buf bytes.Buffer
	layers := []DXFLayer{
		{Name: "canalaep_A", Colour: 3, Features: []DXFFeature{{Geometry: dxfPipe, Label: "AEP-12 fonte Ø150"}}},
		{Name: "canalaep_C", Colour: 1},
		{Name: "apparaep_B", Colour: 30, Features: []DXFFeature{{Geometry: orb.MultiPoint{dxfValve, {846455, 6608900}}}}},
		{Name: "EMPRISE", Colour: 5, Features: []DXFFeature{{Geometry: orb.Polygon{dxfZoneOut}, Label: "Zone « travaux » — œuvre ^ ⌀"}}},
	}
	if err := WriteDXF(&buf, layers); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	info := ogrinfo(t, path)
	for _, s := range []string{"Feature Count: 6", "Layer: String", "Text: String"} {
		if !strings.Contains(info, s) {
			t.Errorf("ogrinfo does not say %q:\n%s", s, info)
		}
	}
	got := gdalRead(t, path)
	want := []struct {
		layer, text string
		geom        orb.Geometry
	}{
		{"canalaep_A", "", dxfPipe},
		{"canalaep_A", "AEP-12 fonte Ø150", nil},
		{"apparaep_B", "", dxfValve},
		{"apparaep_B", "", orb.Point{846455, 6608900}},
		{"EMPRISE", "", orb.LineString(dxfZoneOut)},
		{"EMPRISE", "Zone « travaux » - oeuvre ^ Ø", nil},
	}
	if len(got.Features) != len(want) {
		t.Fatalf("GDAL reads %d features, want %d", len(got.Features), len(want))
	}
	for i, f := range got.Features {
		w := want[i]
		if l, _ := f.Properties["Layer"].(string); l != w.layer {
			t.Errorf("feature %d on layer %q, want %q", i, l, w.layer)
		}
		text, _ := f.Properties["Text"].(string)
		if text != w.text {
			t.Errorf("feature %d text %q, want %q", i, text, w.text)
		}
		if w.geom != nil && !reflect.DeepEqual(f.Geometry, w.geom) {
			t.Errorf("feature %d: GDAL reads %v, want %v", i, f.Geometry, w.geom)
		}
	}
}

// BenchmarkWriteDXF100k writes 100,000 pipes of four vertices, spread
// over eight layers; compare with `ogr2ogr -f DXF` of the same lines
// (see /work/notes/dtvector.md).
func BenchmarkWriteDXF100k(b *testing.B) {
	layers := benchDXFLayers(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteDXF(discardCounter{}, layers); err != nil {
			b.Fatal(err)
		}
	}
}

// benchLines are n pipes of four vertices in Lambert-93 around Tournus.
func benchLines(n int) []orb.LineString {
	out := make([]orb.LineString, n)
	for i := range out {
		x := 840000 + float64(i%1000)*12.345678
		y := 6600000 + float64(i/1000)*9.87654321
		out[i] = orb.LineString{{x, y}, {x + 3.21, y + 1.5}, {x + 6.4, y + 0.25}, {x + 9.75, y + 2.125}}
	}
	return out
}

func benchDXFLayers(n int) []DXFLayer {
	layers := make([]DXFLayer, 8)
	for i := range layers {
		layers[i] = DXFLayer{Name: "canal_" + string(rune('A'+i)), Colour: i + 1}
	}
	for i, l := range benchLines(n) {
		layers[i%8].Features = append(layers[i%8].Features, DXFFeature{Geometry: l})
	}
	return layers
}

// discardCounter is io.Discard for benchmarks.
type discardCounter struct{}

func (discardCounter) Write(p []byte) (int, error) { return len(p), nil }

// TestWriteDXFEmptyGeometry: a feature whose geometry is empty (a line
// without points, a multi-line whose first part is empty) puts no label
// at (0, 0) — both did, hundreds of kilometres off the plan for a CAD
// program's «zoom extents» — and leaves the drawing's extent alone.
func TestWriteDXFEmptyGeometry(t *testing.T) {
	data, _ := readBackDXF(t, []DXFLayer{{Name: "canalaep", Features: []DXFFeature{
		{Geometry: orb.LineString{}, Label: "vide"},
		{Geometry: orb.MultiLineString{{}, dxfPipe2}, Label: "AEP-2"},
		{Geometry: dxfPipe, Label: "AEP-1"},
	}}})
	sc := &dxfScanner{r: bufio.NewReader(bytes.NewReader(data))}
	var variable string
	header := map[string]float64{}
	var textX []float64
	inText := false
	for sc.next() {
		switch {
		case sc.code == 9:
			variable = sc.value
		case sc.code == 0:
			variable, inText = "", sc.value == "TEXT"
		case sc.code == 10 && (variable == "$EXTMIN" || variable == "$EXTMAX"):
			header[variable], _ = strconv.ParseFloat(strings.TrimSpace(sc.value), 64)
		case sc.code == 10 && inText:
			x, _ := strconv.ParseFloat(strings.TrimSpace(sc.value), 64)
			textX = append(textX, x)
		}
	}
	if header["$EXTMIN"] != 846250 || header["$EXTMAX"] != 846455 {
		t.Errorf("extent x %v, want 846250 to 846455", header)
	}
	if len(textX) != 2 || textX[0] < 846000 || textX[1] < 846000 {
		t.Errorf("labels at x %v: want the two lines' labels on them, none for the empty line", textX)
	}
}
