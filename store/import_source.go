package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ImportFile reads a GeoJSON, Shapefile, CSV or GeoPackage file and imports
// it (see Import). The file is read in two passes and never held whole: the
// first learns its fields, their types and its count; the second streams
// the features into the one transaction (see formats.OpenFile and
// OpenGeoPackageLayer). A DXF plan goes into the existing layer opts.Layer,
// its coordinate system opts.SRS (Lambert-93 or CC47) or found from its
// coordinates, without a layer mapping (see PreviewDXF and ImportDXF).
//
// An error about one feature names it: `feature 987654 (id "PEI-12"): …`;
// every error of a file that cannot be imported wraps ErrImport.
func (ws *Workspace) ImportFile(ctx context.Context, path string, opts ImportOptions) (ImportReport, error) {
	if strings.EqualFold(filepath.Ext(path), ".dxf") {
		return ws.importDXFFile(ctx, path, opts)
	}
	src, err := OpenImportSource(ctx, path, opts.SourceLayer)
	if err != nil {
		return ImportReport{}, err
	}
	defer src.Close()
	rep, err := ws.ImportSource(ctx, src, opts)
	if err != nil {
		return rep, fmt.Errorf("store: import %s: %w", filepath.Base(path), err)
	}
	return rep, nil
}

// OpenImportSource makes the first pass over the file at path for an
// import (see formats.Source), its reader chosen by its extension: a
// GeoJSON, Shapefile or CSV file with formats.OpenFile, a GeoPackage's
// layer sourceLayer with OpenGeoPackageLayer (with one layer, sourceLayer
// may be ""). A DXF plan is no source (see ImportDXF) and is refused like
// any other format with formats.ErrUnsupportedFormat. Every error wraps
// ErrImport. The caller closes the source.
func OpenImportSource(ctx context.Context, path, sourceLayer string) (*formats.Source, error) {
	var src *formats.Source
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gpkg":
		src, err = OpenGeoPackageLayer(ctx, path, sourceLayer)
	case ".geojson", ".json", ".shp", ".csv", ".tsv", ".txt":
		src, err = formats.OpenFile(path)
	default:
		err = fmt.Errorf("%w: %s (Terrimap imports .geojson, .json, .shp, .csv, .gpkg and .dxf files, a .dxf plan with ImportDXF)", formats.ErrUnsupportedFormat, filepath.Ext(path))
	}
	if err != nil {
		if !errors.Is(err, ErrImport) {
			err = fmt.Errorf("%w: %w", ErrImport, err)
		}
		return nil, fmt.Errorf("store: import %s: %w", filepath.Base(path), err)
	}
	return src, nil
}

// Import adds every feature of ds to a layer (see ImportSource).
func (ws *Workspace) Import(ctx context.Context, ds *formats.Dataset, opts ImportOptions) (ImportReport, error) {
	return ws.ImportSource(ctx, ds.Source(), opts)
}

// ImportSource adds every feature of src to a layer, reprojected to
// EPSG:4326, as local creations that the next sync sends. The layer is
// created from the source's fields when it does not exist. It is one
// transaction: on any error nothing is imported. The features are read
// from src one at a time (src.Features), never all at once.
func (ws *Workspace) ImportSource(ctx context.Context, src *formats.Source, opts ImportOptions) (ImportReport, error) {
	name := opts.Layer
	if name == "" {
		name = src.Name
	}
	from := src.SRS
	if opts.SRS != 0 {
		from = opts.SRS
	}
	if from == 0 {
		from = SRSWGS84
	}
	rep := ImportReport{Layer: name, SourceSRS: from, SourceSRSDeduced: opts.SRS == 0 && src.SRSDeduced}
	if !opts.AttributesOnly && !hasGeometry(src) {
		return rep, fmt.Errorf("%w: %w: no feature of %s has a geometry (a CSV needs longitude/latitude or Lambert-93 x/y coordinate columns)", ErrImport, ErrNoGeometry, name)
	}
	if from != SRSWGS84 && !srs.Supported(from) {
		return rep, fmt.Errorf("%w: %s: EPSG:%d: %w", ErrImport, name, from, srs.ErrUnsupportedSRS)
	}
	err := ws.editAlone(ctx, opts.Alone, func(tx *Tx) error {
		l, err := tx.layer(name)
		if errors.Is(err, ErrLayerNotFound) {
			s := layerSchemaFor(name, opts.Title, src)
			if l, err = tx.CreateLayer(s); err != nil {
				return err
			}
			rep.CreatedLayer = true
		} else if err != nil {
			return err
		} else if l.ReadOnly() {
			return fmt.Errorf("%w: layer %s: %w", ErrImport, name, ErrReadOnly)
		}
		rep.Layer = l.Schema.Name
		mapping, ignored := mapFields(l, src.Fields)
		rep.IgnoredFields = ignored
		features, err := src.Features()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrImport, err)
		}
		n, err := tx.bulkCreate(l, features, src.Count, mapping, from)
		rep.Features = n
		return err
	})
	if err != nil {
		return ImportReport{Layer: rep.Layer, SourceSRS: from}, err
	}
	return rep, nil
}

// hasGeometry reports whether a feature of src has a geometry, or src has
// no feature.
func hasGeometry(src *formats.Source) bool {
	return src.Geometries != 0 || src.Count == 0
}

// layerSchemaFor builds the schema of a new layer from a source.
func layerSchemaFor(name, title string, src *formats.Source) schema.Layer {
	s := schema.Layer{Name: name, Title: title, GeometryType: geometryTypeOf(src.Geometries)}
	seen := map[string]bool{}
	for _, f := range src.Fields {
		n := fieldName(f.Name)
		for base, i := n, 2; seen[n]; i++ {
			n = fmt.Sprintf("%s_%d", base, i)
		}
		seen[n] = true
		s.Fields = append(s.Fields, schema.Field{Name: n, Title: f.Name, Type: f.Type})
	}
	return s
}

// geometryTypeOf chooses the layer geometry type that fits every feature:
// that of their one kind (points, lines or polygons), multi when any is.
func geometryTypeOf(kinds formats.GeometryKinds) schema.GeometryType {
	families := []struct {
		single, multi formats.GeometryKinds
		one, many     schema.GeometryType
	}{
		{formats.HasPoint, formats.HasMultiPoint, schema.Point, schema.MultiPoint},
		{formats.HasLineString, formats.HasMultiLineString, schema.LineString, schema.MultiLineString},
		{formats.HasPolygon, formats.HasMultiPolygon, schema.Polygon, schema.MultiPolygon},
	}
	for _, f := range families {
		switch {
		case kinds&^(f.single|f.multi) != 0 || kinds == 0:
			continue
		case kinds&f.multi != 0:
			return f.many
		default:
			return f.one
		}
	}
	return schema.AnyGeometry
}

// mapFields pairs the dataset's fields with the layer's: by name ignoring
// case and accents, then by the 10-character prefix Shapefiles cut names
// to. It returns dataset field → layer field, and the unmatched fields.
func mapFields(l *Layer, fields []formats.Field) (map[string]string, []string) {
	out := map[string]string{}
	var ignored []string
	for _, f := range fields {
		target := ""
		key := fieldName(f.Name)
		for _, lf := range l.Schema.Fields {
			if lf.Name == key || strings.EqualFold(lf.Name, f.Name) {
				target = lf.Name
				break
			}
		}
		if target == "" && len(f.Name) == 10 {
			var candidates []string
			for _, lf := range l.Schema.Fields {
				if strings.HasPrefix(strings.ToLower(lf.Name), strings.ToLower(f.Name)) {
					candidates = append(candidates, lf.Name)
				}
			}
			if len(candidates) == 1 {
				target = candidates[0]
			}
		}
		if target == "" {
			ignored = append(ignored, f.Name)
			continue
		}
		out[f.Name] = target
	}
	return out, ignored
}
