package iogen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
)

// The plan lies in Tournus, in Lambert-93 (EPSG:2154), within 2 km.
var planOrigin = [2]float64{845500, 6607800}

const planSize = 2000.0

// planLayers are the DXF layers of the plan; É is in Windows-1252, the
// plan's code page.
var planLayers = []string{"0", "AEP_FONTE_150", "AEP_PVC_110", "AEP_PEHD_63", "AEP_VANNES", "TEXTES", "\xc9CLAIRAGE_PUBLIC"}

// dxfOut writes the group codes of an ASCII DXF (AutoCAD 2000) file.
type dxfOut struct {
	w      *bufio.Writer
	b      []byte
	handle int
}

func (d *dxfOut) s(code int, v string) {
	d.b = d.b[:0]
	if code < 100 {
		d.b = append(d.b, ' ')
	}
	if code < 10 {
		d.b = append(d.b, ' ')
	}
	d.b = strconv.AppendInt(d.b, int64(code), 10)
	d.b = append(d.b, '\n')
	d.b = append(d.b, v...)
	d.b = append(d.b, '\n')
	d.w.Write(d.b)
}

func (d *dxfOut) i(code, v int)         { d.s(code, strconv.Itoa(v)) }
func (d *dxfOut) f(code int, v float64) { d.s(code, strconv.FormatFloat(v, 'f', 3, 64)) }

func (d *dxfOut) xy(code int, x, y float64) { d.f(code, x); d.f(code+10, y) }

func (d *dxfOut) section(name string) { d.s(0, "SECTION"); d.s(2, name) }
func (d *dxfOut) endsec()             { d.s(0, "ENDSEC") }

// entity starts an entity: type, handle, layer, subclass.
func (d *dxfOut) entity(typ, layer, subclass string) {
	d.s(0, typ)
	d.handle++
	d.s(5, strconv.FormatInt(int64(d.handle), 16))
	d.s(100, "AcDbEntity")
	d.s(8, layer)
	d.s(100, subclass)
}

// WriteDXF writes a plan de récolement of n entities: water mains as
// polylines (some with arcs), pipe sections as lines, arcs, street
// lighting lines, valves as block references and texts, in the
// proportions of a real plan; the polylines, lines and arcs (88 % of the
// entities, lighting included) go into a line layer, the rest is reported.
func WriteDXF(w io.Writer, n int, r *rand.Rand) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	d := &dxfOut{w: bw, handle: 0x100}
	d.section("HEADER")
	d.s(9, "$ACADVER")
	d.s(1, "AC1015")
	d.s(9, "$DWGCODEPAGE")
	d.s(3, "ANSI_1252")
	d.s(9, "$INSUNITS")
	d.i(70, 6)
	d.s(9, "$EXTMIN")
	d.xy(10, planOrigin[0], planOrigin[1])
	d.s(9, "$EXTMAX")
	d.xy(10, planOrigin[0]+planSize, planOrigin[1]+planSize)
	d.endsec()
	d.section("TABLES")
	d.s(0, "TABLE")
	d.s(2, "LAYER")
	d.i(70, len(planLayers))
	for i, name := range planLayers {
		d.s(0, "LAYER")
		d.handle++
		d.s(5, strconv.FormatInt(int64(d.handle), 16))
		d.s(100, "AcDbSymbolTableRecord")
		d.s(100, "AcDbLayerTableRecord")
		d.s(2, name)
		d.i(70, 0)
		d.i(62, i%7+1)
		d.s(6, "CONTINUOUS")
	}
	d.s(0, "ENDTAB")
	d.endsec()
	d.section("BLOCKS")
	d.s(0, "BLOCK")
	d.s(8, "0")
	d.s(2, "VANNE")
	d.i(70, 0)
	d.xy(10, 0, 0)
	d.s(3, "VANNE")
	d.entity("CIRCLE", "0", "AcDbCircle")
	d.xy(10, 0, 0)
	d.f(40, 0.5)
	d.s(0, "ENDBLK")
	d.s(8, "0")
	d.endsec()
	d.section("ENTITIES")
	pipes := planLayers[1:4]
	for range n {
		x := planOrigin[0] + r.Float64()*planSize
		y := planOrigin[1] + r.Float64()*planSize
		switch k := r.IntN(100); {
		case k < 55: // a main: 2 to 8 vertices, a bulge now and then
			nv := 2 + r.IntN(7)
			d.entity("LWPOLYLINE", pipes[r.IntN(len(pipes))], "AcDbPolyline")
			d.i(90, nv)
			d.i(70, 0)
			for range nv {
				d.xy(10, x, y)
				if r.IntN(10) == 0 {
					d.f(42, 0.25)
				}
				x += r.Float64()*40 - 20
				y += r.Float64()*40 - 20
			}
		case k < 80: // a pipe section
			d.entity("LINE", pipes[r.IntN(len(pipes))], "AcDbLine")
			d.xy(10, x, y)
			d.f(30, 0)
			d.xy(11, x+r.Float64()*30-15, y+r.Float64()*30-15)
			d.f(31, 0)
		case k < 85: // a bend
			d.entity("ARC", pipes[r.IntN(len(pipes))], "AcDbCircle")
			d.xy(10, x, y)
			d.f(30, 0)
			d.f(40, 2+r.Float64()*8)
			d.s(100, "AcDbArc")
			d.f(50, float64(r.IntN(180)))
			d.f(51, float64(180+r.IntN(180)))
		case k < 88: // street lighting
			d.entity("LWPOLYLINE", planLayers[6], "AcDbPolyline")
			d.i(90, 2)
			d.i(70, 0)
			d.xy(10, x, y)
			d.xy(10, x+10, y+5)
		case k < 95: // a valve
			d.entity("INSERT", "AEP_VANNES", "AcDbBlockReference")
			d.s(2, "VANNE")
			d.xy(10, x, y)
			d.f(30, 0)
		default: // a label
			d.entity("TEXT", "TEXTES", "AcDbText")
			d.xy(10, x, y)
			d.f(30, 0)
			d.f(40, 1)
			d.s(1, "\xd8"+strconv.Itoa(60+10*r.IntN(10))+" fonte") // Ø in Windows-1252
		}
	}
	d.endsec()
	d.section("OBJECTS")
	d.s(0, "DICTIONARY")
	d.s(5, "C")
	d.s(100, "AcDbDictionary")
	d.endsec()
	d.s(0, "EOF")
	return bw.Flush()
}
