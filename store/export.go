package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"terrimap/internal/fileout"
	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ErrCommuneNotFound is returned when no commune has the INSEE code asked for.
var ErrCommuneNotFound = errors.New("store: no commune with that INSEE code")

// ErrUnsupportedExport is returned for an export file type Terrimap does not write.
var ErrUnsupportedExport = errors.New("store: unsupported export format")

// ExportOptions choose what is exported.
type ExportOptions struct {
	// Layers to export; empty means every layer.
	Layers []string
	// Commune, an INSEE code, keeps only the features that intersect that
	// commune's territory (whole features: a pipe crossing the boundary is
	// kept entire).
	Commune string
	// CSV says how a CSV file holds the geometries: a WKT column (the
	// default) or x/y columns (points only).
	CSV formats.CSVGeometry
	// SRS is the EPSG code of the coordinates of a Shapefile or a CSV file:
	// 0 or 4326 (longitude/latitude), or 2154 (Lambert-93, as French QGIS
	// projects are). GeoJSON (RFC 7946) and GeoPackage exports are in 4326.
	SRS int
}

// ExportReport says what an export wrote.
type ExportReport struct {
	Features map[string]int
	// Warnings say what the file could not hold as it was (a Shapefile's
	// names of 10 characters, a CSV's x/y columns for lines…).
	Warnings []formats.Warning
}

// Export writes the chosen layers to path by its extension: GeoPackage
// (any number of layers), or one layer as GeoJSON (RFC 7946), ESRI
// Shapefile (.shp with its .shx, .dbf, .prj and .cpg) or CSV; coordinates
// in longitude/latitude (EPSG:4326), or in Lambert-93 for a Shapefile or a
// CSV when opts.SRS says so. Files are written beside their final names
// and renamed into place only when complete.
func (ws *Workspace) Export(ctx context.Context, path string, opts ExportOptions) (ExportReport, error) {
	layers, err := ws.exportLayers(opts.Layers)
	if err != nil {
		return ExportReport{}, err
	}
	var territory orb.Geometry
	if opts.Commune != "" {
		if territory, err = ws.CommuneTerritory(ctx, opts.Commune); err != nil {
			return ExportReport{}, err
		}
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".gpkg":
	case ".geojson", ".json", ".shp", ".csv":
		if len(layers) != 1 {
			return ExportReport{}, fmt.Errorf("%w: %s holds one layer; name it, or export to .gpkg", ErrUnsupportedExport, ext)
		}
	default:
		return ExportReport{}, fmt.Errorf("%w: %s (use .gpkg, .geojson, .shp or .csv)", ErrUnsupportedExport, filepath.Ext(path))
	}
	code := opts.SRS
	switch {
	case code == 0:
		code = srs.WGS84
	case code != srs.WGS84 && (ext != ".shp" && ext != ".csv" || code != srs.Lambert93):
		return ExportReport{}, fmt.Errorf("%w: EPSG:%d for %s (Shapefile and CSV go out in EPSG:4326 or 2154, the others in 4326)", ErrUnsupportedExport, code, ext)
	}
	if ext == ".shp" {
		return ws.exportShapefile(ctx, path, layers[0], territory, code)
	}
	out, err := fileout.NewSet([]string{path})
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %w", err)
	}
	var rep ExportReport
	switch tmp := out.File(0); ext {
	case ".gpkg":
		rep, err = ws.exportGeoPackage(ctx, tmp.Name(), layers, territory)
	default:
		rep, err = ws.exportText(ctx, tmp, ext, layers[0], territory, opts.CSV, code)
	}
	if err != nil {
		out.Abort()
		return ExportReport{}, err
	}
	if err := out.Commit(); err != nil {
		return ExportReport{}, fmt.Errorf("store: export %w", err)
	}
	return rep, nil
}

func (ws *Workspace) exportLayers(names []string) ([]*Layer, error) {
	if len(names) == 0 {
		return ws.Layers(), nil
	}
	var out []*Layer
	for _, n := range names {
		l, err := ws.Layer(n)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// datasetFields are the fields of l as a file writer takes them.
func datasetFields(l *Layer) []formats.Field {
	out := make([]formats.Field, len(l.Schema.Fields))
	for i, f := range l.Schema.Fields {
		out[i] = formats.Field{Name: f.Name, Type: f.Type}
	}
	return out
}

// datasetFeature is f as a file writer takes it: its id is its UUID (its
// local fid for foreign layers).
func datasetFeature(f Feature) formats.Feature {
	id := f.UUID
	if id == "" {
		id = strconv.FormatInt(f.FID, 10)
	}
	return formats.Feature{ID: id, Geometry: f.Geometry, Properties: f.Properties}
}

// ToGeoJSON returns the feature as a GeoJSON feature whose id is its UUID
// (its local fid for foreign layers).
func ToGeoJSON(f Feature) *geojson.Feature {
	gf := geojson.NewFeature(formats.RFC7946(f.Geometry))
	if f.Geometry == nil {
		gf.Geometry = nil
	}
	if f.UUID != "" {
		gf.ID = f.UUID
	} else {
		gf.ID = f.FID
	}
	for k, v := range f.Properties {
		gf.Properties[k] = v
	}
	return gf
}

// exportSchema is the schema a layer gets in an exported GeoPackage: a
// foreign layer's names are made plain identifiers (the originals kept as
// titles) and its fields editable; fields keep their order.
func exportSchema(l *Layer) schema.Layer {
	s := l.Schema
	s.Fields = append([]schema.Field(nil), l.Schema.Fields...)
	if !l.Foreign {
		return s
	}
	s.Name, s.ReadOnly = fieldName(s.Name), false
	if s.Title == "" {
		s.Title = l.Schema.Name
	}
	for i, f := range s.Fields {
		if n := fieldName(f.Name); n != f.Name {
			s.Fields[i].Name = n
			if s.Fields[i].Title == "" {
				s.Fields[i].Title = f.Name
			}
		}
		s.Fields[i].ReadOnly = false
	}
	return s
}

// inseeFields are the field names that hold a commune's INSEE code.
var inseeFields = []string{"insee", "code_insee", "insee_com", "code", "inseecom"}

// CommuneTerritory returns the polygon of the commune with the INSEE code,
// found in any polygon layer of the workspace that has an INSEE code field.
func (ws *Workspace) CommuneTerritory(ctx context.Context, insee string) (orb.Geometry, error) {
	for _, l := range ws.Layers() {
		switch l.Schema.GeometryType {
		case schema.Polygon, schema.MultiPolygon, schema.AnyGeometry:
		default:
			continue
		}
		for _, name := range inseeFields {
			if f, ok := l.Schema.Field(name); !ok || f.Type != schema.Text {
				continue
			}
			found, err := ws.Query(ctx, Query{Layer: l.Name(), Equals: map[string]any{name: insee}, Limit: 1})
			if err != nil {
				return nil, err
			}
			if len(found) == 1 && found[0].Geometry != nil {
				return found[0].Geometry, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrCommuneNotFound, insee)
}

// Intersects reports whether a geometry meets a polygonal territory (a
// Polygon or MultiPolygon): a vertex inside, or an edge crossing its boundary.
func Intersects(territory, g orb.Geometry) bool {
	if !territory.Bound().Intersects(g.Bound()) {
		return false
	}
	var polys orb.MultiPolygon
	switch t := territory.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		polys = t
	default:
		return true
	}
	inside := func(p orb.Point) bool { return planar.MultiPolygonContains(polys, p) }
	var segs [][2]orb.Point
	var pts []orb.Point
	addLine := func(ls []orb.Point) {
		pts = append(pts, ls...)
		for i := 1; i < len(ls); i++ {
			segs = append(segs, [2]orb.Point{ls[i-1], ls[i]})
		}
	}
	switch x := g.(type) {
	case orb.Point:
		pts = append(pts, x)
	case orb.MultiPoint:
		pts = append(pts, x...)
	case orb.LineString:
		addLine(x)
	case orb.MultiLineString:
		for _, ls := range x {
			addLine(ls)
		}
	case orb.Polygon:
		for _, r := range x {
			addLine(r)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			for _, r := range p {
				addLine(r)
			}
		}
	case orb.Collection:
		for _, c := range x {
			if Intersects(territory, c) {
				return true
			}
		}
		return false
	}
	for _, p := range pts {
		if inside(p) {
			return true
		}
	}
	// A polygon may hold the whole territory.
	if poly, ok := g.(orb.Polygon); ok {
		if planar.PolygonContains(poly, polys[0][0][0]) {
			return true
		}
	}
	for _, poly := range polys {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				for _, s := range segs {
					if segmentsCross(ring[i-1], ring[i], s[0], s[1]) {
						return true
					}
				}
			}
		}
	}
	return false
}

func segmentsCross(a, b, c, d orb.Point) bool {
	orient := func(p, q, r orb.Point) float64 {
		return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
	}
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0))
}

// WriteGeoJSON writes features as a GeoJSON FeatureCollection (RFC 7946).
func WriteGeoJSON(w io.Writer, features []Feature) error {
	gw := formats.NewGeoJSONWriter(w, "", nil)
	for _, f := range features {
		if err := gw.Write(datasetFeature(f)); err != nil {
			return fmt.Errorf("store: geojson: %w", err)
		}
	}
	if err := gw.Close(); err != nil {
		return fmt.Errorf("store: geojson: %w", err)
	}
	return nil
}
