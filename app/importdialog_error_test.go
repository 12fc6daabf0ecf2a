package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
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

// After an object is refused, the dialog says what to do about it: choose
// another system when its coordinates are not longitudes and latitudes (a
// GeoPackage has no such choice), import into a new layer when its
// geometry is not of the layer's kind, else correct the file.
func TestFileImportErrorSaysWhatToDo(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	points := &schema.Layer{Name: "pei", GeometryType: schema.Point}
	_, outside := points.CheckGeometry(orb.Point{652000, 6602000})
	_, kind := points.CheckGeometry(orb.LineString{{4.9, 46.5}, {4.91, 46.51}})
	const (
		chooseSystem = "Si tous les objets sont dans ce cas, le fichier est dans un autre système de coordonnées : choisissez-le dans «\u00a0Lire les coordonnées en\u00a0». Sinon, corrigez cet objet dans le fichier, puis importez-le de nouveau."
		correct      = "Corrigez cet objet dans le fichier (ou demandez un fichier corrigé à la personne qui vous l'a envoyé), puis importez-le de nouveau."
		newLayer     = "Importez plutôt le fichier dans une nouvelle couche."
	)
	cases := []struct {
		name    string
		failure importFailure
		want    string
	}{
		{"outside longitude/latitude", importFailure{err: outside, systemChoice: true}, chooseSystem},
		{"outside longitude/latitude, GeoPackage", importFailure{err: outside}, correct},
		{"another kind", importFailure{err: kind, systemChoice: true}, newLayer},
		{"bad geometry", importFailure{err: formats.ErrBadGeometry, systemChoice: true}, correct},
		{"refused value", importFailure{err: &store.ValidationError{Fields: []schema.FieldError{{Field: "debit"}}}, systemChoice: true}, correct},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.failure.err == nil {
				t.Fatal("no error to word")
			}
			c.failure.err = fmt.Errorf("%w: %w", store.ErrImport, &formats.FeatureError{Number: 40, ID: "PEI-40", Err: c.failure.err})
			lines := strings.Split(importErrorText(c.failure), "\n")
			if len(lines) != 3 || lines[1] != "Rien n'a été importé : l'espace de travail est resté tel quel." || lines[2] != c.want {
				t.Errorf("%q\nwant its last line %q", lines, c.want)
			}
		})
	}
	// An error about the whole file says what to do in its own sentence.
	if got := importErrorText(importFailure{err: store.ErrNoGeometry, systemChoice: true}); strings.Count(got, "\n") != 1 {
		t.Errorf("whole-file error: %q, want two lines", got)
	}
}

// A CSV does not declare its coordinate system: Terrimap deduces it from
// the coordinate columns, and the dialog says so rather than «declared by
// the file».
func TestFileImportCSVSystemIsDeduced(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	csv := "Numéro;X;Y\n1;845123,5;6604321,25\n2;844000,5;6603000,75\n"
	d, _ := newTestImportDialog(t, ws, writeFile(t, "avaloirs.csv", csv), nil)
	if want := "Lambert-93 (EPSG:2154), déduit des colonnes de coordonnées"; d.system.Text != want {
		t.Errorf("system %q, want %q", d.system.Text, want)
	}
}

// A CSV row with a coordinate that is not a number is named by its line,
// as the spreadsheet shows it, and the dialog says to correct that line.
func TestFileImportCSVBadRowNamesItsLine(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	before := workspaceState(t, ws)
	const advice = "Rien n'a été importé : l'espace de travail est resté tel quel.\n" +
		"Corrigez cette ligne dans le fichier (ou demandez un fichier corrigé à la personne qui vous l'a envoyé), puis importez-le de nouveau."
	for _, c := range []struct{ name, csv, want string }{
		{"a coordinate that is not a number", "Numéro;X;Y\n1;845123,5;6604321,25\n2;844000,5;6603000,75\n3;844631,82;6608x12,5\n",
			"La ligne 4 du fichier ne peut pas être importée : sa géométrie est invalide (coordonnées manquantes ou fausses).\n" + advice},
		{"a separator typed in a cell", "Numéro;Rue;X;Y\n1;rue Désiré-Mathivet;845123,5;6604321,25\n2;quai du Nord; côté Saône;844000,5;6603000,75\n",
			"La ligne 3 du fichier ne peut pas être importée : elle a plus de cellules que l'en-tête n'a de colonnes (un séparateur tapé dans une cellule ?).\n" + advice},
	} {
		d, _ := newTestImportDialog(t, ws, writeFile(t, "avaloirs.csv", c.csv), nil)
		if d.state.Text != c.want || !d.importB.Disabled() {
			t.Errorf("%s: state\n%q\nwant\n%q (import disabled %v)", c.name, d.state.Text, c.want, d.importB.Disabled())
		}
	}
	if after := workspaceState(t, ws); after != before {
		t.Errorf("workspace changed: %s, was %s", after, before)
	}
}

// communesWithoutPRJ copies the communes' Shapefile, in Lambert-93, without
// its .prj, and returns the path of its .shp.
func communesWithoutPRJ(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, ext := range []string{".shp", ".shx", ".dbf", ".cpg"} {
		b, err := os.ReadFile(strings.TrimSuffix(communesShapefileL93, ".shp") + ext)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "communes"+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "communes.shp")
}

// communesInCC47WithoutPRJ writes the communes' Shapefile in CC47 (a
// system Terrimap converts but does not deduce) with GDAL's ogr2ogr, then
// removes its .prj, and returns the path of its .shp.
func communesInCC47WithoutPRJ(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "communes.shp")
	out, err := exec.Command("ogr2ogr", "-f", "ESRI Shapefile", "-s_srs", "EPSG:2154", "-t_srs", "EPSG:3947", path, communesShapefileL93).CombinedOutput()
	if err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	if err := os.Remove(strings.TrimSuffix(path, ".shp") + ".prj"); err != nil {
		t.Fatal(err)
	}
	return path
}

// Once the user changes her choice after a failed import, the red message
// about the last try goes (it no longer says what Import would do), and
// the coordinates' line no longer says the file is read in degrees when
// another system is chosen.
func TestFileImportChoiceAfterFailureClearsIt(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	d, q := newTestImportDialog(t, ws, communesInCC47WithoutPRJ(t), nil)
	importAndWait(t, d, q)
	if !strings.HasPrefix(d.state.Text, "L'objet n° 1 du fichier ne peut pas être importé") {
		t.Fatalf("read as degrees: %q", d.state.Text)
	}
	d.crs.SetSelected("Lambert-93 (EPSG:2154)")
	if d.state.Text != "" {
		t.Errorf("after choosing Lambert-93, still %q", d.state.Text)
	}
	if want := "non indiqué par le fichier"; d.system.Text != want {
		t.Errorf("system %q, want %q", d.system.Text, want)
	}
	d.crs.SetSelected("Comme l'indique le fichier")
	if want := "non indiqué par le fichier : lu en longitude/latitude (WGS84)"; d.system.Text != want {
		t.Errorf("system %q, want %q", d.system.Text, want)
	}

	// A file that cannot be read keeps its reason whatever is chosen.
	bad := strings.Replace(hydrantsGeoJSON, `"coordinates":[4.9051,46.5702]`, `"coordinates":[4.9051]`, 1)
	unreadable, _ := newTestImportDialog(t, ws, writeFile(t, "pei.geojson", bad), nil)
	reason := unreadable.state.Text
	unreadable.crs.SetSelected("Lambert-93 (EPSG:2154)")
	if reason == "" || unreadable.state.Text != reason {
		t.Errorf("unreadable file: %q, then %q", reason, unreadable.state.Text)
	}
}
