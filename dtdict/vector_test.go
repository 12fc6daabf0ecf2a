package dtdict

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/report"
	"terrimap/store/formats"
	"terrimap/store/srs"
)

// vectorAnalysis is an analysis of a DT in Tournus centre as Analyse
// gives it: the zone (with a hole), water pipes of classes A, C and
// unknown (one in two parts), a valve of class B and a sewer manhole.
func vectorAnalysis() *Analysis {
	zone := orb.MultiPolygon{{
		{{4.9088, 46.5618}, {4.9098, 46.5618}, {4.9098, 46.5622}, {4.9088, 46.5622}, {4.9088, 46.5618}},
		{{4.9090, 46.5619}, {4.9090, 46.5620}, {4.9091, 46.5620}, {4.9090, 46.5619}},
	}}
	items := []report.Item{
		{Layer: "canalaep", UUID: "u1", ID: "AEP-12", Type: "Distribution", Material: "Fonte ductile", Diameter: 150, Depth: 1.2, Class: report.ClassA,
			Operator: "Commune de Tournus — service des eaux", Geometry: orb.LineString{{4.9085, 46.5620}, {4.9093, 46.5620}, {4.9101, 46.5621}}},
		{Layer: "canalaep", UUID: "u2", ID: "AEP-13", Material: "Polyéthylène", Diameter: 63, Class: report.ClassC, Distance: 2.345,
			Geometry: orb.MultiLineString{{{4.9090, 46.5623}, {4.9095, 46.5623}}, {{4.9095, 46.5623}, {4.9097, 46.5625}}}},
		{Layer: "canalaep", UUID: "u3", ID: "AEP-14", Class: report.ClassUnknown, Geometry: orb.LineString{{4.9092, 46.5617}, {4.9092, 46.5623}}},
		{Layer: "apparaep", UUID: "u4", ID: "V-7", Type: "Vanne", Class: report.ClassB, Geometry: orb.Point{4.9093, 46.5620}},
		{Layer: "ouvrass", UUID: "u5", ID: "R-3", Type: "Regard", Class: report.ClassA, Geometry: orb.Point{4.9095, 46.5621}},
	}
	return &Analysis{
		Declaration: &Declaration{Number: "2026061500123", Kind: KindDT, Zone: zone,
			Wishes: Wishes{Vector: true, VectorFormat: "DXF"}},
		Concerned: true,
		Items:     items,
	}
}

// l93 is g in Lambert-93.
func l93(t *testing.T, g orb.Geometry) orb.Geometry {
	t.Helper()
	p, err := srs.Project(g, srs.WGS84, srs.Lambert93)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// gdalLayer has GDAL read a file and returns what it read as GeoJSON
// (ogr2ogr), with its `ogrinfo -al -so` summary.
func gdalLayer(t *testing.T, path string) (*formats.Dataset, string) {
	t.Helper()
	for _, tool := range []string{"ogrinfo", "ogr2ogr"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run `make deps`", tool)
		}
	}
	info, err := exec.Command("ogrinfo", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, info)
	}
	out := filepath.Join(t.TempDir(), "gdal.geojson")
	if b, err := exec.Command("ogr2ogr", "-f", "GeoJSON", out, path).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", path, err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := formats.ReadGeoJSON(f, "gdal")
	if err != nil {
		t.Fatal(err)
	}
	return ds, string(info)
}

// TestWriteVectorDXF: one drawing, a DXF layer per network layer and
// class found, the zone on EMPRISE; Terrimap's reader and GDAL read the
// same Lambert-93 coordinates back, and the labels.
func TestWriteVectorDXF(t *testing.T) {
	a := vectorAnalysis()
	dir := t.TempDir()
	files, err := WriteVector(dir, a, "dxf")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "plans-2026061500123.dxf")
	prj := filepath.Join(dir, "plans-2026061500123.prj")
	if !reflect.DeepEqual(files, []string{want, prj}) {
		t.Fatalf("files %q, want %q", files, []string{want, prj})
	}
	// DXF has no place for its system: the .prj beside it says Lambert-93
	// to ArcGIS, Global Mapper or FME (GDAL and QGIS ignore it, the
	// récépissé says it).
	if b, err := os.ReadFile(prj); err != nil || !strings.HasPrefix(string(b), `PROJCS["RGF_1993_Lambert_93"`) {
		t.Errorf("the DXF's .prj: %v, %q", err, b)
	}
	dwg, err := formats.ReadDXFFile(want)
	if err != nil {
		t.Fatal(err)
	}
	wantLayers := []string{"0", "canalaep_A", "canalaep_C", "canalaep_inconnue", "apparaep_B", "ouvrass_A", "EMPRISE"}
	if !reflect.DeepEqual(dwg.Layers, wantLayers) {
		t.Errorf("layers %q, want %q", dwg.Layers, wantLayers)
	}
	var got []string
	geoms := map[string][]orb.Geometry{}
	for _, e := range dwg.Entities {
		got = append(got, e.Type+" "+e.Layer)
		if e.Geometry != nil {
			geoms[e.Layer] = append(geoms[e.Layer], e.Geometry)
		}
	}
	wantEntities := []string{
		"POLYLINE canalaep_A", "TEXT canalaep_A",
		"POLYLINE canalaep_C", "POLYLINE canalaep_C", "TEXT canalaep_C",
		"POLYLINE canalaep_inconnue", "TEXT canalaep_inconnue",
		"POINT apparaep_B", "TEXT apparaep_B",
		"POINT ouvrass_A", "TEXT ouvrass_A",
		"POLYLINE EMPRISE", "POLYLINE EMPRISE", "TEXT EMPRISE",
	}
	if !slices.Equal(got, wantEntities) {
		t.Errorf("entities\n %q, want\n %q", got, wantEntities)
	}
	if g := geoms["canalaep_A"]; len(g) != 1 || !reflect.DeepEqual(g[0], l93(t, a.Items[0].Geometry)) {
		t.Errorf("canalaep_A: %v, want %v", g, l93(t, a.Items[0].Geometry))
	}
	if g := geoms["apparaep_B"]; len(g) != 1 || !reflect.DeepEqual(g[0], l93(t, a.Items[3].Geometry)) {
		t.Errorf("apparaep_B: %v", g)
	}
	zone := l93(t, a.Declaration.Zone).(orb.MultiPolygon)
	if g := geoms[ZoneLayer]; len(g) != 2 || !reflect.DeepEqual(g[0], orb.LineString(zone[0][0])) {
		t.Errorf("EMPRISE: %v, want %v", g, zone[0])
	}

	ds, info := gdalLayer(t, want)
	if !strings.Contains(info, "Feature Count: 14") {
		t.Errorf("ogrinfo:\n%s", info)
	}
	texts := map[string]string{}
	for _, f := range ds.Features {
		if s, _ := f.Properties["Text"].(string); s != "" {
			texts[f.Properties["Layer"].(string)] = s
		}
	}
	wantTexts := map[string]string{
		"canalaep_A":        "AEP-12 Fonte ductile Ø150 classe A",
		"canalaep_C":        "AEP-13 Polyéthylène Ø63 classe C",
		"canalaep_inconnue": "AEP-14 classe inconnue",
		"apparaep_B":        "V-7 classe B",
		"ouvrass_A":         "R-3 classe A",
		"EMPRISE":           "Emprise des travaux - DT n° 2026061500123",
	}
	if !reflect.DeepEqual(texts, wantTexts) {
		t.Errorf("GDAL reads the labels\n %q, want\n %q", texts, wantTexts)
	}
	if g := ds.Features[0].Geometry; !reflect.DeepEqual(g, l93(t, a.Items[0].Geometry)) {
		t.Errorf("GDAL reads the first pipe %v", g)
	}
}

// TestWriteVectorTables: a Shapefile set or a MIF/MID pair per network
// layer and one of the zone, in Lambert-93 as GDAL says, with the
// report's columns.
func TestWriteVectorTables(t *testing.T) {
	for _, c := range []struct {
		format string
		exts   []string
		srs    string // what ogrinfo says of the system
		// diameter is AEP-13's 63 mm as GDAL reads it: MIF's measures are
		// text, so that an unknown one is empty rather than 0.
		diameter any
	}{
		{"SHP", []string{".shp", ".shx", ".dbf", ".prj", ".cpg"}, `"RGF93 v1 / Lambert-93"`, 63.0},
		{"MIF_MID", []string{".mif", ".mid"}, `ID["EPSG",2154]`, "63"},
	} {
		t.Run(c.format, func(t *testing.T) {
			a := vectorAnalysis()
			dir := t.TempDir()
			files, err := WriteVector(dir, a, c.format)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, l := range []string{"canalaep", "apparaep", "ouvrass", "emprise"} {
				for _, ext := range c.exts {
					want = append(want, filepath.Join(dir, "plans-2026061500123-"+l+ext))
				}
			}
			if !slices.Equal(files, want) {
				t.Fatalf("files\n %q, want\n %q", files, want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(want) {
				t.Errorf("%d files in the folder, want %d", len(entries), len(want))
			}
			counts := map[string]int{"canalaep": 3, "apparaep": 1, "ouvrass": 1, "emprise": 1}
			for l, n := range counts {
				ds, info := gdalLayer(t, filepath.Join(dir, "plans-2026061500123-"+l+c.exts[0]))
				if len(ds.Features) != n || !strings.Contains(info, c.srs) {
					t.Errorf("%s: GDAL reads %d features, want %d, system:\n%s", l, len(ds.Features), n, info)
				}
				if l != "canalaep" {
					continue
				}
				p := ds.Features[1].Properties
				if p["ident"] != "AEP-13" || p["materiau"] != "Polyéthylène" || p["diametre"] != c.diameter || p["classe"] != "C" || p["distance"] != 2.35 {
					t.Errorf("canalaep: GDAL reads %v", p)
				}
				// AEP-13's depth is unknown: MID has no null and GDAL (as
				// MapInfo) reads an empty number as 0 — a contractor would
				// read «profondeur 0 m».
				if d := p["profondeur"]; d != nil && d != "" {
					t.Errorf("canalaep: an unknown depth reads %#v, want it empty", d)
				}
				if g := ds.Features[1].Geometry; !sameGeometry(g, l93(t, a.Items[1].Geometry)) {
					t.Errorf("canalaep: GDAL reads %v, want %v", g, l93(t, a.Items[1].Geometry))
				}
			}
		})
	}
}

// sameGeometry compares two lines to the nanometre (GDAL's GeoJSON
// writes 15 significant digits).
func sameGeometry(a, b orb.Geometry) bool {
	ma, ok1 := a.(orb.MultiLineString)
	mb, ok2 := b.(orb.MultiLineString)
	if !ok1 || !ok2 || len(ma) != len(mb) {
		return false
	}
	for i := range ma {
		if len(ma[i]) != len(mb[i]) {
			return false
		}
		for j := range ma[i] {
			if math.Abs(ma[i][j][0]-mb[i][j][0]) > 1e-6 || math.Abs(ma[i][j][1]-mb[i][j][1]) > 1e-6 {
				return false
			}
		}
	}
	return true
}

// TestWriteVectorFormat: the spellings of the formats we write are read
// as such; another format is refused with a French message naming ours,
// and nothing is written.
func TestWriteVectorFormat(t *testing.T) {
	for in, want := range map[string]string{
		"DXF": "DXF", "dxf ": "DXF", "SHP": "SHP", "SHAPE": "SHP", "SHAPEFILE": "SHP", "ESRI Shapefile": "SHP",
		"MIF_MID": "MIF", "MIF": "MIF", "MIF/MID": "MIF", "MapInfo": "MIF", "": "DXF", " ": "DXF", "PDF": "", "DWG": "", "GML": "",
	} {
		if got := vectorKind(in); got != want {
			t.Errorf("vectorKind(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	_, err := WriteVector(dir, vectorAnalysis(), "DWG")
	if !errors.Is(err, ErrVectorFormat) || !strings.Contains(err.Error(), "DXF, le Shapefile (SHP) et le MapInfo MIF/MID") {
		t.Errorf("DWG: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written for a format refused", len(entries))
	}
}

// TestWriteVectorNothingFound: an analysis with no feature found (or no
// zone) still gives the zone's layer, which GDAL reads.
func TestWriteVectorNothingFound(t *testing.T) {
	a := vectorAnalysis()
	a.Items, a.Concerned = nil, false
	a.Declaration.Number = "DT/2026 n°5"
	for _, format := range []string{"DXF", "SHP", "MIF"} {
		dir := t.TempDir()
		files, err := WriteVector(dir, a, format)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(filepath.Base(files[0]), "plans-DT_2026_n_5") {
			t.Errorf("%s: files %q", format, files)
		}
		ds, _ := gdalLayer(t, files[0])
		if n := len(ds.Features); n == 0 {
			t.Errorf("%s: GDAL reads no feature", format)
		}
	}
	a.Declaration.Zone = nil
	files, err := WriteVector(t.TempDir(), a, "DXF")
	if err != nil {
		t.Fatal(err)
	}
	if dwg, err := formats.ReadDXFFile(files[0]); err != nil || len(dwg.Entities) != 0 || !slices.Contains(dwg.Layers, ZoneLayer) {
		t.Errorf("no zone: %v %+v", err, dwg)
	}
}

// parts counts the DXF entities a geometry is drawn with.
func parts(g orb.Geometry) int {
	switch x := g.(type) {
	case orb.MultiPoint:
		return len(x)
	case orb.MultiLineString:
		return len(x)
	case orb.Polygon:
		return len(x)
	case orb.MultiPolygon:
		n := 0
		for _, p := range x {
			n += len(p)
		}
		return n
	case nil:
		return 0
	}
	return 1
}

// TestWriteVectorDemo answers the fixtures over the demo's Tournus
// networks in the format each asks: the DT's DXF holds every feature
// found on the layer of its network layer and class, the DICT's MIF/MID
// tables every feature of their layer, and GDAL reads them all.
func TestWriteVectorDemo(t *testing.T) {
	ws := demows.Open(t, "whole", orb.Bound{})
	for _, file := range []string{"dt-tournus.xml", "dict-tournus.xml"} {
		f, err := os.Open(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		a, err := Analyse(context.Background(), ws, d, AnalysisOptions{})
		if err != nil || !a.Concerned {
			t.Fatalf("%s: %v, concerned %v (%s)", file, err, a != nil && a.Concerned, a.Reason)
		}
		dir := t.TempDir()
		files, err := WriteVector(dir, a, d.Wishes.VectorFormat)
		if err != nil {
			t.Fatal(err)
		}
		switch d.Wishes.VectorFormat {
		case "DXF":
			dwg, err := formats.ReadDXFFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for _, it := range a.Items {
				want[it.Layer+"_"+it.Class.Label()] += parts(it.Geometry)
			}
			want[ZoneLayer] = parts(d.Zone)
			got := map[string]int{}
			total, texts := 0, 0
			for _, e := range dwg.Entities {
				if e.Geometry != nil {
					got[e.Layer]++
					total++
				} else if e.Type == "TEXT" {
					texts++
				}
			}
			if !reflect.DeepEqual(got, want) || texts != len(a.Items)+1 {
				t.Errorf("%s: entities by layer %v, want %v; %d labels for %d items", file, got, want, texts, len(a.Items))
			}
			if _, info := gdalLayer(t, files[0]); !strings.Contains(info, "Feature Count: "+strconv.Itoa(total+texts)) {
				t.Errorf("%s: GDAL reads, of %d entities:\n%s", file, total+texts, info)
			}
		case "MIF_MID":
			byLayer := map[string]int{"emprise": 1}
			for _, it := range a.Items {
				byLayer[it.Layer]++
			}
			if len(files) != 2*len(byLayer) {
				t.Errorf("%s: files %q for layers %v", file, files, byLayer)
			}
			for l, n := range byLayer {
				ds, info := gdalLayer(t, filepath.Join(dir, "plans-"+fileStem(d)+"-"+l+".mif"))
				if len(ds.Features) != n || !strings.Contains(info, `ID["EPSG",2154]`) {
					t.Errorf("%s: %s: GDAL reads %d features, want %d:\n%s", file, l, len(ds.Features), n, info)
				}
			}
		default:
			t.Fatalf("%s asks for %q", file, d.Wishes.VectorFormat)
		}
	}
}
