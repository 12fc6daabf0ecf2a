package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/internal/sqliteread"
	"terrimap/store/formats"
	"terrimap/store/schema"
)

// exportShapefile writes one layer as an ESRI Shapefile in EPSG code, in
// two reads of the layer: the first lays the file out (the widths of its
// dBase columns, and the kind of its shapes for a layer of any geometry),
// the second writes it record by record.
func (ws *Workspace) exportShapefile(ctx context.Context, path string, l *Layer, territory orb.Geometry, code int) (ExportReport, error) {
	plan := formats.NewShapefilePlan(datasetFields(l), l.Schema.GeometryType)
	var (
		w   *formats.ShapefileWriter
		rec formats.Record
		n   int
	)
	err := ws.exportSnapshot(ctx, func(conn *sqliteread.Conn) error {
		// The first read needs the geometries only for a layer of any
		// geometry, whose file takes the kind of the first.
		shapes := rowNeeds{geometry: l.Schema.GeometryType == schema.AnyGeometry}
		err := ws.eachRow(ctx, conn, l, territory, shapes, func(r *exportRow) error {
			rec.Geometry, rec.Values = r.Geometry, r.Values
			plan.Add(&rec)
			return nil
		})
		if err != nil {
			return err
		}
		if w, err = plan.Create(path, code); err != nil {
			return err
		}
		err = ws.eachRow(ctx, conn, l, territory, rowNeeds{geometry: true}, func(r *exportRow) error {
			n++
			if err := r.record(&rec, code); err != nil {
				return err
			}
			return w.Write(&rec)
		})
		if err != nil {
			w.Abort()
		}
		return err
	})
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", l.Name(), err)
	}
	warnings, err := w.Close()
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", l.Name(), err)
	}
	return ExportReport{Features: map[string]int{l.Name(): n}, Warnings: warnings}, nil
}
