package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb/encoding/wkt"

	"terrimap/internal/fileout"
)

// The attribute table's CSV, made for a French spreadsheet: UTF-8 with a
// byte order mark (Excel then reads the accents right), «;» between
// columns (the comma is the decimal sign), Windows line ends; the values as
// the table shows them (labels, not codes; communes by name); and a last
// column WKT, the geometry in longitude/latitude (EPSG:4326) as
// well-known text, which QGIS and GDAL read as the feature's geometry. One
// WKT column rather than x/y columns: it carries lines and polygons too.
const (
	csvBOM       = "\ufeff"
	csvSeparator = ';'
	csvGeometry  = "WKT"
)

// csvRecords are the headings shown and the rows of fids (those shown, in
// the order shown), each with its geometry as WKT: what the CSV holds. It
// reads the rows: run it off the UI goroutine.
func (t *attributeTable) csvRecords(ctx context.Context, fids []int64) ([][]string, error) {
	head := make([]string, 0, len(t.layer.Fields)+1)
	for i := range t.layer.Fields {
		head = append(head, t.title(i))
	}
	out := [][]string{append(head, csvGeometry)}
	for start := 0; start < len(fids); start += csvPageRows {
		rows, err := t.readRows(ctx, fids[start:min(len(fids), start+csvPageRows)])
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.gone {
				continue
			}
			geom := ""
			if r.f.Geometry != nil {
				geom = wkt.MarshalString(r.f.Geometry)
			}
			out = append(out, append(slices.Clip(r.cells), geom))
		}
	}
	return out, nil
}

// csvPageRows is the number of rows the export reads at once.
const csvPageRows = 1000

// writeCSV writes records as a French spreadsheet reads them.
func writeCSV(w io.Writer, records [][]string) error {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = csvSeparator
	cw.UseCRLF = true
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	return cw.Error()
}

// exportCSV writes records to path, whole or not at all. It does I/O: run
// it off the UI goroutine.
func exportCSV(path string, records [][]string) error {
	if err := fileout.Write(path, func(w io.Writer) error { return writeCSV(w, records) }); err != nil {
		return fmt.Errorf("app: export table: %w", err)
	}
	return nil
}

// csvFileName is the file name the save dialog offers: the layer's title,
// without the characters a file name may not hold.
func (t *attributeTable) csvFileName() string {
	return safeFileName(t.layer.DisplayTitle()) + ".csv"
}

// safeFileName is name without the characters a file name may not hold.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < ' ' {
			return '_'
		}
		return r
	}, name)
}

// askExport asks where to save the rows shown, writes them off the UI
// goroutine, then offers to open the file.
func (t *attributeTable) askExport() {
	a := fyne.CurrentApp()
	if a == nil || t.win == nil {
		return
	}
	fids := t.rows
	askSavePath(a, t.win, t.csvFileName(), []string{".csv"}, func(path string) {
		go func() {
			records, err := t.csvRecords(context.Background(), fids)
			n := len(records) - 1
			if err == nil {
				err = exportCSV(path, records)
			}
			fyne.Do(func() {
				if err != nil {
					showError(t.win, lang.L("The table could not be written to {{.Path}}. Choose another folder.", map[string]any{"Path": path}))
					return
				}
				showFileWritten(a, t.win, lang.L("Table exported"),
					lang.L("{{.N}} rows written to {{.Path}}.", map[string]any{"N": n, "Path": path}), path)
			})
		}()
	})
}
