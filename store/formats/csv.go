package formats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

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
//
// ReadCSV reads r whole, then makes the two passes of OpenCSV over it: the
// same decoder, the same features.
func ReadCSV(r io.Reader, name string, opts CSVOptions) (*Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
	}
	src, err := openCSV(bytesOpener(data), name, opts)
	if err != nil {
		return nil, err
	}
	return src.ReadAll()
}

// validSeparator reports whether sep can separate the fields of a CSV file.
func validSeparator(sep rune) bool {
	return sep != '"' && sep != '\r' && sep != '\n' && sep != utf8.RuneError && utf8.ValidRune(sep)
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

// srsVote decides the EPSG code of a CSV file's points from their values,
// seen one at a time, then from the code the column names suggest: 4326
// when every point lies within longitude/latitude bounds, 2154 when every
// point lies within the Lambert-93 extent of metropolitan France.
type srsVote struct {
	points      int
	lonlat, l93 bool // every point so far
}

func (v *srsVote) add(p orb.Point) {
	if v.points == 0 {
		v.lonlat, v.l93 = true, true
	}
	v.points++
	v.lonlat = v.lonlat && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
	v.l93 = v.l93 && p[0] >= -400000 && p[0] <= 1300000 && p[1] >= 6000000 && p[1] <= 7200000
}

func (v *srsVote) decide(hint int) int {
	switch {
	case v.lonlat:
		return srs.WGS84
	case v.l93:
		return srs.Lambert93
	case hint == srs.Lambert93 || v.points == 0:
		return hint
	}
	return 0
}
