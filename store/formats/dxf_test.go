package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store/srs"
)

// entitiesOnly writes a minimal drawing: an ENTITIES section and EOF, as
// many small programs write DXF.
func entitiesOnly(r12 bool, body func(w *dxfWriter)) []byte {
	w := &dxfWriter{r12: r12}
	w.section("ENTITIES")
	body(w)
	w.endsec()
	return w.eof()
}

// near reports whether two points are within tol of each other.
func near(a, b orb.Point, tol float64) bool { return math.Hypot(a[0]-b[0], a[1]-b[1]) <= tol }

func TestReadDXFEntities(t *testing.T) {
	cases := []struct {
		name  string
		dxf   []byte
		typ   string
		check func(t *testing.T, e DXFEntity)
	}{
		{"LINE", entitiesOnly(false, func(w *dxfWriter) { w.line("AEP", orb.Point{1, 2}, orb.Point{3, 4}) }), DXFLine,
			func(t *testing.T, e DXFEntity) {
				if !orb.Equal(e.Geometry, orb.LineString{{1, 2}, {3, 4}}) || e.Layer != "AEP" || e.Handle != "101" {
					t.Errorf("got %+v", e)
				}
			}},
		{"LWPOLYLINE open", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{0, 0}}, {p: orb.Point{10, 0}}, {p: orb.Point{10, 10}}}, false, false)
		}), DXFLWPolyline, func(t *testing.T, e DXFEntity) {
			if !orb.Equal(e.Geometry, orb.LineString{{0, 0}, {10, 0}, {10, 10}}) || e.Closed {
				t.Errorf("got %v closed %v", e.Geometry, e.Closed)
			}
		}},
		{"LWPOLYLINE closed", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("BATI", []vertex{{p: orb.Point{0, 0}}, {p: orb.Point{10, 0}}, {p: orb.Point{10, 10}}, {p: orb.Point{0, 10}}}, true, false)
		}), DXFLWPolyline, func(t *testing.T, e DXFEntity) {
			if !orb.Equal(e.Geometry, orb.LineString{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}) || !e.Closed {
				t.Errorf("got %v closed %v", e.Geometry, e.Closed)
			}
		}},
		{"LWPOLYLINE bulge 1: half circle counter-clockwise, below the chord", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{0, 0}, bulge: 1}, {p: orb.Point{10, 0}}}, false, false)
		}), DXFLWPolyline, func(t *testing.T, e DXFEntity) { checkArc(t, e, orb.Point{5, 0}, 5, -5) }},
		{"LWPOLYLINE bulge -1: half circle clockwise, above the chord", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{0, 0}, bulge: -1}, {p: orb.Point{10, 0}}}, false, false)
		}), DXFLWPolyline, func(t *testing.T, e DXFEntity) { checkArc(t, e, orb.Point{5, 0}, 5, 5) }},
		{"LWPOLYLINE mirrored (extrusion 0,0,-1)", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{10, 5}}, {p: orb.Point{20, 5}}}, false, false)
			w.g(210, 0.0)
			w.g(220, 0.0)
			w.g(230, -1.0)
		}), DXFLWPolyline, func(t *testing.T, e DXFEntity) {
			if !orb.Equal(e.Geometry, orb.LineString{{-10, 5}, {-20, 5}}) {
				t.Errorf("got %v", e.Geometry)
			}
		}},
		{"POLYLINE 2D (R12) with a bulge", entitiesOnly(true, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{0, 0}, bulge: 1}, {p: orb.Point{10, 0}}, {p: orb.Point{10, 10}}}, false, false)
		}), DXFPolyline, func(t *testing.T, e DXFEntity) {
			ls := e.Geometry.(orb.LineString)
			if len(ls) < 10 || !near(ls[len(ls)-2], orb.Point{10, 0}, 0) || !near(ls[len(ls)-1], orb.Point{10, 10}, 0) {
				t.Errorf("got %v", ls)
			}
		}},
		{"POLYLINE 3D: Z dropped", entitiesOnly(false, func(w *dxfWriter) {
			w.polyline("AEP", []vertex{{p: orb.Point{1, 1}, z: 180.5}, {p: orb.Point{2, 2}, z: 181}, {p: orb.Point{3, 1}, z: 179}}, false, true)
		}), DXFPolyline, func(t *testing.T, e DXFEntity) {
			if !orb.Equal(e.Geometry, orb.LineString{{1, 1}, {2, 2}, {3, 1}}) {
				t.Errorf("got %v", e.Geometry)
			}
		}},
		{"POLYLINE polyface mesh: no geometry", entitiesOnly(true, func(w *dxfWriter) {
			w.entity("POLYLINE", "MESH")
			w.g(66, 1)
			w.g(70, 64)
			w.entity("VERTEX", "MESH")
			w.xyz(10, orb.Point{1, 1}, 0)
			w.entity("SEQEND", "MESH")
		}), DXFPolyline, func(t *testing.T, e DXFEntity) {
			if e.Geometry != nil {
				t.Errorf("got %v", e.Geometry)
			}
		}},
		{"POLYLINE: spline frame points left out, no SEQEND", entitiesOnly(true, func(w *dxfWriter) {
			w.entity("POLYLINE", "AEP")
			w.g(66, 1)
			w.g(70, 4)
			for i, flags := range []int{16, 8, 8, 16} {
				w.entity("VERTEX", "AEP")
				w.xyz(10, orb.Point{float64(i), float64(i * i)}, 0)
				w.g(70, flags)
			}
			w.point("P", orb.Point{7, 7}, 0)
		}), DXFPolyline, func(t *testing.T, e DXFEntity) {
			if !orb.Equal(e.Geometry, orb.LineString{{1, 1}, {2, 4}}) {
				t.Errorf("got %v", e.Geometry)
			}
		}},
		{"POINT", entitiesOnly(false, func(w *dxfWriter) { w.point("PTS", orb.Point{846250.125, 6608750.5}, 181.2) }), DXFPoint,
			func(t *testing.T, e DXFEntity) {
				if e.Geometry != (orb.Point{846250.125, 6608750.5}) {
					t.Errorf("got %v", e.Geometry)
				}
			}},
		{"INSERT with an attribute", entitiesOnly(false, func(w *dxfWriter) {
			w.insert("VANNES", "VANNE", orb.Point{10, 20}, "DN", "150")
		}), DXFInsert, func(t *testing.T, e DXFEntity) {
			if e.Geometry != (orb.Point{10, 20}) || e.Block != "VANNE" {
				t.Errorf("got %+v", e)
			}
		}},
		{"INSERT mirrored (extrusion 0,0,-1)", entitiesOnly(false, func(w *dxfWriter) {
			w.insert("VANNES", "VANNE", orb.Point{10, 20}, "", "")
			w.g(230, -1.0)
		}), DXFInsert, func(t *testing.T, e DXFEntity) {
			if e.Geometry != (orb.Point{-10, 20}) {
				t.Errorf("got %v", e.Geometry)
			}
		}},
		{"ARC", entitiesOnly(false, func(w *dxfWriter) {
			w.entity("ARC", "AEP", "AcDbCircle")
			w.xyz(10, orb.Point{100, 100}, 0)
			w.g(40, 10.0)
			w.g(100, "AcDbArc")
			w.g(50, 0.0)
			w.g(51, 90.0)
		}), DXFArc, func(t *testing.T, e DXFEntity) {
			ls := e.Geometry.(orb.LineString)
			if !near(ls[0], orb.Point{110, 100}, 1e-9) || !near(ls[len(ls)-1], orb.Point{100, 110}, 1e-9) || len(ls) < 10 {
				t.Errorf("got %v", ls)
			}
		}},
		{"TEXT: no geometry", entitiesOnly(false, func(w *dxfWriter) { w.text("TEXTES", orb.Point{1, 1}, "Ø150") }), "TEXT",
			func(t *testing.T, e DXFEntity) {
				if e.Geometry != nil || e.Layer != "TEXTES" {
					t.Errorf("got %+v", e)
				}
			}},
		{"no layer: layer 0", entitiesOnly(true, func(w *dxfWriter) {
			w.g(0, "POINT")
			w.xyz(10, orb.Point{1, 2}, 0)
		}), DXFPoint, func(t *testing.T, e DXFEntity) {
			if e.Layer != "0" || e.Handle != "" {
				t.Errorf("got %+v", e)
			}
		}},
		{"layer in Windows-1252 and with \\U+ escapes", entitiesOnly(true, func(w *dxfWriter) {
			w.point("R\xc9SEAU", orb.Point{1, 2}, 0)
			w.point(`\U+00C9CLAIRAGE`, orb.Point{1, 2}, 0)
		}), DXFPoint, func(t *testing.T, e DXFEntity) {
			if e.Layer != "RÉSEAU" {
				t.Errorf("layer %q", e.Layer)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ReadDXF(bytes.NewReader(c.dxf), "test.dxf")
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Entities) == 0 || d.Entities[0].Type != c.typ {
				t.Fatalf("entities %+v, want a %s first", d.Entities, c.typ)
			}
			c.check(t, d.Entities[0])
		})
	}
}

// checkArc checks a two-vertex polyline drawn as a half circle of centre c
// and radius r whose farthest point from the chord is at height y.
func checkArc(t *testing.T, e DXFEntity, c orb.Point, r, y float64) {
	t.Helper()
	ls := e.Geometry.(orb.LineString)
	if len(ls) < 10 || ls[0] != (orb.Point{0, 0}) || ls[len(ls)-1] != (orb.Point{10, 0}) {
		t.Fatalf("got %v", ls)
	}
	extreme := 0.0
	for _, p := range ls {
		if d := math.Hypot(p[0]-c[0], p[1]-c[1]); math.Abs(d-r) > 1e-9 {
			t.Fatalf("%v is %g from the centre, want %g", p, d, r)
		}
		if math.Abs(p[1]) > math.Abs(extreme) {
			extreme = p[1]
		}
	}
	// The chords stay within the tolerance of the arc.
	if math.Abs(extreme-y) > arcTolerance {
		t.Errorf("farthest point at y = %g, want %g", extreme, y)
	}
}

func firstPoint(g orb.Geometry) orb.Point {
	if ls, ok := g.(orb.LineString); ok {
		return ls[0]
	}
	return g.(orb.Point)
}

func TestReadDXFErrors(t *testing.T) {
	long := entitiesOnly(false, func(w *dxfWriter) { w.text("T", orb.Point{0, 0}, strings.Repeat("x", maxDXFLine+10)) })
	cut := entitiesOnly(false, func(w *dxfWriter) { w.line("A", orb.Point{0, 0}, orb.Point{1, 1}) })
	cut = cut[:len(cut)-40]
	cases := []struct {
		name string
		in   string
		err  error  // sentinel wrapped, if any
		msg  string // words of the message
	}{
		{"empty", "", ErrNotDXF, "no DXF section"},
		{"text", "Plan de récolement\nrue du Docteur Privey\n", ErrNotDXF, "not a DXF group code"},
		{"JSON", `{"type":"FeatureCollection"}`, ErrNotDXF, "not a DXF group code"},
		{"binary DXF", "AutoCAD Binary DXF\r\n\x1a\x00\x00\x00SECTION", ErrBinaryDXF, "ASCII"},
		{"DWG", "AC1015\x00\x00\x00\x00\x06\x00", ErrNotDXF, "DWG"},
		{"starts with another group", "  2\nENTITIES\n", ErrNotDXF, "starts with a SECTION"},
		{"no entities", "  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n", ErrNotDXF, "no ENTITIES section"},
		{"cut in the entities", string(cut), ErrNotDXF, "truncated"},
		{"cut after a group code", "  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n 10", ErrNotDXF, "has no value"},
		{"bad number", "  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n 10\n12,5\n  0\nENDSEC\n", nil, "line 8: group 10: \"12,5\" is not a number"},
		{"not finite", "  0\nSECTION\n  2\nENTITIES\n  0\nPOINT\n 10\nNaN\n  0\nENDSEC\n", nil, "not a number"},
		{"bad flags", "  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 70\nclosed\n  0\nENDSEC\n", nil, "not an integer"},
		{"group code out of range", "  0\nSECTION\n  2\nENTITIES\n 99999\nx\n", ErrNotDXF, "not a DXF group code"},
		{"line too long", string(long), ErrNotDXF, "longer than"},
		{"NUL bytes", "  0\nSECTION\n  2\nENT\x00ITIES\n", ErrNotDXF, "binary content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ReadDXF(strings.NewReader(c.in), "plan.dxf")
			if err == nil {
				t.Fatalf("read %d entities, want an error", len(d.Entities))
			}
			if c.err != nil && !errors.Is(err, c.err) {
				t.Errorf("err = %v, want %v", err, c.err)
			}
			if !strings.HasPrefix(err.Error(), "formats: dxf plan.dxf: ") || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want it to start with the file and mention %q", err, c.msg)
			}
		})
	}
}

// Header, tables, blocks and objects are read or passed over; the block's
// own entities are not the drawing's; EOF may be missing; CRLF and LF
// files read the same.
func TestReadDXFTestdata(t *testing.T) {
	wantTypes := []string{DXFLWPolyline, DXFLine, DXFLine, DXFPolyline, DXFInsert, DXFInsert, DXFPoint, DXFLWPolyline, "TEXT", "CIRCLE", DXFLWPolyline}
	toCC47, _ := srs.Transformer(srs.Lambert93, srs.CC47)
	l93, err := ReadDXFFile("testdata/dxf/plan_l93.dxf")
	if err != nil {
		t.Fatal(err)
	}
	cc47, err := ReadDXFFile("testdata/dxf/plan_cc47_r12.dxf")
	if err != nil {
		t.Fatal(err)
	}
	if l93.Version != "AC1015" || cc47.Version != "AC1009" {
		t.Errorf("versions %q %q", l93.Version, cc47.Version)
	}
	want := planLayers("ÉCLAIRAGE_PUBLIC")
	if strings.Join(l93.Layers, ",") != strings.Join(want, ",") || strings.Join(cc47.Layers, ",") != strings.Join(want, ",") {
		t.Errorf("layers %q and %q, want %q", l93.Layers, cc47.Layers, want)
	}
	if len(l93.Entities) != len(wantTypes) || len(cc47.Entities) != len(wantTypes) {
		t.Fatalf("%d and %d entities, want %d", len(l93.Entities), len(cc47.Entities), len(wantTypes))
	}
	for i, typ := range wantTypes {
		a, b := l93.Entities[i], cc47.Entities[i]
		if typ == DXFLWPolyline {
			typ = DXFPolyline // R12 has no LWPOLYLINE
		}
		if a.Layer != b.Layer || b.Type != typ || a.Closed != b.Closed || a.Block != b.Block {
			t.Errorf("entity %d: %+v and %+v", i, a, b)
		}
		if a.Geometry == nil {
			continue
		}
		// The same plan: the CC47 vertices are the Lambert-93 ones reprojected (to the millimetre).
		pa, pb := firstPoint(a.Geometry), firstPoint(b.Geometry)
		if !near(toCC47(pa), pb, 0.002) {
			t.Errorf("entity %d: %v in CC47 is %v", i, pa, pb)
		}
	}
	// Without EOF, with LF line ends, the R12 plan reads the same.
	data, _ := os.ReadFile("testdata/dxf/plan_cc47_r12.dxf")
	data = bytes.ReplaceAll(bytes.TrimSuffix(data, []byte("  0\r\nEOF\r\n")), []byte("\r\n"), []byte("\n"))
	again, err := ReadDXF(bytes.NewReader(data), "lf.dxf")
	if err != nil || len(again.Entities) != len(cc47.Entities) {
		t.Errorf("LF without EOF: %v", err)
	}
	for _, name := range []string{"binary.dxf", "garbage.dxf"} {
		if _, err := ReadDXFFile(filepath.Join("testdata/dxf", name)); !errors.Is(err, ErrNotDXF) && !errors.Is(err, ErrBinaryDXF) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// GDAL's DXF driver reads the same geometries from the test plan: the
// same vertices for straight polylines, lines and points; the same ends,
// and vertices within a centimetre of ours, for the polyline with an arc.
func TestReadDXFAgreesWithGDAL(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatal("ogr2ogr is not installed: run `make deps` (make test installs gdal-bin)")
	}
	path := "testdata/dxf/plan_l93.dxf"
	out, err := exec.Command(ogr2ogr, "-f", "GeoJSON", "-dim", "XY", "/vsistdout/", path).Output()
	if err != nil {
		t.Fatalf("ogr2ogr: %v", err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Layer, EntityHandle string }
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(out, &fc); err != nil {
		t.Fatal(err)
	}
	d, err := ReadDXFFile(path)
	if err != nil {
		t.Fatal(err)
	}
	byHandle := map[string]DXFEntity{}
	for _, e := range d.Entities {
		byHandle[e.Handle] = e
	}
	compared := 0
	for _, f := range fc.Features {
		e, ok := byHandle[f.Properties.EntityHandle]
		if !ok {
			continue // an INSERT's ATTRIB, which GDAL reads as text
		}
		if e.Layer != f.Properties.Layer {
			t.Errorf("GDAL's %s on %s: we read %+v", f.Properties.EntityHandle, f.Properties.Layer, e)
			continue
		}
		switch f.Geometry.Type {
		case "Point":
			var p orb.Point
			json.Unmarshal(f.Geometry.Coordinates, &p)
			if e.Type == DXFPoint && e.Geometry != p {
				t.Errorf("%s: GDAL %v, we %v", e.Handle, p, e.Geometry)
			}
			compared++
		case "LineString":
			var ls orb.LineString
			json.Unmarshal(f.Geometry.Coordinates, &ls)
			ours, ok := e.Geometry.(orb.LineString)
			if !ok {
				continue // a CIRCLE GDAL draws
			}
			if !near(ls[0], ours[0], 1e-6) || !near(ls[len(ls)-1], ours[len(ours)-1], 1e-6) {
				t.Errorf("%s: GDAL %v, we %v", e.Handle, ls, ours)
			}
			// GDAL's vertices are on the arcs; our chords are within a centimetre of them.
			for _, p := range ls {
				if d := planar.DistanceFrom(ours, p); d > arcTolerance {
					t.Errorf("%s: GDAL's vertex %v is %.3f m from our line", e.Handle, p, d)
				}
			}
			if len(ls) == len(ours) && !orb.Equal(ls, ours) {
				t.Errorf("%s: GDAL %v, we %v", e.Handle, ls, ours)
			}
			compared++
		}
	}
	if compared < 8 {
		t.Errorf("compared %d geometries with GDAL's", compared)
	}
}

// The budget of arc points keeps memory proportional to the file: past it,
// bulges are drawn as chords and counted.
func TestReadDXFArcBudget(t *testing.T) {
	const n = maxArcPoints/(maxArcSegments-1) + 1000
	var b strings.Builder
	b.WriteString("0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\nAEP\n90\n2147483647\n")
	for i := 0; i < n; i++ {
		b.WriteString("10\n")
		b.WriteString(strings.Repeat("1", 1+i%3))
		b.WriteString("000\n20\n0\n42\n1\n")
	}
	b.WriteString("0\nENDSEC\n0\nEOF\n")
	d, err := ReadDXF(strings.NewReader(b.String()), "big.dxf")
	if err != nil {
		t.Fatal(err)
	}
	pts := len(d.Entities[0].Geometry.(orb.LineString))
	if d.ChordedArcs == 0 || pts > maxArcPoints+n {
		t.Errorf("%d points, %d arcs as chords", pts, d.ChordedArcs)
	}
}

func FuzzReadDXF(f *testing.F) {
	for _, data := range dxfTestdata(f) {
		f.Add(data)
	}
	f.Add(entitiesOnly(false, func(w *dxfWriter) {
		w.polyline("AEP", []vertex{{p: orb.Point{0, 0}, bulge: 1e300}, {p: orb.Point{1e300, 0}, bulge: -3}, {p: orb.Point{5, 5}}}, true, false)
		w.g(90, 2147483647)
		w.g(230, -1.0)
		w.entity("ARC", "A")
		w.g(40, 1e308)
		w.g(50, -1e300)
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadDXF(bytes.NewReader(data), "fuzz.dxf")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "formats: dxf fuzz.dxf: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		for _, e := range d.Entities {
			if e.Geometry != nil && !usable(e.Geometry) {
				t.Fatalf("%s: unusable geometry %v", e.Type, e.Geometry)
			}
			if ls, ok := e.Geometry.(orb.LineString); ok && len(ls) > (len(data)/4+1)*maxArcSegments {
				t.Fatalf("%d points from %d bytes", len(ls), len(data))
			}
		}
	})
}

func TestReadDXFMapping(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want DXFMapping
		err  string
	}{
		{name: "full", in: "calque;champ;valeur\n# fonte\n*;datemaj;2024-06-01\nAEP_FONTE_150;materiau;Fonte ductile\nAEP_FONTE_150;diametre;150\n\nTEXTES;;ignorer\n*;;IGNORER\n",
			want: DXFMapping{Common: map[string]string{"datemaj": "2024-06-01"},
				Layers: map[string]map[string]string{"AEP_FONTE_150": {"materiau": "Fonte ductile", "diametre": "150"}},
				Skip:   []string{"TEXTES"}, OnlyListed: true}},
		{name: "commas, no header, BOM, quotes", in: "\ufeffAEP_PVC,materiau,\"PVC U lisse\"\r\nAEP_PVC, diametre , 110\r\n",
			want: DXFMapping{Layers: map[string]map[string]string{"AEP_PVC": {"materiau": "PVC U lisse", "diametre": "110"}}}},
		{name: "Windows-1252 from Excel", in: "R\xc9SEAU;materiau;Fonte grise\n",
			want: DXFMapping{Layers: map[string]map[string]string{"RÉSEAU": {"materiau": "Fonte grise"}}}},
		{name: "a layer named twice in other cases", in: "aep;materiau;11\nAEP;diametre;150\n",
			want: DXFMapping{Layers: map[string]map[string]string{"aep": {"materiau": "11", "diametre": "150"}}}},
		{name: "a comment with a comma first", in: "# plan de récolement, version 2\nAEP;materiau;11\n",
			want: DXFMapping{Layers: map[string]map[string]string{"AEP": {"materiau": "11"}}}},
		{name: "two columns", in: "AEP;materiau\n", err: "line 1: 2 columns, want 3"},
		{name: "empty layer", in: "calque;champ;valeur\n;materiau;11\n", err: "line 2: the calque column is empty"},
		{name: "empty field", in: "AEP;;11\n", err: "AEP;;ignorer"},
		{name: "twice", in: "AEP;materiau;11\nAEP;Materiau;12\n", err: "line 2: AEP;Materiau is given twice"},
		{name: "too large", in: strings.Repeat("A;b;c\n", maxDXFMappingSize/6+1), err: "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadDXFMapping(strings.NewReader(c.in), "map.csv")
			if c.err != "" {
				if err == nil || !errors.Is(err, ErrDXFMapping) || !strings.Contains(err.Error(), c.err) {
					t.Errorf("err = %v, want one mentioning %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !mappingsEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			// What WriteCSV writes reads back the same.
			var buf bytes.Buffer
			if err := got.WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			again, err := ReadDXFMapping(&buf, "again.csv")
			if err != nil || !mappingsEqual(again, got) {
				t.Errorf("round trip: %+v, %v\n%s", again, err, buf.String())
			}
		})
	}
}

func mappingsEqual(a, b DXFMapping) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestDXFMappingValues(t *testing.T) {
	m := DXFMapping{
		Common: map[string]string{"datemaj": "2024-06-01", "materiau": "00"},
		Layers: map[string]map[string]string{"AEP_Fonte": {"materiau": "11"}, "AEP_PVC": {}},
		Skip:   []string{"textes"},
	}
	cases := []struct {
		layer    string
		skips    bool
		materiau string
	}{
		{"AEP_FONTE", false, "11"},
		{"aep_pvc", false, "00"},
		{"TEXTES", true, "00"},
		{"BATI", false, "00"},
	}
	for _, c := range cases {
		v := m.Values(c.layer)
		if m.Skips(c.layer) != c.skips || v["materiau"] != c.materiau || v["datemaj"] != "2024-06-01" {
			t.Errorf("%s: skips %v, values %v", c.layer, m.Skips(c.layer), v)
		}
	}
	m.OnlyListed = true
	if !m.Skips("BATI") || m.Skips("aep_fonte") {
		t.Error("OnlyListed does not leave out the layers not listed")
	}
}

func FuzzReadDXFMapping(f *testing.F) {
	f.Add("calque;champ;valeur\n*;datemaj;2024-06-01\nAEP;materiau;11\nT;;ignorer\n")
	f.Add("a,b,\"c\nd\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ReadDXFMapping(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := m.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadDXFMapping(&buf, "again.csv"); err != nil {
			t.Fatalf("what WriteCSV wrote does not read back: %v\n%s", err, buf.String())
		}
	})
}
