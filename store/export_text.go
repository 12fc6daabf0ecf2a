package store

import (
	"context"
	"fmt"
	"os"

	"github.com/paulmach/orb"

	"terrimap/internal/sqliteread"
	"terrimap/store/formats"
)

// recordWriter is a file writer taking one record at a time.
type recordWriter interface {
	WriteRecord(*formats.Record) error
	Close() error
}

// exportText writes one layer as GeoJSON or CSV (ext) to file, feature by
// feature as they are read; the caller's fileout.Set flushes it to disk
// and puts it in place.
func (ws *Workspace) exportText(ctx context.Context, file *os.File, ext string, l *Layer, territory orb.Geometry, csvGeom formats.CSVGeometry, code int) (ExportReport, error) {
	fields := datasetFields(l)
	var w recordWriter
	var csvw *formats.CSVWriter
	var err error
	if ext == ".csv" {
		if csvw, err = formats.NewCSVWriter(file, fields, csvGeom, code); err != nil {
			return ExportReport{}, fmt.Errorf("store: export %s: %w", l.Name(), err)
		}
		w = csvw
	} else {
		w = formats.NewGeoJSONWriter(file, l.Schema.Name, fields)
	}
	n := 0
	var rec formats.Record
	err = ws.exportSnapshot(ctx, func(conn *sqliteread.Conn) error {
		return ws.eachRow(ctx, conn, l, territory, rowNeeds{geometry: true, ids: ext != ".csv"}, func(r *exportRow) error {
			n++
			if err := r.record(&rec, code); err != nil {
				return err
			}
			return w.WriteRecord(&rec)
		})
	})
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", l.Name(), err)
	}
	rep := ExportReport{Features: map[string]int{l.Name(): n}}
	if csvw != nil && csvw.Dropped() > 0 {
		rep.Warnings = append(rep.Warnings, formats.Warning{Kind: formats.WarnGeometryDropped, Count: csvw.Dropped()})
	}
	return rep, nil
}
