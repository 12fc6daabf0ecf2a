package export

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/tiles"
)

var update = flag.Bool("update", false, "rewrite the golden images")

func exportTo(t *testing.T, opts Options) ([]byte, []string) {
	t.Helper()
	ws := newTestWorkspace(t)
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	var buf bytes.Buffer
	var warnings []string
	opts.Out = &buf
	if opts.Layers == nil {
		opts.Layers = testLayers(t)
	}
	if opts.Date.IsZero() {
		opts.Date = testDate
	}
	if opts.Attributions == nil {
		opts.Attributions = DataAttributions(ws, opts.Layers)
	}
	opts.Warn = func(s string) { warnings = append(warnings, s) }
	if err := Export(context.Background(), r, opts); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes(), warnings
}

// poppler runs a poppler-utils tool on a file and returns its output. The
// tools are needed: a missing one fails the test.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is not installed: the PDF tests read the exports with poppler-utils (apt-get install poppler-utils)", tool)
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var pageSize = regexp.MustCompile(`Page size:\s+([0-9.]+) x ([0-9.]+) pts`)

func TestPDFPages(t *testing.T) {
	cases := []struct {
		paper  Paper
		orient Orientation
		w, h   float64 // points
	}{
		{A4, Portrait, 595.28, 841.89},
		{A4, Landscape, 841.89, 595.28},
		{A3, Portrait, 841.89, 1190.55},
		{A3, Landscape, 1190.55, 841.89},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.paper, c.orient), func(t *testing.T) {
			data, warnings := exportTo(t, Options{Bound: testBound, Paper: c.paper, Orientation: c.orient, DPI: 100,
				Title: "Réseau d'eau à Tournus", Subtitle: "Défense incendie", Format: PDF})
			if len(warnings) > 0 {
				t.Errorf("warnings: %q", warnings)
			}
			file := writeTemp(t, "map.pdf", data)
			info := poppler(t, "pdfinfo", file)
			m := pageSize.FindStringSubmatch(info)
			if m == nil {
				t.Fatalf("pdfinfo gives no page size:\n%s", info)
			}
			w, _ := strconv.ParseFloat(m[1], 64)
			h, _ := strconv.ParseFloat(m[2], 64)
			if math.Abs(w-c.w) > 0.5 || math.Abs(h-c.h) > 0.5 {
				t.Errorf("page is %g × %g pt, want %g × %g", w, h, c.w, c.h)
			}
			if !strings.Contains(info, "Title:           Réseau d'eau à Tournus") || !strings.Contains(info, "Pages:           1") {
				t.Errorf("pdfinfo:\n%s", info)
			}
		})
	}
}

func TestPDFText(t *testing.T) {
	data, _ := exportTo(t, Options{Bound: testBound, Paper: A4, Orientation: Landscape, Format: PDF,
		Title: "Réseau d'eau à Tournus", Subtitle: "Défense extérieure contre l'incendie",
		Attributions: []string{"© IGN – Admin Express (Licence Ouverte)"}})
	file := writeTemp(t, "map.pdf", data)
	raw := poppler(t, "pdftotext", file, "-")
	// Words as they read, whatever the lines they are wrapped on.
	text := strings.Join(strings.Fields(strings.ReplaceAll(raw, "\u00a0", " ")), " ")
	for _, want := range []string{
		"Réseau d'eau à Tournus", "Défense extérieure contre l'incendie", "Légende",
		// Layers, top first; classes from the rules' titles…
		"Poteaux", "Poteau d'incendie", "Bouche d'incendie", "Indisponible",
		// …and from the schema's code list, with the rest of the values.
		"Réseau d'eau", "Fonte ductile", "PEHD lisse", "Autre matériau", "Diamètre < 100", "Diamètre ≥ 100",
		"Zone inondable", "Aléa faible", "Aléa fort",
		"Édité le 26 novembre 2026", "Échelle 1:", "© IGN – Admin Express (Licence Ouverte)",
		"Carte réalisée avec Terrimap", "N", "0 100 m 200 m",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// Layers that show nothing here are not in the legend.
	for _, absent := range []string{"Lampes", "Bâtiments lointains"} {
		if strings.Contains(text, absent) {
			t.Errorf("the legend lists %q, which shows nothing in the extent", absent)
		}
	}
	// The map is one image, at the resolution asked for (300 dpi by default).
	imgs := poppler(t, "pdfimages", "-list", file)
	lines := strings.Split(strings.TrimSpace(imgs), "\n")
	if len(lines) != 3 {
		t.Fatalf("pdfimages: want one image:\n%s", imgs)
	}
	f := strings.Fields(lines[2])
	xppi, _ := strconv.Atoi(f[12])
	yppi, _ := strconv.Atoi(f[13])
	if math.Abs(float64(xppi-300)) > 1 || math.Abs(float64(yppi-300)) > 1 {
		t.Errorf("map image at %d×%d ppi, want 300:\n%s", xppi, yppi, imgs)
	}
}

// diff compares two images: the share of pixels that differ by more than
// 48 in some channel, and the mean absolute difference.
func diff(a, b image.Image) (share, mean float64) {
	bd := a.Bounds()
	var n, total, sum float64
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > 48 {
				n++
			}
			sum += float64(d)
			total++
		}
	}
	return n / total, sum / total
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestPNGGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"slide", Options{Bound: testBound, Size: image.Pt(640, 400), Title: "Réseau d'eau à Tournus", Subtitle: "Essai"}},
		{"portrait", Options{Bound: testBound, Size: image.Pt(420, 560), Title: "Tournus"}},
		{"maponly", Options{Bound: testBound, Size: image.Pt(400, 300), MapOnly: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Format = PNG
			data, _ := exportTo(t, c.opts)
			got, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("the PNG does not decode: %v", err)
			}
			if got.Bounds().Size() != c.opts.Size {
				t.Fatalf("PNG of %v, want %v", got.Bounds().Size(), c.opts.Size)
			}
			golden := filepath.Join("testdata", c.name+".png")
			if *update {
				if err := os.WriteFile(golden, data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if want.Bounds() != got.Bounds() {
				t.Fatalf("golden is %v, got %v", want.Bounds(), got.Bounds())
			}
			if share, mean := diff(want, got); share > 0.005 || mean > 1.5 {
				failed := filepath.Join("testdata", "failed", c.name+".png")
				os.MkdirAll(filepath.Dir(failed), 0o755)
				os.WriteFile(failed, data, 0o644)
				t.Errorf("%s differs from its golden: %.2f%% of pixels, mean %.2f; see %s", c.name, share*100, mean, failed)
			}
		})
	}
}

// TestScaleBarDrawn measures the bar on a picture: at 96 dpi and zoom
// 14 over Tournus, 500 m is 500 / 6.5680 = 76.1 pixels.
func TestScaleBarDrawn(t *testing.T) {
	vp := mapview.Viewport{Center: testCentre, Zoom: 14}
	data, _ := exportTo(t, Options{Viewport: &vp, Size: image.Pt(480, 320), MapOnly: true, Format: PNG, Layers: []mapview.Layer{}})
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// The bar's dark and light parts alternate along one row near the
	// bottom: find the longest run between its outer dark edges.
	best := 0
	for y := img.Bounds().Max.Y - 30; y < img.Bounds().Max.Y; y++ {
		first, last := -1, -1
		for x := 0; x < img.Bounds().Dx()/2; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 < 0x60 && g>>8 < 0x60 && b>>8 < 0x60 {
				if first < 0 {
					first = x
				}
				last = x
			}
		}
		if first >= 0 && last-first+1 > best {
			best = last - first + 1
		}
	}
	if best < 75 || best > 79 {
		t.Errorf("the scale bar is %d pixels long, want about 76 (500 m)", best)
	}
}

func TestLegend(t *testing.T) {
	ws := newTestWorkspace(t)
	vp := mapview.Viewport{Width: 800, Height: 500}.FitBound(testBound)
	groups, err := buildLegend(context.Background(), ws, testLayers(t), vp)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		line := g.Title + ":"
		for _, it := range g.Items {
			line += " " + it.Title + ","
		}
		got = append(got, line)
	}
	want := []string{
		"Poteaux: Bouche d'incendie, Poteau d'incendie, Indisponible,",
		"Réseau d'eau: Fonte ductile, PEHD lisse, Autre matériau, Diamètre <\u00a0100, Diamètre ≥\u00a0100,",
		"Zone inondable: Aléa faible, Aléa fort,",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("legend:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Swatches are the styles resolved: the square of the hydrants rule,
	// the dash of polyethylene, the width of the large pipes.
	if s := groups[0].Items[0].Swatch; s.Symbol != mapview.Square || s.Kind != paper.PointSwatch || s.Size != 12 {
		t.Errorf("Bouche d'incendie swatch = %+v", s)
	}
	if s := groups[1].Items[1].Swatch; len(s.Dash) != 2 || s.RoundCap || s.Stroke != (color.NRGBA{0x1a, 0xa3, 0xe8, 0xff}) {
		t.Errorf("PEHD swatch = %+v", s)
	}
	if s := groups[1].Items[4].Swatch; s.Width != 4 || s.Kind != paper.LineSwatch {
		t.Errorf("Diamètre ≥ 100 swatch = %+v", s)
	}
	// Close up, the street lights show and join the legend.
	vp.Zoom = 18.5
	groups, err = buildLegend(context.Background(), ws, testLayers(t), vp)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range groups {
		found = found || g.Title == "Lampes" && g.Swatch != nil && g.Swatch.Symbol == mapview.Star
	}
	if !found {
		t.Errorf("at zoom 18.5 the legend lacks the street lights: %+v", groups)
	}
}

func TestDataAttributions(t *testing.T) {
	ws := newTestWorkspace(t)
	got := DataAttributions(ws, testLayers(t))
	want := []string{"Réseau d'eau : IGN et Régie des eaux, Licence Ouverte", "Zone inondable : données de démonstration, non réglementaires"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("DataAttributions = %q, want %q", got, want)
	}
}

// colourSource gives plain tiles of one colour, except those it says are
// offline.
type colourSource struct {
	c       color.RGBA
	offline func(maptile.Tile) bool
	block   bool
}

func (s *colourSource) Info() tiles.Info {
	return tiles.Info{Name: "couleur", Attribution: "© Fond d'essai", MaxZoom: 19, TileSize: 256}
}

func (s *colourSource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	if s.block {
		<-ctx.Done()
		return nil, fmt.Errorf("%w: %v", tiles.ErrOffline, ctx.Err())
	}
	if s.offline != nil && s.offline(t) {
		return nil, tiles.ErrOffline
	}
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], []uint8{s.c.R, s.c.G, s.c.B, s.c.A})
	}
	return img, nil
}

func TestBasemap(t *testing.T) {
	green := color.RGBA{0x20, 0xa0, 0x40, 0xff}
	src := &colourSource{c: green}
	data, warnings := exportTo(t, Options{Bound: testBound, Size: image.Pt(400, 300), MapOnly: true, Format: PNG,
		Layers: []mapview.Layer{}, Basemap: src, Attributions: []string{}})
	img, _ := png.Decode(bytes.NewReader(data))
	if r, g, b, _ := img.At(200, 150).RGBA(); r>>8 != 0x20 || g>>8 != 0xa0 || b>>8 != 0x40 {
		t.Errorf("the map's middle is %x %x %x, not the basemap's green", r>>8, g>>8, b>>8)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %q", warnings)
	}

	// Tiles that cannot be had: the export goes on without them, and says so.
	// Those starting west of 4.89°E: their parents are offline too.
	src.offline = func(tl maptile.Tile) bool { return tl.Bound().Min[0] < 4.89 }
	_, warnings = exportTo(t, Options{Bound: testBound, Size: image.Pt(400, 300), Format: PNG, Basemap: src})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "tiles of the basemap couleur are missing") {
		t.Errorf("warnings: %q", warnings)
	}

	// A basemap that never answers is left out once the timeout is over.
	start := time.Now()
	data, warnings = exportTo(t, Options{Bound: testBound, Size: image.Pt(400, 300), Format: PDF,
		Basemap: &colourSource{block: true}, BasemapTimeout: 200 * time.Millisecond})
	if time.Since(start) > 20*time.Second {
		t.Errorf("the export waited %v", time.Since(start))
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "the basemap couleur is left out") {
		t.Errorf("warnings: %q", warnings)
	}
	// Its attribution is not printed: not one of its tiles is on the map.
	text := poppler(t, "pdftotext", writeTemp(t, "map.pdf", data), "-")
	if strings.Contains(text, "© Fond d'essai") {
		t.Errorf("the export credits a basemap of which no tile was drawn:\n%s", text)
	}
	// A basemap whose tiles were drawn is credited.
	data, _ = exportTo(t, Options{Bound: testBound, Size: image.Pt(400, 300), Format: PDF, Basemap: &colourSource{c: green}})
	if text := poppler(t, "pdftotext", writeTemp(t, "map.pdf", data), "-"); !strings.Contains(text, "© Fond d'essai") {
		t.Errorf("the basemap's attribution is missing:\n%s", text)
	}
}

func TestOptionErrors(t *testing.T) {
	ws := newTestWorkspace(t)
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	var buf bytes.Buffer
	ok := Options{Bound: testBound, Size: image.Pt(200, 200), Format: PNG, Out: &buf}
	for _, c := range []struct {
		name string
		edit func(*Options)
	}{
		{"no output", func(o *Options) { o.Out = nil }},
		{"format", func(o *Options) { o.Format = "svg" }},
		{"empty extent", func(o *Options) { o.Bound = orb.Bound{Min: testCentre, Max: testCentre} }},
		{"nan extent", func(o *Options) { o.Bound.Min[0] = math.NaN() }},
		{"paper", func(o *Options) { o.Paper = "A0" }},
		{"tiny", func(o *Options) { o.Size = image.Pt(10, 10) }},
		{"dpi", func(o *Options) { o.DPI = 5000 }},
		{"huge", func(o *Options) { o.Size = image.Pt(20000, 20000) }},
	} {
		opts := ok
		c.edit(&opts)
		if err := Export(context.Background(), r, opts); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: err = %v, want ErrInvalidOptions", c.name, err)
		}
	}
	if err := Export(context.Background(), r, ok); err != nil {
		t.Errorf("valid options: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok.Layers = testLayers(t)
	if err := Export(ctx, r, ok); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// A title typed with an emoji (beyond what the embedded font holds) is
// printed with a question mark instead of crashing the PDF writer.
func TestPDFTitleWithEmoji(t *testing.T) {
	data, _ := exportTo(t, Options{Bound: testBound, Paper: A4, Format: PDF,
		Title: "Travaux 🚧 rue Désiré-Mathivet", Subtitle: "Réunion\tdu conseil 🗓"})
	text := poppler(t, "pdftotext", writeTemp(t, "emoji.pdf", data), "-")
	if !strings.Contains(text, "Travaux ? rue Désiré-Mathivet") {
		t.Errorf("the title reads:\n%s", text)
	}
}
