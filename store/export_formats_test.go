package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// realShapefileWorkspace makes, with ogr2ogr, a Shapefile of a park with a
// hole (GDAL writes its exterior clockwise, as the format wants) and a
// GeoPackage from that Shapefile (GDAL keeps the rings as they are), and
// imports both into a new workspace: layers parc_shp and parc_gpkg.
func realShapefileWorkspace(t *testing.T) (*Workspace, string) {
	t.Helper()
	ogr2ogr := requireTool(t, "ogr2ogr")
	dir := t.TempDir()
	src := filepath.Join(dir, "parc.geojson")
	os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"Parc de l'Abbaye","surface":12.5},
"geometry":{"type":"Polygon","coordinates":[[[4.90,46.55],[4.92,46.55],[4.92,46.57],[4.90,46.57],[4.90,46.55]],[[4.905,46.555],[4.905,46.565],[4.915,46.565],[4.915,46.555],[4.905,46.555]]]}}]}`), 0o644)
	shp := filepath.Join(dir, "parc.shp")
	gpkg := filepath.Join(dir, "parc.gpkg")
	for _, args := range [][]string{{"-f", "ESRI Shapefile", shp, src}, {"-f", "GPKG", gpkg, shp}} {
		if out, err := exec.Command(ogr2ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	ws, err := Create(filepath.Join(dir, "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	for _, c := range []struct{ file, layer string }{{shp, "parc_shp"}, {gpkg, "parc_gpkg"}} {
		if _, err := ws.ImportFile(ctx, c.file, ImportOptions{Layer: c.layer}); err != nil {
			t.Fatal(err)
		}
	}
	return ws, dir
}

// TestExportGeoJSONRFC7946: a layer that came from a Shapefile, through a
// GeoPackage made by GDAL (rings clockwise), goes out with its exterior
// counter-clockwise and its hole clockwise.
func TestExportGeoJSONRFC7946(t *testing.T) {
	ws, dir := realShapefileWorkspace(t)
	for _, layer := range []string{"parc_shp", "parc_gpkg"} {
		out := filepath.Join(dir, layer+".geojson")
		if _, err := ws.Export(context.Background(), out, ExportOptions{Layers: []string{layer}}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var fc struct {
			Features []struct {
				Geometry struct{ Coordinates [][][2]float64 }
			}
		}
		if err := json.Unmarshal(data, &fc); err != nil || len(fc.Features) != 1 {
			t.Fatalf("%s: %v\n%s", out, err, data)
		}
		rings := fc.Features[0].Geometry.Coordinates
		if len(rings) != 2 {
			t.Fatalf("%s: %d rings", out, len(rings))
		}
		for i, want := range []orb.Orientation{orb.CCW, orb.CW} {
			r := make(orb.Ring, len(rings[i]))
			for j, p := range rings[i] {
				r[j] = orb.Point(p)
			}
			if r.Orientation() != want {
				t.Errorf("%s: ring %d turns %v, want %v (RFC 7946)", layer, i, r.Orientation(), want)
			}
		}
	}
}

// TestExportShapefileAndCSV exports through Workspace.Export: GDAL reads
// the Shapefile (with its .prj and .cpg) and the CSV back with the layer's
// features; a name too long is reported.
func TestExportShapefileAndCSV(t *testing.T) {
	ws, dir := realShapefileWorkspace(t)
	ctx := context.Background()
	shp := filepath.Join(dir, "out", "parc.shp")
	os.Mkdir(filepath.Dir(shp), 0o755)
	rep, err := ws.Export(ctx, shp, ExportOptions{Layers: []string{"parc_gpkg"}})
	if err != nil || rep.Features["parc_gpkg"] != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	for _, ext := range []string{".shx", ".dbf", ".prj", ".cpg"} {
		if _, err := os.Stat(strings.TrimSuffix(shp, ".shp") + ext); err != nil {
			t.Error(err)
		}
	}
	if parts, _ := filepath.Glob(filepath.Join(filepath.Dir(shp), "*.part")); len(parts) > 0 {
		t.Errorf("left behind: %v", parts)
	}
	info, err := exec.Command(requireTool(t, "ogrinfo"), "-al", shp).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	for _, want := range []string{"Feature Count: 1", `ID["EPSG",4326]`, "nom (String) = Parc de l'Abbaye", "surface (Real) = 12.5",
		"POLYGON ((4.9 46.55,4.9 46.57,4.92 46.57,4.92 46.55,4.9 46.55),(4.905 46.555,4.915 46.555,4.915 46.565,4.905 46.565,4.905 46.555))"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("ogrinfo -al does not say %q:\n%s", want, info)
		}
	}
	csvPath := filepath.Join(dir, "out", "parc.csv")
	if _, err := ws.Export(ctx, csvPath, ExportOptions{Layers: []string{"parc_shp"}}); err != nil {
		t.Fatal(err)
	}
	info, err = exec.Command(requireTool(t, "ogrinfo"), "-al", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", csvPath).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	for _, want := range []string{"Feature Count: 1", "nom (String) = Parc de l'Abbaye", "surface (String) = 12.5",
		"POLYGON ((4.9 46.55,4.92 46.55,4.92 46.57,4.9 46.57,4.9 46.55),(4.905 46.555,4.905 46.565,4.915 46.565,4.915 46.555,4.905 46.555))"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("ogrinfo -al (CSV) does not say %q:\n%s", want, info)
		}
	}
	// Points in x/y columns: a polygon layer has none to give.
	rep, err = ws.Export(ctx, filepath.Join(dir, "out", "xy.csv"), ExportOptions{Layers: []string{"parc_shp"}, CSV: formats.CSVXY})
	if err != nil || len(rep.Warnings) != 1 || rep.Warnings[0].Kind != formats.WarnGeometryDropped {
		t.Errorf("x/y of polygons: %+v %v", rep, err)
	}
	if _, err := ws.Export(ctx, filepath.Join(dir, "out", "all.shp"), ExportOptions{}); err == nil {
		t.Error("two layers exported to one Shapefile")
	}
}

// TestExportLambert93: a Shapefile and a CSV of x/y columns go out in
// Lambert-93 when asked, as GDAL reads them; GeoJSON stays in 4326.
func TestExportLambert93(t *testing.T) {
	ws, dir := realShapefileWorkspace(t)
	ctx := context.Background()
	shp := filepath.Join(dir, "l93", "parc.shp")
	os.Mkdir(filepath.Dir(shp), 0o755)
	if _, err := ws.Export(ctx, shp, ExportOptions{Layers: []string{"parc_shp"}, SRS: srs.Lambert93}); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(requireTool(t, "ogrinfo"), "-al", shp).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	// 4.90 E 46.55 N is 845 6xx, 6 607 2xx in Lambert-93 (cs2cs).
	for _, want := range []string{`ID["EPSG",2154]`, "Extent: (845", "POLYGON ((845"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("ogrinfo -al does not say %q:\n%s", want, info)
		}
	}
	if _, err := ws.Export(ctx, filepath.Join(dir, "l93", "parc.geojson"), ExportOptions{Layers: []string{"parc_shp"}, SRS: srs.Lambert93}); !errors.Is(err, ErrUnsupportedExport) {
		t.Errorf("GeoJSON in Lambert-93: %v", err)
	}
}
