package app

import (
	"strings"
	"testing"
)

// A file whose first pass fails shows no empty summary: neither the
// «what the file holds» rows left blank nor a choice of coordinate
// system that changes nothing, only the file's name and why it cannot be
// imported. A GeoPackage keeps its rows: its layer may be chosen again.
func TestFileImportUnreadableFileShowsNoEmptySummary(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	bad := strings.Replace(hydrantsGeoJSON, `"coordinates":[4.9051,46.5702]`, `"coordinates":[4.9051,"nord"]`, 1)
	d, _ := newTestImportDialog(t, ws, writeFile(t, "pei.geojson", bad), nil)
	if d.srcErr == nil {
		t.Fatal("the bad file was read")
	}
	if d.summary.Visible() || d.right.Visible() {
		t.Errorf("summary shown %v, target shown %v, for a file that cannot be read", d.summary.Visible(), d.right.Visible())
	}

	good, _ := newTestImportDialog(t, ws, writeFile(t, "pei.geojson", hydrantsGeoJSON), nil)
	if !good.summary.Visible() || !good.right.Visible() {
		t.Errorf("summary shown %v, target shown %v, for a good file", good.summary.Visible(), good.right.Visible())
	}

	gpkg, q := newTestImportDialog(t, ws, gdalSampleGeoPackage, nil)
	gpkg.sourceLayer.SetSelected("polygon2d") // in UTM 31: refused
	q.runUntil(t, func() bool { return gpkg.src != nil || gpkg.srcErr != nil })
	if gpkg.srcErr == nil || !gpkg.summary.Visible() {
		t.Errorf("GeoPackage layer refused (%v): summary shown %v, want its layer choice kept", gpkg.srcErr, gpkg.summary.Visible())
	}
}
