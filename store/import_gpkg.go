package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"terrimap/store/formats"
	"terrimap/store/gpkgbin"
	"terrimap/store/srs"
)

// ReadGeoPackageLayer reads one vector layer of a GeoPackage into a dataset,
// in the layer's own SRS. With several layers, sourceLayer must name one.
// An import streams the layer instead (OpenGeoPackageLayer).
func ReadGeoPackageLayer(ctx context.Context, path, sourceLayer string) (*formats.Dataset, error) {
	src, err := OpenGeoPackageLayer(ctx, path, sourceLayer)
	if err != nil {
		return nil, err
	}
	return src.ReadAll()
}

// OpenGeoPackageLayer opens one vector layer of a GeoPackage for an import
// (see formats.Source): a first pass over its geometries counts the rows
// and learns their types; Features reads the rows from a cursor, one at a
// time, coordinates in longitude/latitude. With several layers,
// sourceLayer must name one. The GeoPackage stays open until the source is
// closed.
func OpenGeoPackageLayer(ctx context.Context, path, sourceLayer string) (*formats.Source, error) {
	ws, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	src, err := openGeoPackageLayer(ctx, ws, sourceLayer)
	if err != nil {
		ws.Close()
		return nil, err
	}
	return src, nil
}

func openGeoPackageLayer(ctx context.Context, ws *Workspace, sourceLayer string) (*formats.Source, error) {
	layers := ws.Layers()
	var l *Layer
	var err error
	switch {
	case sourceLayer != "":
		if l, err = ws.Layer(sourceLayer); err != nil {
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
	src := &formats.Source{Name: l.Name(), SRS: SRSWGS84}
	for _, f := range l.Schema.Fields {
		src.Fields = append(src.Fields, formats.Field{Name: f.Name, Type: f.Type})
	}
	if err := learnGeoPackageLayer(ctx, ws, l, src); err != nil {
		return nil, err
	}
	src.SetOpener(func() (formats.FeatureReader, io.Closer, error) {
		rows, err := ws.db.QueryContext(ctx, selectSQL(l))
		if err != nil {
			return nil, nil, fmt.Errorf("store: read %s: %w", l.Name(), err)
		}
		return &rowReader{l: l, rows: rows}, rows, nil
	}, ws)
	return src, nil
}

// learnGeoPackageLayer is the first pass over a layer: its rows counted,
// the types of their geometries learnt (in the SRS they are stored in, which
// does not change a type).
func learnGeoPackageLayer(ctx context.Context, ws *Workspace, l *Layer, src *formats.Source) error {
	rows, err := ws.db.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s", quoteIdent(l.geomColumn), quoteIdent(l.Schema.Name)))
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	defer rows.Close()
	var blob []byte
	for rows.Next() {
		if err := rows.Scan(&blob); err != nil {
			return fmt.Errorf("store: read %s: %w", l.Name(), err)
		}
		src.Count++
		if len(blob) > 0 {
			if g, _, err := gpkgbin.Decode(blob); err == nil {
				src.Geometries.Add(g)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	return nil
}

// rowReader yields a layer's rows from a cursor as a file's features; their
// ID is their FID.
type rowReader struct {
	l    *Layer
	rows *sql.Rows
	n    int
}

func (r *rowReader) Next() (formats.Feature, error) {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return formats.Feature{}, fmt.Errorf("store: read %s: %w", r.l.Name(), err)
		}
		return formats.Feature{}, io.EOF
	}
	r.n++
	f, err := scanFeature(r.l, r.rows)
	if err != nil {
		return formats.Feature{}, fmt.Errorf("store: read %s: %w", r.l.Name(), &formats.FeatureError{Number: r.n, Err: err})
	}
	return formats.Feature{ID: strconv.FormatInt(f.FID, 10), Geometry: f.Geometry, Properties: f.Properties}, nil
}
