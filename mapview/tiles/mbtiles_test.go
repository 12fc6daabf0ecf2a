package tiles

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestOpenMBTilesRaster(t *testing.T) {
	m, err := OpenMBTiles("testdata/geography-class-png.mbtiles")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	info := m.Info()
	if info.Name != "geography-class-png" || info.Title != "Geography Class" ||
		info.MinZoom != 0 || info.MaxZoom != 1 || info.TileSize != 256 {
		t.Errorf("info %+v", info)
	}
	ctx := context.Background()
	for _, tl := range []maptile.Tile{{X: 0, Y: 0, Z: 0}, {X: 0, Y: 0, Z: 1}, {X: 1, Y: 0, Z: 1}, {X: 0, Y: 1, Z: 1}, {X: 1, Y: 1, Z: 1}} {
		img, err := m.Tile(ctx, tl)
		if err != nil {
			t.Fatalf("%v: %v", tl, err)
		}
		if img.Bounds().Dx() != 256 {
			t.Errorf("%v: %v", tl, img.Bounds())
		}
	}
	if _, err := m.Tile(ctx, maptile.New(0, 0, 2)); !errors.Is(err, ErrNoTile) {
		t.Errorf("beyond max zoom: %v", err)
	}
}

// TestMBTilesFlipsRows checks tile 1/0/0 (north-west) is the file's TMS row
// 1: the image at the top of the world is the one the file stores there.
func TestMBTilesFlipsRows(t *testing.T) {
	const path = "testdata/geography-class-png.mbtiles"
	db, err := sql.Open("sqlite", sqliteDSN(path, dsnFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var want []byte
	if err := db.QueryRow("SELECT tile_data FROM tiles WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 1").Scan(&want); err != nil {
		t.Fatal(err)
	}
	wantImg, err := decodeTile("", want)
	if err != nil {
		t.Fatal(err)
	}
	m, err := OpenMBTiles(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	got, err := m.Tile(context.Background(), maptile.New(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	var south []byte // row 0, which the north-west tile must not be
	if err := db.QueryRow("SELECT tile_data FROM tiles WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 0").Scan(&south); err != nil {
		t.Fatal(err)
	}
	southImg, err := decodeTile("", south)
	if err != nil {
		t.Fatal(err)
	}
	differs := false
	for _, p := range [][2]int{{0, 0}, {128, 128}, {255, 40}, {17, 230}, {200, 200}} {
		a, b := colorAt(got, p[0], p[1]), colorAt(wantImg, p[0], p[1])
		if a != b {
			t.Fatalf("pixel %v: %v, the file's row 1 has %v", p, a, b)
		}
		differs = differs || a != colorAt(southImg, p[0], p[1])
	}
	if !differs {
		t.Error("the sampled pixels cannot tell row 0 from row 1")
	}
}

func TestOpenMBTilesRefuses(t *testing.T) {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "tile.mbtiles")
	if err := os.WriteFile(notSQLite, solidPNG(t, tileColor(maptile.Tile{}), 8), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, text string
	}{
		{"testdata/invalid.mbtiles", "not an MBTiles file"},
		{"testdata/world_cities.mbtiles", "tuiles vectorielles non prises en charge"},
		{notSQLite, "not a SQLite database"},
	} {
		_, err := OpenMBTiles(c.path)
		if !errors.Is(err, ErrInvalidSource) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %v, want ErrInvalidSource saying %q", c.path, err, c.text)
		}
	}
	if _, err := OpenMBTiles(filepath.Join(dir, "absent.mbtiles")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.mbtiles")); !errors.Is(err, os.ErrNotExist) {
		t.Error("opening an absent file created it")
	}
}
