package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/unicode"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// readCSVRef is ReadCSV as it was before the CSV streamed (commit
// d9b881c): the whole file decoded, then every row kept, then the
// coordinates, the SRS and the types decided over all of them. It is the
// reference the streamed reading must equal (TestOpenCSVMatchesReference,
// FuzzOpenCSV).
func readCSVRef(data []byte, name string, opts CSVOptions) (*Dataset, error) {
	ds, err := decodeCSVRef(data, opts)
	if err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
	}
	ds.Name = LayerName(name)
	return ds, nil
}

func csvTextRef(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return decodeUTF8(data[3:]), nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("UTF-16 text: %w", err)
		}
		return string(out), nil
	case utf8.Valid(data):
		return string(data), nil
	}
	return cp1252(data), nil
}

func decodeCSVRef(data []byte, opts CSVOptions) (*Dataset, error) {
	text, err := csvTextRef(data)
	if err != nil {
		return nil, err
	}
	sep := opts.Separator
	if first, rest, _ := strings.Cut(text, "\n"); len(first) >= 4 && strings.EqualFold(first[:4], "sep=") {
		if r, size := utf8.DecodeRuneInString(strings.TrimRight(first[4:], "\r")); size > 0 && sep == 0 {
			sep = r
		}
		text = rest
	}
	if sep == 0 {
		sep = detectSeparator(text)
	}
	if sep == '"' || sep == '\r' || sep == '\n' || sep == utf8.RuneError || !utf8.ValidRune(sep) {
		return nil, fmt.Errorf("%q cannot be a separator", sep)
	}

	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sep
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: a header row is expected")
	}
	if err != nil {
		return nil, err
	}
	names := uniqueNames(header)
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(names) {
			for _, extra := range rec[len(names):] {
				if strings.TrimSpace(extra) != "" {
					return nil, fmt.Errorf("line %d: %d fields, but the header has %d", line, len(rec), len(names))
				}
			}
			rec = rec[:len(names)]
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	cell := func(row []string, i int) string {
		if i < len(row) {
			return row[i]
		}
		return ""
	}

	xi, yi, hint, err := coordinateColumns(names, opts)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{Features: make([]Feature, len(rows))}
	if xi >= 0 {
		var pts []orb.Point
		for r, row := range rows {
			xs, ys := cell(row, xi), cell(row, yi)
			if xs == "" && ys == "" {
				continue
			}
			x, okx := parseDecimal(xs)
			y, oky := parseDecimal(ys)
			if !okx || !oky {
				return nil, fmt.Errorf("line %d: coordinates (%q, %q) of columns %s, %s are not numbers",
					lines[r], xs, ys, names[xi], names[yi])
			}
			p := orb.Point{x, y}
			ds.Features[r].Geometry = p
			pts = append(pts, p)
		}
		ds.SRS = opts.SRS
		if ds.SRS == 0 {
			ds.SRS = decideSRSRef(pts, hint)
		}
	}

	forced := map[string]schema.FieldType{}
	for n, t := range opts.Types {
		if !t.Valid() {
			return nil, fmt.Errorf("column %s: unknown type %q", n, t)
		}
		forced[strings.ToLower(n)] = t
	}
	type column struct {
		index  int
		field  Field
		forced bool
	}
	var cols []column
	for i, n := range names {
		if (i == xi || i == yi) && !opts.KeepCoordinateColumns {
			continue
		}
		c := column{index: i, field: Field{Name: n}}
		if t, ok := forced[strings.ToLower(n)]; ok {
			c.field.Type, c.forced = t, true
		} else {
			var ks kindSet
			for _, row := range rows {
				ks.add(csvKind(cell(row, i)))
			}
			c.field.Type = ks.fieldType()
		}
		cols = append(cols, c)
		ds.Fields = append(ds.Fields, c.field)
	}
	for r, row := range rows {
		props := make(map[string]any, len(cols))
		for _, c := range cols {
			s := cell(row, c.index)
			if s == "" {
				props[c.field.Name] = nil
				continue
			}
			var v any
			if c.forced {
				sf := schema.Field{Name: c.field.Name, Type: c.field.Type}
				if v, err = sf.Coerce(s); err != nil {
					return nil, fmt.Errorf("line %d: %w", lines[r], err)
				}
			} else if v = convertString(s, c.field.Type, true); v == nil {
				return nil, fmt.Errorf("line %d: column %s: %q is not a %s", lines[r], c.field.Name, s, c.field.Type)
			}
			props[c.field.Name] = v
		}
		ds.Features[r].Properties = props
	}
	return ds, nil
}

func decideSRSRef(pts []orb.Point, hint int) int {
	lonlat, l93 := len(pts) > 0, len(pts) > 0
	for _, p := range pts {
		lonlat = lonlat && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
		l93 = l93 && p[0] >= -400000 && p[0] <= 1300000 && p[1] >= 6000000 && p[1] <= 7200000
	}
	switch {
	case lonlat:
		return srs.WGS84
	case l93:
		return srs.Lambert93
	case hint == srs.Lambert93 || len(pts) == 0:
		return hint
	}
	return 0
}
