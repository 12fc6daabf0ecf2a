package tiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// gpkgPyramid describes a tile pyramid the test writes: its top is XYZ
// tile top, it has levels zooms below, tiles of size pixels, and its own
// zoom_level numbering starts at 0.
type gpkgPyramid struct {
	table      string
	top        maptile.Tile
	levels     int
	size       int
	srsOrg     string
	srsCode    int
	shiftX     float64 // moves the grid off the XYZ one, in tiles
	tileHeight int     // 0: square
}

// writeGeoPackage writes a GeoPackage holding pyramids, each tile painted
// tileColor of the XYZ tile it is.
func writeGeoPackage(t *testing.T, path string, pyramids ...gpkgPyramid) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("PRAGMA application_id = 1196444487")
	exec(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
		organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`)
	exec(`CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
		description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`)
	exec(`CREATE TABLE gpkg_tile_matrix_set (table_name TEXT PRIMARY KEY, srs_id INTEGER NOT NULL,
		min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL)`)
	exec(`CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL,
		matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL,
		tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
		PRIMARY KEY (table_name, zoom_level))`)
	world := project.Bound(maptile.New(0, 0, 0).Bound(), project.WGS84.ToMercator)
	for i, p := range pyramids {
		srs := 100 + i
		exec("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, 'undefined', '')", p.srsOrg, srs, p.srsOrg, p.srsCode)
		span := (world.Max[0] - world.Min[0]) / float64(uint64(1)<<p.top.Z)
		minX := world.Min[0] + (float64(p.top.X)+p.shiftX)*span
		maxY := world.Max[1] - float64(p.top.Y)*span
		exec("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'tiles', ?, ?)",
			p.table, "Pyramid "+p.table, srs)
		exec("INSERT INTO gpkg_tile_matrix_set VALUES (?, ?, ?, ?, ?, ?)", p.table, srs, minX, maxY-span, minX+span, maxY)
		exec(fmt.Sprintf(`CREATE TABLE %q (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL,
			tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL,
			UNIQUE (zoom_level, tile_column, tile_row))`, p.table))
		th := p.tileHeight
		if th == 0 {
			th = p.size
		}
		for l := range p.levels {
			n := 1 << l
			px := span / float64(n) / float64(p.size)
			exec("INSERT INTO gpkg_tile_matrix VALUES (?, ?, ?, ?, ?, ?, ?, ?)", p.table, l, n, n, p.size, th, px, px)
			for c := range n {
				for r := range n {
					xyz := maptile.New(p.top.X<<l+uint32(c), p.top.Y<<l+uint32(r), p.top.Z+maptile.Zoom(l))
					exec(fmt.Sprintf("INSERT INTO %q (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)", p.table),
						l, c, r, solidPNG(t, tileColor(xyz), p.size))
				}
			}
		}
	}
}

func TestGeoPackageTiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ortho.gpkg")
	writeGeoPackage(t, path, gpkgPyramid{table: "ortho", top: maptile.New(2, 1, 2), levels: 3, size: 16, srsOrg: "EPSG", srsCode: 3857})
	g, err := OpenGeoPackageTiles(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if info := g.Info(); info.MinZoom != 2 || info.MaxZoom != 4 || info.TileSize != 16 || info.Title != "Pyramid ortho" {
		t.Errorf("info %+v", info)
	}
	ctx := context.Background()
	for _, tl := range []maptile.Tile{{X: 2, Y: 1, Z: 2}, {X: 4, Y: 2, Z: 3}, {X: 5, Y: 3, Z: 3}, {X: 9, Y: 5, Z: 4}, {X: 11, Y: 7, Z: 4}} {
		img, err := g.Tile(ctx, tl)
		if err != nil {
			t.Fatalf("%v: %v", tl, err)
		}
		if c := colorAt(img, 2, 2); c != tileColor(tl) {
			t.Errorf("%v: colour %v, want %v", tl, c, tileColor(tl))
		}
	}
	for _, tl := range []maptile.Tile{{X: 1, Y: 1, Z: 2}, {X: 3, Y: 3, Z: 3}, {X: 12, Y: 5, Z: 4}, {X: 0, Y: 0, Z: 1}, {X: 18, Y: 10, Z: 5}} {
		if _, err := g.Tile(ctx, tl); !errors.Is(err, ErrNoTile) {
			t.Errorf("%v: %v, want ErrNoTile", tl, err)
		}
	}
}

func TestGeoPackageTilesRefuses(t *testing.T) {
	dir := t.TempDir()
	ok := gpkgPyramid{table: "a", top: maptile.New(0, 0, 1), levels: 1, size: 16, srsOrg: "EPSG", srsCode: 3857}
	cases := []struct {
		name, text string
		pyramids   []gpkgPyramid
	}{
		{"lonlat", "EPSG:4326", []gpkgPyramid{{table: "a", top: maptile.New(0, 0, 1), levels: 1, size: 16, srsOrg: "EPSG", srsCode: 4326}}},
		{"shifted", "not on the Web Mercator XYZ grid", []gpkgPyramid{{table: "a", top: maptile.New(0, 0, 1), levels: 1, size: 16, srsOrg: "EPSG", srsCode: 3857, shiftX: 0.3}}},
		{"oblong", "square tiles", []gpkgPyramid{{table: "a", top: maptile.New(0, 0, 1), levels: 1, size: 16, srsOrg: "EPSG", srsCode: 3857, tileHeight: 8}}},
		{"two", "holds 2 tile pyramids (a, b)", []gpkgPyramid{ok, {table: "b", top: maptile.New(0, 0, 1), levels: 1, size: 16, srsOrg: "EPSG", srsCode: 3857}}},
		{"none", "holds no tile pyramid", nil},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".gpkg")
		writeGeoPackage(t, path, c.pyramids...)
		_, err := OpenGeoPackageTiles(path, "")
		if !errors.Is(err, ErrInvalidSource) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %v, want ErrInvalidSource saying %q", c.name, err, c.text)
		}
	}
	names, err := GeoPackageTileTables(filepath.Join(dir, "two.gpkg"))
	if err != nil || !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("GeoPackageTileTables = %v, %v", names, err)
	}
	if g, err := OpenGeoPackageTiles(filepath.Join(dir, "two.gpkg"), "b"); err != nil {
		t.Errorf("choosing b: %v", err)
	} else {
		g.Close()
	}
	if _, err := OpenGeoPackageTiles(filepath.Join(dir, "two.gpkg"), "c"); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("absent table: %v", err)
	}
	_, err = OpenGeoPackageTiles("testdata/geography-class-png.mbtiles", "")
	if !errors.Is(err, ErrInvalidSource) || !strings.Contains(err.Error(), "not a GeoPackage with tiles") {
		t.Errorf("an MBTiles file: %v", err)
	}
}

// TestGeoPackageFromGDAL tiles a small red image around Mâcon with GDAL's
// GoogleMapsCompatible scheme and finds it where it belongs.
func TestGeoPackageFromGDAL(t *testing.T) {
	gdal, err := exec.LookPath("gdal_translate")
	if err != nil {
		t.Fatal("gdal_translate is not installed: run make deps (make test installs gdal-bin)")
	}
	dir := t.TempDir()
	center := orb.Point{4.8306, 46.3069} // Mâcon
	m := project.WGS84.ToMercator(center)
	const side, res = 64, 10.0 // pixels, metres
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = []byte{255, 0, 0, 255}[i%4]
	}
	f, err := os.Create(filepath.Join(dir, "red.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	world := fmt.Sprintf("%f\n0\n0\n%f\n%f\n%f\n", res, -res, m[0]-side/2*res+res/2, m[1]+side/2*res-res/2)
	if err := os.WriteFile(filepath.Join(dir, "red.pgw"), []byte(world), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "red.gpkg")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gdal, "-q", "-of", "GPKG", "-a_srs", "EPSG:3857",
		"-co", "TILING_SCHEME=GoogleMapsCompatible", filepath.Join(dir, "red.png"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, b)
	}
	g, err := OpenGeoPackageTiles(out, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	z := g.Info().MaxZoom
	if math.Abs(float64(z)-14) > 1 {
		t.Errorf("GDAL's zoom %d for 10 m pixels", z)
	}
	tl := maptile.At(center, z)
	tile, err := g.Tile(context.Background(), tl)
	if err != nil {
		t.Fatal(err)
	}
	frac := maptile.Fraction(center, z)
	size := float64(tile.Bounds().Dx())
	x, y := int((frac[0]-math.Floor(frac[0]))*size), int((frac[1]-math.Floor(frac[1]))*size)
	if c := colorAt(tile, x, y); c.R < 200 || c.G > 50 || c.A < 200 {
		t.Errorf("Mâcon is at pixel %d,%d of %v: colour %v, want red", x, y, tl, c)
	}
	// And the tiles next to it are empty or transparent there.
	if img, err := g.Tile(context.Background(), maptile.New(tl.X+2, tl.Y, z)); err == nil {
		if c := colorAt(img, x, y); c.A > 0 && c.R > 200 && c.G < 50 {
			t.Errorf("red two tiles east of Mâcon")
		}
	}
}
