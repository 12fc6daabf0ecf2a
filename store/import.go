package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// ImportOptions say where and how a file is imported.
type ImportOptions struct {
	// Layer is the target layer; it is created from the file's fields when
	// it does not exist. Empty: a name derived from the file.
	Layer string
	// Title is the title of a layer the import creates.
	Title string
	// SRS overrides the file's spatial reference (EPSG code), 0 to keep it.
	SRS int
	// SourceLayer picks the layer of a GeoPackage with several.
	SourceLayer string
	// Territory is where a DXF plan must lie (DXFOptions.Territory).
	Territory orb.Bound
	// AttributesOnly says rows without geometry are meant (a table of
	// settings such as the networks declared at the guichet unique): a file
	// where no feature has a geometry is then imported rather than refused
	// as one whose coordinate columns were missed.
	AttributesOnly bool
}

// ImportReport says what an import did.
type ImportReport struct {
	Layer        string
	CreatedLayer bool
	Features     int
	// SourceSRS is the EPSG code the coordinates were read in.
	SourceSRS int
	// IgnoredFields lists the file's fields the existing layer does not have.
	IgnoredFields []string
}

// ErrNoGeometry is returned (wrapped, with ErrImport) for a file where no
// feature has a geometry, unless ImportOptions.AttributesOnly says so.
var ErrNoGeometry = errors.New("store: no geometry in the file")

// ErrImport is returned (wrapped) when a file cannot be imported.
var ErrImport = errors.New("store: import refused")

// ImportFile reads a GeoJSON, Shapefile, CSV or GeoPackage file and imports
// it (see Import). A DXF plan goes into the existing layer opts.Layer, its
// coordinate system opts.SRS (Lambert-93 or CC47) or found from its
// coordinates, without a layer mapping (see PreviewDXF and ImportDXF).
func (ws *Workspace) ImportFile(ctx context.Context, path string, opts ImportOptions) (ImportReport, error) {
	var ds *formats.Dataset
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gpkg":
		ds, err = ReadGeoPackageLayer(ctx, path, opts.SourceLayer)
	case ".geojson", ".json", ".shp", ".csv", ".tsv", ".txt":
		ds, err = formats.ReadFile(path)
	case ".dxf":
		return ws.importDXFFile(ctx, path, opts)
	default:
		err = fmt.Errorf("%w: %s (Terrimap imports .geojson, .json, .shp, .csv, .gpkg and .dxf files)", formats.ErrUnsupportedFormat, filepath.Ext(path))
	}
	if err != nil {
		return ImportReport{}, fmt.Errorf("store: import %s: %w", filepath.Base(path), err)
	}
	return ws.Import(ctx, ds, opts)
}

// Import adds every feature of ds to a layer, reprojected to EPSG:4326, as
// local creations that the next sync sends. The layer is created from the
// dataset's fields when it does not exist. It is one transaction: on any
// error nothing is imported.
func (ws *Workspace) Import(ctx context.Context, ds *formats.Dataset, opts ImportOptions) (ImportReport, error) {
	name := opts.Layer
	if name == "" {
		name = ds.Name
	}
	from := ds.SRS
	if opts.SRS != 0 {
		from = opts.SRS
	}
	if from == 0 {
		from = SRSWGS84
	}
	rep := ImportReport{Layer: name, SourceSRS: from}
	if !opts.AttributesOnly && !hasGeometry(ds) {
		return rep, fmt.Errorf("%w: %w: no feature of %s has a geometry (a CSV needs longitude/latitude or Lambert-93 x/y coordinate columns)", ErrImport, ErrNoGeometry, name)
	}
	if from != SRSWGS84 && !srs.Supported(from) {
		return rep, fmt.Errorf("%w: %s: EPSG:%d: %w", ErrImport, name, from, srs.ErrUnsupportedSRS)
	}
	err := ws.Edit(ctx, func(tx *Tx) error {
		l, err := tx.layer(name)
		if errors.Is(err, ErrLayerNotFound) {
			s := layerSchemaFor(name, opts.Title, ds)
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
		mapping, ignored := mapFields(l, ds.Fields)
		rep.IgnoredFields = ignored
		n, err := tx.bulkCreate(l, ds.Reader(), len(ds.Features), mapping, from)
		rep.Features = n
		return err
	})
	if err != nil {
		return ImportReport{Layer: rep.Layer, SourceSRS: from}, err
	}
	return rep, nil
}

// bulkCreate inserts the features src yields with their journal entries;
// expected is how many it will yield (a hint: 0 when unknown). A load large
// against the layer (packsRTree) suspends the layer's R*Tree triggers and
// packs the tree again once, all in the same transaction; a small one (a
// surveyor's plan into a network) goes through the triggers.
func (tx *Tx) bulkCreate(l *Layer, src formats.FeatureReader, expected int, mapping map[string]string, from int) (int, error) {
	return tx.loadFeatures(l, src, expected, mapping, from)
}

// createPrepared is Create for a layer already checked writable.
func (tx *Tx) createPrepared(l *Layer, f Feature) (Feature, error) {
	f, err := prepareCreate(l, f)
	if err != nil {
		return Feature{}, err
	}
	fs := []Feature{f}
	if err := tx.createRows(l, fs); err != nil {
		return Feature{}, err
	}
	return fs[0], nil
}

// prepareCreate validates a new feature: properties coerced to their
// types (every field present, nil when unset), geometry checked, UUID given.
func prepareCreate(l *Layer, f Feature) (Feature, error) {
	coerced, errs := l.Schema.CoerceProperties(f.Properties, true)
	if len(errs) > 0 {
		return Feature{}, &ValidationError{Layer: l.Schema.Name, Fields: errs}
	}
	for _, fld := range l.Schema.Fields {
		if _, ok := coerced[fld.Name]; !ok {
			coerced[fld.Name] = nil
		}
	}
	geom, err := l.Schema.CheckGeometry(f.Geometry)
	if err != nil {
		return Feature{}, fmt.Errorf("store: create in %s: %w: %w", l.Schema.Name, ErrInvalidGeometry, err)
	}
	if f.UUID == "" {
		f.UUID = NewID()
	}
	f.Layer, f.Geometry, f.Properties, f.Version = l.Schema.Name, geom, coerced, 0
	return f, nil
}

// createRows inserts prepared features with their journal entries and sets
// their FID.
func (tx *Tx) createRows(l *Layer, fs []Feature) error {
	if err := tx.insertRows(l, fs); err != nil {
		return err
	}
	for _, f := range fs {
		tx.indexInsert(l, f.FID, f.Geometry)
	}
	return tx.journalCreations(l, fs)
}

func hasGeometry(ds *formats.Dataset) bool {
	for _, f := range ds.Features {
		if f.Geometry != nil {
			return true
		}
	}
	return len(ds.Features) == 0
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// fieldName turns a file's field name into a plain identifier that is not reserved.
func fieldName(name string) string {
	n := strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(Fold(name)), "_"), "_")
	if n == "" {
		n = "field"
	}
	if n[0] >= '0' && n[0] <= '9' {
		n = "f_" + n
	}
	if len(n) > 63 {
		n = n[:63]
	}
	if schema.IsReserved(n) {
		n = "src_" + n
	}
	return n
}

// layerSchemaFor builds the schema of a new layer from a dataset.
func layerSchemaFor(name, title string, ds *formats.Dataset) schema.Layer {
	s := schema.Layer{Name: name, Title: title, GeometryType: geometryTypeOf(ds)}
	seen := map[string]bool{}
	for _, f := range ds.Fields {
		n := fieldName(f.Name)
		for base, i := n, 2; seen[n]; i++ {
			n = fmt.Sprintf("%s_%d", base, i)
		}
		seen[n] = true
		s.Fields = append(s.Fields, schema.Field{Name: n, Title: f.Name, Type: f.Type})
	}
	return s
}

// geometryTypeOf chooses the layer geometry type that fits every feature.
func geometryTypeOf(ds *formats.Dataset) schema.GeometryType {
	kinds := map[string]bool{}
	multi := false
	for _, f := range ds.Features {
		switch f.Geometry.(type) {
		case nil:
		case orb.Point:
			kinds["point"] = true
		case orb.MultiPoint:
			kinds["point"], multi = true, true
		case orb.LineString:
			kinds["line"] = true
		case orb.MultiLineString:
			kinds["line"], multi = true, true
		case orb.Polygon:
			kinds["polygon"] = true
		case orb.MultiPolygon:
			kinds["polygon"], multi = true, true
		default:
			return schema.AnyGeometry
		}
	}
	if len(kinds) != 1 {
		return schema.AnyGeometry
	}
	single := map[string]schema.GeometryType{"point": schema.Point, "line": schema.LineString, "polygon": schema.Polygon}
	multiple := map[string]schema.GeometryType{"point": schema.MultiPoint, "line": schema.MultiLineString, "polygon": schema.MultiPolygon}
	for k := range kinds {
		if multi {
			return multiple[k]
		}
		return single[k]
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

// ReadGeoPackageLayer reads one vector layer of a GeoPackage into a dataset,
// in the layer's own SRS. With several layers, sourceLayer must name one.
func ReadGeoPackageLayer(ctx context.Context, path, sourceLayer string) (*formats.Dataset, error) {
	src, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	layers := src.Layers()
	var l *Layer
	switch {
	case sourceLayer != "":
		if l, err = src.Layer(sourceLayer); err != nil {
			return nil, err
		}
	case len(layers) == 1:
		l = layers[0]
	default:
		names := make([]string, len(layers))
		for i, x := range layers {
			names[i] = x.Name()
		}
		return nil, fmt.Errorf("%w: the GeoPackage has %d layers (%s): say which one", ErrImport, len(layers), strings.Join(names, ", "))
	}
	// Features come out of the store in longitude/latitude whatever the
	// layer's SRS; a layer in an SRS Terrimap cannot reproject is refused.
	if from := int(l.SRSID); from > 0 && from != SRSWGS84 && !srs.Supported(from) {
		return nil, fmt.Errorf("%w: layer %s: EPSG:%d: %w", ErrImport, l.Name(), from, srs.ErrUnsupportedSRS)
	}
	ds := &formats.Dataset{Name: l.Name(), SRS: SRSWGS84}
	for _, f := range l.Schema.Fields {
		ds.Fields = append(ds.Fields, formats.Field{Name: f.Name, Type: f.Type})
	}
	rows, err := src.db.QueryContext(ctx, selectSQL(l))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFeature(l, rows)
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", l.Name(), err)
		}
		ds.Features = append(ds.Features, formats.Feature{ID: fmt.Sprint(f.FID), Geometry: f.Geometry, Properties: f.Properties})
	}
	return ds, rows.Err()
}
