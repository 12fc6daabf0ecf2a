package dtdict

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"terrimap/internal/paper"
	"terrimap/mapview/tiles"
)

// blueBasemap is a tile source whose every tile is one blue.
type blueBasemap struct{}

var basemapBlue = color.RGBA{0x20, 0x60, 0xc0, 0xff}

func (blueBasemap) Info() tiles.Info {
	return tiles.Info{Name: "bleu", Title: "Plan d'essai", Attribution: "© Essai", MaxZoom: 20, TileSize: 256}
}

func (blueBasemap) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: basemapBlue}, image.Point{}, draw.Src)
	return img, nil
}

// TestWritePlansBasemap checks that the basemap is drawn under the plan,
// washed out like the rest of the background, and credited.
func TestWritePlansBasemap(t *testing.T) {
	ws := pdfWorkspace(t)
	d := testDeclaration(zoneRect(4.907015, 46.566985, 6, 12), "A4", true)
	a := testAnalysis(t, ws, d)
	var buf bytes.Buffer
	if _, err := WritePlans(context.Background(), &buf, testRenderer(ws), a, AnswerMeta{Basemap: blueBasemap{}}); err != nil {
		t.Fatal(err)
	}
	pdf := readPDF(t, "plans-fond.pdf", buf.Bytes())
	if !strings.Contains(pdf.words(), "Fond de plan : Plan d'essai, © Essai") {
		t.Errorf("the basemap is not credited:\n%s", pdf.text)
	}
	// The map's top-left corner, where the demo has no pipe near the zone.
	const dpi = 50
	img := pageImage(t, pdf.path, dpi)
	px := func(mm float64) int { return int(mm / paper.MMPerInch * dpi) }
	r, g, b, _ := img.At(px(sheetMargin+15), px(sheetMargin+30)).RGBA()
	washed := func(c uint8) int { return int(255 - 0.55*(255-float64(c))) }
	near := func(got uint32, want uint8) bool { d := int(got>>8) - washed(want); return d > -8 && d < 8 }
	if !near(r, basemapBlue.R) || !near(g, basemapBlue.G) || !near(b, basemapBlue.B) {
		t.Errorf("the map's corner is %d %d %d, want the washed basemap's %d %d %d", r>>8, g>>8, b>>8,
			washed(basemapBlue.R), washed(basemapBlue.G), washed(basemapBlue.B))
	}
}
