package dtdict

import (
	"errors"
	"fmt"
	"image/color"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/report"
	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ErrVectorFormat is returned (wrapped) by WriteVector for a vector format
// Terrimap does not write; its message, in French, says which it writes.
var ErrVectorFormat = errors.New("format de plans vectoriels inconnu : Terrimap écrit le DXF, le Shapefile (SHP) et le MapInfo MIF/MID")

// ZoneLayer is the name of the layer of the works zone in the vector plans
// (a DXF layer, a Shapefile or MIF/MID file).
const ZoneLayer = "EMPRISE"

// vectorTextHeight is the height of the DXF labels, in metres: 1.6 mm on a
// plan at 1:500.
const vectorTextHeight = 0.8

// The AutoCAD colour indexes of the classes (report.ClassColour's: A
// green, B orange, C and unknown red) and of the works zone (blue).
var dxfClassColours = map[report.Class]int{report.ClassA: 3, report.ClassB: 30, report.ClassC: 1, report.ClassUnknown: 1}

const dxfZoneColour = 5

// zoneBlue is the works zone's colour in the MIF tables (DXF's 5).
var zoneBlue = color.NRGBA{0x15, 0x65, 0xc0, 0xff}

// classOrder is the order of the class layers of a network layer.
var classOrder = []report.Class{report.ClassA, report.ClassB, report.ClassC, report.ClassUnknown}

// WriteVector writes the vector plans of an answer into dir in the format
// the declarant asked (Wishes.VectorFormat, any case; DXF when none is
// named):
//   - "DXF": one drawing, plans-<numéro>.dxf (and its .prj), with a DXF
//     layer per network layer and class of the features found
//     ("canalaep_A", colour of the class, each tronçon labelled with its
//     identifier, material, diameter and class) and the works zone on its
//     own layer, EMPRISE;
//   - "SHP", "SHAPE" or "SHAPEFILE": a Shapefile per network layer and one
//     of the zone (plans-<numéro>-canalaep.shp… with their .shx, .dbf,
//     .prj and .cpg);
//   - "MIF_MID" or "MIF": a MIF/MID pair per layer, in the same way,
//     coloured by class.
//
// Everything is in Lambert-93 (EPSG:2154, said by the .prj and the
// CoordSys; DXF has no place for it, so plans-<numéro>.prj is written
// beside the drawing for the programs that read one). The Shapefiles and MIF tables have
// the columns of the report's table: couche, ident, type, materiau,
// diametre (mm), profondeur (m), classe (A, B, C or inconnue), distance
// (m from the zone), exploitant; a measure not known is null (in MIF/MID,
// which has no null, the measures are text and an unknown one is empty).
// It returns the paths of the files
// written, or ErrVectorFormat for another format (nothing written).
func WriteVector(dir string, a *Analysis, format string) ([]string, error) {
	kind := vectorKind(format)
	if kind == "" {
		return nil, fmt.Errorf("dtdict: plans vectoriels « %s » : %w", format, ErrVectorFormat)
	}
	layers, err := vectorLayers(a)
	if err != nil {
		return nil, fmt.Errorf("dtdict: vector plans: %w", err)
	}
	stem := filepath.Join(dir, "plans-"+fileStem(a.Declaration))
	var files []string
	switch kind {
	case "DXF":
		files = []string{stem + ".dxf", stem + ".prj"}
		if err = writeVectorDXF(stem+".dxf", layers); err == nil {
			err = writeDXFPRJ(stem + ".prj")
		}
		if err != nil {
			os.Remove(files[0])
		}
	default:
		files, err = writeVectorTables(stem, layers, kind)
	}
	if err != nil {
		return nil, fmt.Errorf("dtdict: vector plans: %w", err)
	}
	return files, nil
}

// vectorKind is "DXF", "SHP" or "MIF" for the names of a format
// (DXF, SHP, SHAPE, SHAPEFILE, ESRI SHAPEFILE, MIF_MID, MIF/MID, MIF…),
// "" for another. No format named (vector plans asked without saying
// which) is DXF, the format every CAD program and GIS reads.
func vectorKind(format string) string {
	f := strings.NewReplacer(" ", "", "_", "", "-", "", "/", "", ".", "").Replace(strings.ToUpper(format))
	switch f {
	case "DXF", "":
		return "DXF"
	case "SHP", "SHAPE", "SHAPEFILE", "ESRISHAPEFILE":
		return "SHP"
	case "MIFMID", "MIF", "MAPINFO", "MAPINFOMIF", "MAPINFOMIFMID":
		return "MIF"
	}
	return ""
}

// vectorItem is a feature found, in Lambert-93.
type vectorItem struct {
	*report.Item
	geom orb.Geometry
}

// vectorLayer is a network layer's features found, in Lambert-93.
type vectorLayer struct {
	name  string
	items []vectorItem
}

// vectorSet is what the vector plans hold: the network layers in the
// order of the items (the workspace's), and the zone, in Lambert-93.
type vectorSet struct {
	layers []vectorLayer
	zone   orb.Geometry // nil when the declaration has none
	number string
	kind   Kind
}

// vectorLayers projects the zone and the items to Lambert-93, by layer.
func vectorLayers(a *Analysis) (*vectorSet, error) {
	set := &vectorSet{number: a.Declaration.Number, kind: a.Declaration.Kind}
	if len(a.Declaration.Zone) > 0 {
		z, err := srs.Project(a.Declaration.Zone, srs.WGS84, srs.Lambert93)
		if err != nil {
			return nil, fmt.Errorf("the works zone: %w", err)
		}
		set.zone = z
	}
	index := map[string]int{}
	for i := range a.Items {
		it := &a.Items[i]
		var g orb.Geometry
		if it.Geometry != nil {
			var err error
			if g, err = srs.Project(it.Geometry, srs.WGS84, srs.Lambert93); err != nil {
				return nil, fmt.Errorf("%s %s: %w", it.Layer, it.ID, err)
			}
		}
		n, ok := index[it.Layer]
		if !ok {
			n = len(set.layers)
			index[it.Layer] = n
			set.layers = append(set.layers, vectorLayer{name: it.Layer})
		}
		set.layers[n].items = append(set.layers[n].items, vectorItem{it, g})
	}
	return set, nil
}

// zoneLabel names the works zone on the plans.
func (s *vectorSet) zoneLabel() string {
	return "Emprise des travaux — " + string(s.kind) + " n° " + s.number
}

// itemLabel is a tronçon's label on the DXF plan: identifier, material,
// diameter and class ("AEP-12 Fonte ductile Ø150 classe A").
func itemLabel(it *report.Item) string {
	parts := []string{it.ID}
	if it.Material != "" {
		parts = append(parts, it.Material)
	}
	if it.Diameter > 0 {
		parts = append(parts, "Ø"+strconv.FormatFloat(it.Diameter, 'f', -1, 64))
	}
	return strings.Join(append(parts, "classe "+it.Class.Label()), " ")
}

// writeVectorDXF writes the DXF plan: a layer per network layer and class
// found, then the zone.
func writeVectorDXF(path string, set *vectorSet) error {
	var layers []formats.DXFLayer
	for _, l := range set.layers {
		for _, c := range classOrder {
			dl := formats.DXFLayer{Name: l.name + "_" + c.Label(), Colour: dxfClassColours[c], TextHeight: vectorTextHeight}
			for _, it := range l.items {
				if it.Class == c {
					dl.Features = append(dl.Features, formats.DXFFeature{Geometry: it.geom, Label: itemLabel(it.Item)})
				}
			}
			if len(dl.Features) > 0 {
				layers = append(layers, dl)
			}
		}
	}
	zone := formats.DXFLayer{Name: ZoneLayer, Colour: dxfZoneColour, TextHeight: vectorTextHeight}
	if set.zone != nil {
		zone.Features = []formats.DXFFeature{{Geometry: set.zone, Label: set.zoneLabel()}}
	}
	layers = append(layers, zone)
	return writeFile(path, func(f *os.File) error { return formats.WriteDXF(f, layers) })
}

// writeDXFPRJ writes the .prj of a DXF plan: DXF has no place for its
// coordinate system, and ArcGIS, Global Mapper or FME read Lambert-93 from
// a .prj of the drawing's name (GDAL and QGIS do not: QGIS asks, and the
// récépissé says EPSG:2154).
func writeDXFPRJ(path string) error {
	prj, err := srs.PRJ(srs.Lambert93)
	if err != nil {
		return err
	}
	return writeFile(path, func(f *os.File) error {
		_, err := f.WriteString(prj)
		return err
	})
}

// writeFile writes path through write, removing it when that fails.
func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// itemFields are the columns of the network layers' tables.
var itemFields = []formats.Field{
	{Name: "couche", Type: schema.Text}, {Name: "ident", Type: schema.Text}, {Name: "type", Type: schema.Text},
	{Name: "materiau", Type: schema.Text}, {Name: "diametre", Type: schema.Real}, {Name: "profondeur", Type: schema.Real},
	{Name: "classe", Type: schema.Text}, {Name: "distance", Type: schema.Real}, {Name: "exploitant", Type: schema.Text},
}

// zoneFields are the columns of the zone's table.
var zoneFields = []formats.Field{
	{Name: "numero", Type: schema.Text}, {Name: "nature", Type: schema.Text}, {Name: "libelle", Type: schema.Text},
}

// orNull is a text, or null when empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// positiveOrNull is a measure, or null when unknown (0).
func positiveOrNull(v float64) any {
	if v <= 0 {
		return nil
	}
	return v
}

// datasets are the tables of the plans: a network layer each, then the zone.
func (s *vectorSet) datasets() []*formats.Dataset {
	var out []*formats.Dataset
	for _, l := range s.layers {
		ds := &formats.Dataset{Name: l.name, SRS: srs.Lambert93, Fields: itemFields}
		for _, it := range l.items {
			ds.Features = append(ds.Features, formats.Feature{ID: it.UUID, Geometry: it.geom, Properties: map[string]any{
				"couche": it.Layer, "ident": orNull(it.ID), "type": orNull(it.Type), "materiau": orNull(it.Material),
				"diametre": positiveOrNull(it.Diameter), "profondeur": positiveOrNull(it.Depth), "classe": it.Class.Label(),
				"distance": math.Round(it.Distance*100) / 100, "exploitant": orNull(it.Operator),
			}})
		}
		out = append(out, ds)
	}
	zone := &formats.Dataset{Name: strings.ToLower(ZoneLayer), SRS: srs.Lambert93, Fields: zoneFields}
	if s.zone != nil {
		zone.Features = []formats.Feature{{Geometry: s.zone, Properties: map[string]any{
			"numero": s.number, "nature": string(s.kind), "libelle": s.zoneLabel(),
		}}}
	}
	return append(out, zone)
}

// writeVectorTables writes a Shapefile ("SHP") or MIF/MID pair ("MIF")
// per table, named stem-<layer>; on error, the files already written are
// removed.
func writeVectorTables(stem string, set *vectorSet, kind string) ([]string, error) {
	var files []string
	for _, ds := range set.datasets() {
		base := stem + "-" + ds.Name
		var err error
		if kind == "SHP" {
			_, err = formats.WriteShapefile(base+".shp", ds, geometryTypeOf(ds))
			files = append(files, base+".shp", base+".shx", base+".dbf", base+".prj", base+".cpg")
		} else {
			_, err = formats.WriteMIFFile(base+".mif", measuresAsText(ds), formats.MIFOptions{Style: classStyle})
			files = append(files, base+".mif", base+".mid")
		}
		if err != nil {
			for _, f := range files {
				os.Remove(f)
			}
			return nil, err
		}
	}
	return files, nil
}

// measuresAsText is ds with its measures that may be unknown (diametre,
// profondeur) as text columns, for MIF/MID: MID has no null, and MapInfo
// (as GDAL) reads an empty number as 0 — «profondeur 0 m» on a plan sent
// to a works contractor. An unknown measure is then an empty text.
func measuresAsText(ds *formats.Dataset) *formats.Dataset {
	out := *ds
	out.Fields = slices.Clone(ds.Fields)
	for i, f := range out.Fields {
		if f.Name == "diametre" || f.Name == "profondeur" {
			out.Fields[i].Type = schema.Text
		}
	}
	out.Features = make([]formats.Feature, len(ds.Features))
	for i, f := range ds.Features {
		props := maps.Clone(f.Properties)
		for _, name := range []string{"diametre", "profondeur"} {
			if v, ok := props[name].(float64); ok {
				props[name] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		f.Properties = props
		out.Features[i] = f
	}
	return &out
}

// geometryTypeOf is the Shapefile type of a table: polygons for the zone,
// else that of its first geometry (a network layer holds one kind).
func geometryTypeOf(ds *formats.Dataset) schema.GeometryType {
	if ds.Name == strings.ToLower(ZoneLayer) {
		return schema.MultiPolygon
	}
	return schema.AnyGeometry
}

// classStyle colours a MIF feature by its class (the zone in blue).
func classStyle(f formats.Feature) (formats.MIFStyle, bool) {
	label, ok := f.Properties["classe"].(string)
	if !ok {
		return formats.MIFStyle{Colour: zoneBlue, Width: 2}, true
	}
	c := report.ClassUnknown
	for _, k := range classOrder {
		if k.Label() == label {
			c = k
		}
	}
	return formats.MIFStyle{Colour: report.ClassColour(c), Width: 2}, true
}
