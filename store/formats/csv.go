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

// CSVOptions tunes ReadCSV. The zero value detects everything.
type CSVOptions struct {
	// Separator is the field separator; 0 detects it among ',', ';' and tab.
	Separator rune
	// XColumn and YColumn name the columns holding the longitude (or
	// easting) and the latitude (or northing), matched ignoring case. Empty,
	// they are detected from the header.
	XColumn, YColumn string
	// SRS is the EPSG code of the coordinates; 0 decides it from the column
	// names and the values (see ReadCSV).
	SRS int
	// KeepCoordinateColumns keeps the coordinate columns as fields too; by
	// default they only make the geometry.
	KeepCoordinateColumns bool
	// Types forces the type of the named columns (matched ignoring case)
	// instead of inferring it; every value must then fit.
	Types map[string]schema.FieldType
}

// coordinatePairs lists the column names recognised as coordinates, by
// priority, with the EPSG code they suggest. Names are compared after
// removing accents, case and every character other than letters and digits.
func coordinatePairs() []struct {
	x, y []string
	srs  int
} {
	return []struct {
		x, y []string
		srs  int
	}{
		{
			[]string{"lon", "lng", "long", "longitude", "lonwgs84", "longwgs84", "longitudewgs84", "wgs84lon", "xwgs84"},
			[]string{"lat", "latitude", "latwgs84", "latitudewgs84", "wgs84lat", "ywgs84"},
			srs.WGS84,
		},
		{
			[]string{"xl93", "xlambert93", "xlamb93", "l93x", "lambert93x", "xrgf93", "coordxl93", "xcoordl93", "x93", "xlambert"},
			[]string{"yl93", "ylambert93", "ylamb93", "l93y", "lambert93y", "yrgf93", "coordyl93", "ycoordl93", "y93", "ylambert"},
			srs.Lambert93,
		},
		{
			[]string{"x", "coordx", "xcoord", "coordonneex", "easting"},
			[]string{"y", "coordy", "ycoord", "coordonneey", "northing"},
			0,
		},
	}
}

// ReadCSV reads a delimited text file with a header row. The separator
// (',', ';' or tab) is detected unless opts says it; an Excel "sep=;" first
// line is honoured. The text may be UTF-8 (with or without BOM), UTF-16 with
// BOM, or else is read as Windows-1252 (Latin-1).
//
// Point geometries come from a longitude/latitude column pair (lon, lng,
// longitude / lat, latitude…), a Lambert-93 pair (x_l93 / y_l93…) or a plain
// x/y pair (x, y, easting / northing…), or from the columns opts names. A row
// with both cells empty has no geometry; a cell that is not a number (a
// decimal comma is accepted) is an error. The SRS is opts.SRS, else 4326
// when every point lies within longitude/latitude bounds, 2154 when every
// point lies within the Lambert-93 extent of metropolitan France, else 2154
// for Lambert-93 names and 0 (unknown) otherwise. Without coordinate columns
// features have no geometry.
//
// Column types are inferred from all the values: integer, real (decimal
// point or comma), boolean (true/false, vrai/faux, oui/non), date
// (2024-05-31 or 31/05/2024), datetime, else text; integers written with a
// leading zero ("01200") stay text. Empty cells are nil.
func ReadCSV(r io.Reader, name string, opts CSVOptions) (*Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
	}
	ds, err := decodeCSV(data, opts)
	if err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
	}
	ds.Name = LayerName(name)
	return ds, nil
}

// csvText returns the content of a CSV file as UTF-8.
func csvText(data []byte) (string, error) {
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

func decodeCSV(data []byte, opts CSVOptions) (*Dataset, error) {
	text, err := csvText(data)
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
			ds.SRS = decideSRS(pts, hint)
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

// detectSeparator picks among ',', ';' and tab the separator that splits the
// first lines into the most columns, the same number on every line.
func detectSeparator(text string) rune {
	sample := text
	if i := nthIndex(text, '\n', 50); i >= 0 {
		sample = text[:i]
	}
	best, bestScore := ',', -1.0
	for _, sep := range []rune{';', ',', '\t'} {
		cr := csv.NewReader(strings.NewReader(sample))
		cr.Comma = sep
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil || len(header) < 2 {
			continue
		}
		rows, same := 0, 0
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			rows++
			if len(rec) == len(header) {
				same++
			}
		}
		score := float64(len(header))
		if rows > 0 {
			score = float64(same)/float64(rows)*1000 + float64(len(header))
		}
		if score > bestScore {
			best, bestScore = sep, score
		}
	}
	return best
}

func nthIndex(s string, c byte, n int) int {
	pos := 0
	for range n {
		i := strings.IndexByte(s[pos:], c)
		if i < 0 {
			return -1
		}
		pos += i + 1
	}
	return pos - 1
}

// coordinateColumns returns the indexes of the x and y columns (-1 when
// there are none) and the EPSG code their names suggest (0 when they do not).
func coordinateColumns(names []string, opts CSVOptions) (int, int, int, error) {
	find := func(want string) int {
		for i, n := range names {
			if strings.EqualFold(n, want) {
				return i
			}
		}
		return -1
	}
	if opts.XColumn != "" || opts.YColumn != "" {
		xi, yi := find(opts.XColumn), find(opts.YColumn)
		if xi < 0 || yi < 0 || xi == yi {
			return -1, -1, 0, fmt.Errorf("coordinate columns %q and %q not found in the header (%s)",
				opts.XColumn, opts.YColumn, strings.Join(names, ", "))
		}
		return xi, yi, 0, nil
	}
	norm := make([]string, len(names))
	for i, n := range names {
		norm[i] = strings.ReplaceAll(identifier(n), "_", "")
	}
	findAny := func(set []string) int {
		for _, s := range set {
			for i, n := range norm {
				if n == s {
					return i
				}
			}
		}
		return -1
	}
	for _, pair := range coordinatePairs() {
		if xi, yi := findAny(pair.x), findAny(pair.y); xi >= 0 && yi >= 0 && xi != yi {
			return xi, yi, pair.srs, nil
		}
	}
	return -1, -1, 0, nil
}

// decideSRS chooses the EPSG code of CSV points from their values, then the
// code the column names suggest.
func decideSRS(pts []orb.Point, hint int) int {
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
