package store

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"terrimap/internal/sqliteread"
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
// and learns their types; Features reads the rows, coordinates in
// longitude/latitude, their values typed as Query types them. With several
// layers, sourceLayer must name one. The file is opened as a workspace
// only to learn the layer (its table, fields and SRS); both passes read it
// on a connection of their own, without the database/sql driver's mutex
// (openReader), which stays open until the source is closed.
func OpenGeoPackageLayer(ctx context.Context, path, sourceLayer string) (*formats.Source, error) {
	ws, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	l, err := geoPackageLayer(ws, sourceLayer)
	if cerr := ws.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	conn, err := openReader(ws.Path())
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	src := &formats.Source{Name: l.Name(), SRS: SRSWGS84}
	for _, f := range l.Schema.Fields {
		src.Fields = append(src.Fields, formats.Field{Name: f.Name, Type: f.Type})
	}
	if err := learnGeoPackageLayer(ctx, conn, l, src); err != nil {
		conn.Close()
		return nil, err
	}
	src.SetOpener(func() (formats.FeatureReader, io.Closer, error) {
		r, err := readLayerRows(ctx, conn, l)
		if err != nil {
			return nil, nil, err
		}
		return r, r, nil
	}, conn)
	return src, nil
}

// geoPackageLayer is the layer of ws an import reads: sourceLayer, or the
// only one.
func geoPackageLayer(ws *Workspace, sourceLayer string) (*Layer, error) {
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
	return l, nil
}

// learnGeoPackageLayer is the first pass over a layer: its rows counted,
// the types of their geometries learnt (in the SRS they are stored in, which
// does not change a type). A geometry is the bytes of its value, blob or
// text, as database/sql scans them into a []byte; one that does not decode
// adds no type. One goroutine steps through the rows (readBatches), the
// caller's decodes their geometries.
func learnGeoPackageLayer(ctx context.Context, conn *sqliteread.Conn, l *Layer, src *formats.Source) error {
	rows, err := conn.Query(fmt.Sprintf("SELECT %s FROM %s", quoteIdent(l.geomColumn), quoteIdent(l.Schema.Name)))
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	defer rows.Close() // once the reader is done (batches.stop)
	batches := readBatches(ctx, rows, 1)
	defer batches.stop()
	for b := range batches.full {
		for _, v := range b.raw[:b.n] {
			src.Count++
			var blob []byte
			switch v.typ {
			case sqliteread.Blob:
				blob = b.blob[v.i : v.i+int64(v.n)]
			case sqliteread.Text:
				blob = b.text[v.i : v.i+int64(v.n)]
			}
			if len(blob) > 0 {
				if g, _, err := gpkgbin.Decode(blob); err == nil {
					src.Geometries.Add(g)
				}
			}
		}
		batches.free <- b
	}
	if batches.err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), batches.err)
	}
	return nil
}

// rowReader yields a layer's rows as a file's features, read as an export
// reads them (exportSelectSQL, rowDecoder) and so typed as Query types
// them; their ID is their FID. One goroutine steps through the rows
// (readBatches), the caller of Next decodes them.
type rowReader struct {
	l       *Layer
	rows    *sqliteread.Rows
	dec     *rowDecoder
	batches *rowBatches
	b       *rowBatch // the batch being decoded
	text    string    // its texts
	next    int       // its next row
	row     exportRow
}

// readLayerRows starts a pass over l's rows read on conn.
func readLayerRows(ctx context.Context, conn *sqliteread.Conn, l *Layer) (*rowReader, error) {
	need := rowNeeds{geometry: true}
	rows, err := conn.Query(exportSelectSQL(l, need))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	dec := newRowDecoder(l, need, nil, rows)
	return &rowReader{l: l, rows: rows, dec: dec, batches: readBatches(ctx, rows, dec.columns),
		row: exportRow{Values: make([]any, len(l.Schema.Fields))}}, nil
}

func (r *rowReader) Next() (formats.Feature, error) {
	for r.b == nil || r.next == r.b.n {
		if r.b != nil {
			r.batches.free <- r.b
			r.b = nil
		}
		b, ok := <-r.batches.full
		if !ok {
			if r.batches.err != nil {
				return formats.Feature{}, fmt.Errorf("store: read %s: %w", r.l.Name(), r.batches.err)
			}
			return formats.Feature{}, io.EOF
		}
		r.b, r.text, r.next = b, string(b.text), 0
	}
	cols := r.dec.columns
	r.dec.decode(&r.row, r.b.raw[r.next*cols:(r.next+1)*cols], r.text, r.b.blob)
	r.next++
	props := make(map[string]any, len(r.l.Schema.Fields))
	for i, f := range r.l.Schema.Fields {
		props[f.Name] = r.row.Values[i]
	}
	return formats.Feature{ID: strconv.FormatInt(r.row.FID, 10), Geometry: r.row.Geometry, Properties: props}, nil
}

// Close ends the pass: the reading goroutine stops, the query is closed.
func (r *rowReader) Close() error {
	r.batches.stop()
	if err := r.rows.Close(); err != nil {
		return fmt.Errorf("store: read %s: %w", r.l.Name(), err)
	}
	return nil
}
