package formats

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// The DXF files of testdata/dxf are written by the helpers below, so that
// what they hold is said in Go; `go test ./store/formats -run
// TestDXFTestdata -update-dxf` writes them again.
var updateDXF = flag.Bool("update-dxf", false, "write the DXF files of testdata/dxf again")

// dxfWriter writes the group codes of an ASCII DXF file.
type dxfWriter struct {
	b      bytes.Buffer
	handle int
	r12    bool // AutoCAD R12 (AC1009): POLYLINE instead of LWPOLYLINE, no handles, no subclass markers
	crlf   bool
}

func (w *dxfWriter) g(code int, v any) {
	eol := "\n"
	if w.crlf {
		eol = "\r\n"
	}
	var s string
	switch x := v.(type) {
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			s += ".0"
		}
	default:
		s = fmt.Sprint(x)
	}
	fmt.Fprintf(&w.b, "%3d%s%s%s", code, eol, s, eol)
}

// entity starts an entity: type, handle, subclass and layer.
func (w *dxfWriter) entity(typ, layer string, subclass ...string) {
	w.g(0, typ)
	if !w.r12 {
		w.handle++
		w.g(5, strconv.FormatInt(int64(w.handle+0x100), 16))
		w.g(100, "AcDbEntity")
	}
	w.g(8, layer)
	if !w.r12 {
		for _, s := range subclass {
			w.g(100, s)
		}
	}
}

func (w *dxfWriter) xy(code int, p orb.Point) {
	w.g(code, p[0])
	w.g(code+10, p[1])
}

func (w *dxfWriter) xyz(code int, p orb.Point, z float64) {
	w.xy(code, p)
	w.g(code+20, z)
}

func (w *dxfWriter) section(name string) { w.g(0, "SECTION"); w.g(2, name) }
func (w *dxfWriter) endsec()             { w.g(0, "ENDSEC") }

// header writes the HEADER section.
func (w *dxfWriter) header(min, max orb.Point) {
	w.section("HEADER")
	w.g(9, "$ACADVER")
	if w.r12 {
		w.g(1, "AC1009")
	} else {
		w.g(1, "AC1015")
	}
	w.g(9, "$DWGCODEPAGE")
	w.g(3, "ANSI_1252")
	w.g(9, "$INSUNITS")
	w.g(70, 6)
	w.g(9, "$EXTMIN")
	w.xyz(10, min, 0)
	w.g(9, "$EXTMAX")
	w.xyz(10, max, 0)
	w.endsec()
}

// layerTable writes the TABLES section with its LAYER table.
func (w *dxfWriter) layerTable(names ...string) {
	w.section("TABLES")
	w.g(0, "TABLE")
	w.g(2, "LAYER")
	w.g(70, len(names))
	for i, n := range names {
		w.g(0, "LAYER")
		if !w.r12 {
			w.handle++
			w.g(5, strconv.FormatInt(int64(w.handle+0x100), 16))
			w.g(100, "AcDbSymbolTableRecord")
			w.g(100, "AcDbLayerTableRecord")
		}
		w.g(2, n)
		w.g(70, 0)
		w.g(62, i%7+1)
		w.g(6, "CONTINUOUS")
	}
	w.g(0, "ENDTAB")
	w.endsec()
}

// blockVanne writes the BLOCKS section with the block VANNE: a circle
// and a line around its base point, which a reader must not take for
// entities of the drawing.
func (w *dxfWriter) blockVanne() {
	w.section("BLOCKS")
	w.g(0, "BLOCK")
	w.g(8, "0")
	w.g(2, "VANNE")
	w.g(70, 2)
	w.xyz(10, orb.Point{0, 0}, 0)
	w.g(3, "VANNE")
	w.entity("CIRCLE", "0", "AcDbCircle")
	w.xyz(10, orb.Point{0, 0}, 0)
	w.g(40, 0.5)
	w.entity("LINE", "0", "AcDbLine")
	w.xyz(10, orb.Point{-0.5, 0}, 0)
	w.xyz(11, orb.Point{0.5, 0}, 0)
	w.g(0, "ENDBLK")
	w.g(8, "0")
	w.endsec()
}

// vertex is a polyline vertex with its bulge and elevation.
type vertex struct {
	p     orb.Point
	bulge float64
	z     float64
}

// polyline writes an LWPOLYLINE, or an R12 POLYLINE with its VERTEX
// entities; with threeD, always a 3D POLYLINE.
func (w *dxfWriter) polyline(layer string, vs []vertex, closed, threeD bool) {
	flags := 0
	if closed {
		flags |= 1
	}
	if !w.r12 && !threeD {
		w.entity("LWPOLYLINE", layer, "AcDbPolyline")
		w.g(90, len(vs))
		w.g(70, flags)
		for _, v := range vs {
			w.xy(10, v.p)
			if v.bulge != 0 {
				w.g(42, v.bulge)
			}
		}
		return
	}
	sub, vsub := "AcDb2dPolyline", "AcDb2dVertex"
	if threeD {
		flags |= 8
		sub, vsub = "AcDb3dPolyline", "AcDb3dPolylineVertex"
	}
	w.entity("POLYLINE", layer, sub)
	w.g(66, 1)
	w.xyz(10, orb.Point{0, 0}, 0)
	w.g(70, flags)
	for _, v := range vs {
		w.entity("VERTEX", layer, "AcDbVertex", vsub)
		w.xyz(10, v.p, v.z)
		if v.bulge != 0 {
			w.g(42, v.bulge)
		}
		if threeD {
			w.g(70, 32)
		}
	}
	w.entity("SEQEND", layer)
}

func (w *dxfWriter) line(layer string, a, b orb.Point) {
	w.entity("LINE", layer, "AcDbLine")
	w.xyz(10, a, 0)
	w.xyz(11, b, 0)
}

func (w *dxfWriter) point(layer string, p orb.Point, z float64) {
	w.entity("POINT", layer, "AcDbPoint")
	w.xyz(10, p, z)
}

// insert writes an INSERT of block, with one attribute when tag is given.
func (w *dxfWriter) insert(layer, block string, p orb.Point, tag, value string) {
	w.entity("INSERT", layer, "AcDbBlockReference")
	if tag != "" {
		w.g(66, 1)
	}
	w.g(2, block)
	w.xyz(10, p, 0)
	if tag == "" {
		return
	}
	w.entity("ATTRIB", layer, "AcDbText")
	w.xyz(10, orb.Point{p[0] + 1, p[1] + 1}, 0)
	w.g(40, 0.5)
	w.g(1, value)
	w.g(2, tag)
	w.g(70, 0)
	w.entity("SEQEND", layer)
}

func (w *dxfWriter) text(layer string, p orb.Point, s string) {
	w.entity("TEXT", layer, "AcDbText")
	w.xyz(10, p, 0)
	w.g(40, 1.0)
	w.g(1, s)
}

func (w *dxfWriter) circle(layer string, c orb.Point, r float64) {
	w.entity("CIRCLE", layer, "AcDbCircle")
	w.xyz(10, c, 0)
	w.g(40, r)
}

func (w *dxfWriter) eof() []byte {
	if !w.r12 {
		w.section("OBJECTS")
		w.g(0, "DICTIONARY")
		w.g(5, "C")
		w.g(100, "AcDbDictionary")
		w.endsec()
	}
	w.g(0, "EOF")
	return w.b.Bytes()
}

// The plan de récolement of the test files, in Lambert-93: a cast-iron
// main A-B-C with an arc between B and C, PVC pipes C-D and D-E as
// separate LINEs, a PE service pipe F-G-H in 3D, valves at B and D, a
// survey point at A, a building outline, a text, a circle, and a street
// light line on a layer with an accented name. Tournus, rue du Docteur
// Privey, more or less.
var (
	planA = orb.Point{846250, 6608750}
	planB = orb.Point{846310.25, 6608802.125}
	planC = orb.Point{846402.5, 6608745.75}
	planD = orb.Point{846455, 6608900}
	planE = orb.Point{846500, 6608950}
)

// planLayers are the DXF layers of the plan; ÉCLAIRAGE_PUBLIC is written
// in Windows-1252 in the R2000 file and as \U+00C9 in the R12 one.
func planLayers(eclairage string) []string {
	return []string{"0", "AEP_FONTE_150", "AEP_PVC_110", "AEP_PEHD_63", "AEP_VANNES", "AEP_POINTS", "BATI", "TEXTES", "DIVERS", eclairage}
}

// writePlan writes the plan with every coordinate passed through tr.
func writePlan(r12 bool, tr func(orb.Point) orb.Point) []byte {
	w := &dxfWriter{r12: r12, crlf: r12}
	eclairage := "\xc9CLAIRAGE_PUBLIC" // É in Windows-1252
	if r12 {
		eclairage = `\U+00C9CLAIRAGE_PUBLIC`
	}
	w.header(tr(orb.Point{846200, 6608650}), tr(orb.Point{846550, 6609000}))
	w.layerTable(planLayers(eclairage)...)
	w.blockVanne()
	w.section("ENTITIES")
	w.polyline("AEP_FONTE_150", []vertex{{p: tr(planA)}, {p: tr(planB), bulge: 0.2}, {p: tr(planC)}}, false, false)
	w.line("AEP_PVC_110", tr(planC), tr(planD))
	w.line("AEP_PVC_110", tr(planD), tr(planE))
	w.polyline("AEP_PEHD_63", []vertex{
		{p: tr(orb.Point{846260, 6608700}), z: 180.5},
		{p: tr(orb.Point{846280, 6608690}), z: 180.2},
		{p: tr(orb.Point{846300, 6608695}), z: 180},
	}, false, true)
	w.insert("AEP_VANNES", "VANNE", tr(planB), "DN", "150")
	w.insert("AEP_VANNES", "VANNE", tr(planD), "", "")
	w.point("AEP_POINTS", tr(planA), 181.2)
	w.polyline("BATI", []vertex{
		{p: tr(orb.Point{846350, 6608850})}, {p: tr(orb.Point{846360, 6608850})},
		{p: tr(orb.Point{846360, 6608860})}, {p: tr(orb.Point{846350, 6608860})},
	}, true, false)
	w.text("TEXTES", tr(orb.Point{846320, 6608810}), "\xd8150 fonte") // Ø in Windows-1252
	w.circle("DIVERS", tr(orb.Point{846330, 6608760}), 0.5)
	w.polyline(eclairage, []vertex{{p: tr(orb.Point{846420, 6608760})}, {p: tr(orb.Point{846440, 6608790})}}, false, false)
	w.endsec()
	return w.eof()
}

// roundMM rounds a point to the millimetre, as surveyors' files are.
func roundMM(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1000) / 1000, math.Round(p[1]*1000) / 1000}
}

// dxfTestdata returns the test files by name.
func dxfTestdata(t testing.TB) map[string][]byte {
	toCC47, err := srs.Transformer(srs.Lambert93, srs.CC47)
	if err != nil {
		t.Fatal(err)
	}
	identity := func(p orb.Point) orb.Point { return p }
	// Lambert II étendu (EPSG:27572) of the same place, as an old plan has
	// it: Terrimap cannot reproject it. cs2cs EPSG:2154 EPSG:27572 gives
	// 846250 6608750 → 797217.45 2176875.08; the plan is moved there whole.
	toLambert2 := func(p orb.Point) orb.Point {
		return roundMM(orb.Point{p[0] - 846250 + 797217.45, p[1] - 6608750 + 2176875.08})
	}
	// Local coordinates: the surveyor's own origin at the south-west corner.
	toLocal := func(p orb.Point) orb.Point { return roundMM(orb.Point{p[0] - 846200, p[1] - 6608650}) }
	binary := append([]byte("AutoCAD Binary DXF\r\n\x1a\x00"), 0, 0, 'S', 'E', 'C', 'T', 'I', 'O', 'N', 0, 2, 0)
	return map[string][]byte{
		"plan_l93.dxf":      writePlan(false, identity),
		"plan_cc47_r12.dxf": writePlan(true, func(p orb.Point) orb.Point { return roundMM(toCC47(p)) }),
		"plan_lambert2.dxf": writePlan(false, toLambert2),
		"plan_local.dxf":    writePlan(false, toLocal),
		"binary.dxf":        binary,
		"garbage.dxf":       []byte("PK\x03\x04 this is a zip archive renamed .dxf\n\x00\x01\x02"),
	}
}

// The DXF test files are those the helpers write.
func TestDXFTestdata(t *testing.T) {
	for name, want := range dxfTestdata(t) {
		path := filepath.Join("testdata", "dxf", name)
		if *updateDXF {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update-dxf)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the helpers write: run with -update-dxf", path)
		}
	}
}
