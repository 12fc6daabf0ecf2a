package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/export"
)

// scaleText finds the numeric scale "1:18 700" in a PDF's text.
var scaleText = regexp.MustCompile(`1:[0-9]{1,3}(?:[\x{a0} ][0-9]{3})*`)

// TestSameScaleAsExport prints the report's map view through the map
// export too: both PDFs state the same scale (the one rounding rule of
// paper.ScaleText), read back by pdftotext.
func TestSameScaleAsExport(t *testing.T) {
	ws := demoWorkspace(t)
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	for _, zone := range []Zone{acrossStreet(), alongStreet()} {
		t.Run(zone.Name, func(t *testing.T) {
			sel, err := Select(context.Background(), ws, zone, Options{Buffer: DefaultBuffer})
			if err != nil {
				t.Fatal(err)
			}
			reportText := pdfText(t, sel, testMeta(ws.Path()), 1)
			_, buffer := sel.Outlines()
			vp := zoneFrame(sel, buffer, paper.Rect{W: contentW, H: 100}).View
			var buf bytes.Buffer
			err = export.Export(context.Background(), r, export.Options{Viewport: &vp, Paper: export.A4, DPI: 72,
				Layers: mapview.DefaultLayers(ws, nil), Title: zone.Name, Format: export.PDF, Out: &buf})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "carte.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, out)
			}
			inReport := scaleText.FindAllString(reportText, -1)
			inExport := scaleText.FindAllString(string(out), -1)
			// pdftotext reads the no-break space as a space.
			want := strings.ReplaceAll(paper.ScaleText(vp.ScaleDenominator()), paper.NBSP, " ")
			if len(inReport) != 1 || len(inExport) != 1 || inReport[0] != want || inExport[0] != want {
				t.Errorf("the report states the scale %q, the export %q; want %q in both", inReport, inExport, want)
			}
		})
	}
}
