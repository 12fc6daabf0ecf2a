package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"terrimap/store/schema"
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
}

// ExportReport says what an export wrote.
type ExportReport struct {
	Features map[string]int
}

// Export writes the chosen layers to path, GeoJSON (one layer) or GeoPackage
// (any number of layers) by its extension. The file is written next to its
// final name and renamed into place only when complete.
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
	tmp := path + ".part"
	os.Remove(tmp)
	var rep ExportReport
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		if len(layers) != 1 {
			return ExportReport{}, fmt.Errorf("%w: GeoJSON holds one layer; name it, or export to .gpkg", ErrUnsupportedExport)
		}
		rep, err = ws.exportGeoJSON(ctx, tmp, layers[0], territory)
	case ".gpkg":
		rep, err = ws.exportGeoPackage(ctx, tmp, layers, territory)
	default:
		return ExportReport{}, fmt.Errorf("%w: %s (use .geojson or .gpkg)", ErrUnsupportedExport, filepath.Ext(path))
	}
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + "-wal")
		os.Remove(tmp + "-shm")
		return ExportReport{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
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

// eachInTerritory calls fn for every feature of l, or only those that
// intersect territory when it is set.
func (ws *Workspace) eachInTerritory(ctx context.Context, l *Layer, territory orb.Geometry, fn func(Feature) error) error {
	q := Query{Layer: l.Name()}
	if territory != nil {
		b := territory.Bound()
		q.Bound = &b
	}
	var ferr error
	err := ws.Each(ctx, q, func(f Feature) bool {
		if territory != nil && (f.Geometry == nil || !Intersects(territory, f.Geometry)) {
			return true
		}
		ferr = fn(f)
		return ferr == nil
	})
	if ferr != nil {
		return ferr
	}
	return err
}

func (ws *Workspace) exportGeoJSON(ctx context.Context, path string, l *Layer, territory orb.Geometry) (ExportReport, error) {
	file, err := os.Create(path)
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	defer file.Close()
	w := bufio.NewWriter(file)
	n := 0
	header, _ := json.Marshal(l.Schema.Name)
	fmt.Fprintf(w, `{"type":"FeatureCollection","name":%s,"features":[`, header)
	err = ws.eachInTerritory(ctx, l, territory, func(f Feature) error {
		gf := ToGeoJSON(f)
		b, err := gf.MarshalJSON()
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n")
		w.Write(b)
		n++
		return nil
	})
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", l.Name(), err)
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	if err := file.Sync(); err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	return ExportReport{Features: map[string]int{l.Name(): n}}, nil
}

// ToGeoJSON returns the feature as a GeoJSON feature whose id is its UUID
// (its local fid for foreign layers).
func ToGeoJSON(f Feature) *geojson.Feature {
	gf := geojson.NewFeature(f.Geometry)
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

func (ws *Workspace) exportGeoPackage(ctx context.Context, path string, layers []*Layer, territory orb.Geometry) (ExportReport, error) {
	out, err := Create(path)
	if err != nil {
		return ExportReport{}, err
	}
	rep := ExportReport{Features: map[string]int{}}
	err = out.Edit(ctx, func(tx *Tx) error {
		for _, l := range layers {
			s, rename := exportSchema(l)
			dst, err := tx.CreateLayer(s)
			if err != nil {
				return err
			}
			rep.Features[l.Name()] = 0
			err = ws.eachInTerritory(ctx, l, territory, func(f Feature) error {
				if f.UUID == "" {
					f.UUID = NewID()
				}
				for from, to := range rename {
					f.Properties[to] = f.Properties[from]
				}
				fid, err := tx.insertRow(dst, f)
				if err != nil {
					return err
				}
				tx.indexInsert(dst, fid, f.Geometry)
				rep.Features[l.Name()]++
				return nil
			})
			if err != nil {
				return fmt.Errorf("store: export %s: %w", l.Name(), err)
			}
		}
		return nil
	})
	if cerr := out.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return rep, err
}

// exportSchema is the schema a layer gets in an exported GeoPackage, and
// how property names change: a foreign layer's names are made plain
// identifiers and its fields editable.
func exportSchema(l *Layer) (schema.Layer, map[string]string) {
	s := l.Schema
	s.Fields = append([]schema.Field(nil), l.Schema.Fields...)
	if !l.Foreign {
		return s, nil
	}
	rename := map[string]string{}
	s.Name, s.ReadOnly = fieldName(s.Name), false
	if s.Title == "" {
		s.Title = l.Schema.Name
	}
	for i, f := range s.Fields {
		n := fieldName(f.Name)
		if n != f.Name {
			rename[f.Name] = n
			s.Fields[i].Name = n
			if s.Fields[i].Title == "" {
				s.Fields[i].Title = f.Name
			}
		}
		s.Fields[i].ReadOnly = false
	}
	return s, rename
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

// WriteGeoJSON writes features as a GeoJSON FeatureCollection.
func WriteGeoJSON(w io.Writer, features []Feature) error {
	fc := geojson.NewFeatureCollection()
	for _, f := range features {
		fc.Append(ToGeoJSON(f))
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return fmt.Errorf("store: geojson: %w", err)
	}
	_, err = w.Write(b)
	return err
}
