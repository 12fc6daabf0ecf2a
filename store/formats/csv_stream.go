package formats

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// OpenCSV opens the CSV file at path for an import without holding its
// rows (see Source), in two passes, deciding everything as ReadCSV
// decides it. The first pass reads the whole file, one row at a time: the
// encoding (without a byte order mark, an invalid UTF-8 sequence anywhere
// makes it Windows-1252, and the pass starts again), the separator from
// the first 50 lines, the coordinate columns from the header, the SRS from
// every point, each column's type from all its values; it counts the rows
// and checks every coordinate and every value, so that a bad row is
// refused, named by its line, before anything is written. The second pass,
// Source.Features, reads the file again and yields one feature per row,
// its values of their field's type: the features ReadCSV gives, in the
// same order. Memory is bounded by the longest row, not by the file: a row
// (or the first 50 lines, when the separator is detected from them) larger
// than 64 MiB is refused.
func OpenCSV(path string, opts CSVOptions) (*Source, error) {
	return openCSV(fileOpener(path), filepath.Base(path), opts)
}

// csvLayout is what the first pass over a CSV file decides and the second
// follows.
type csvLayout struct {
	enc    csvEncoding
	sep    rune
	header []string // the header row as read
	names  []string // the header's cells made field names
	xi, yi int      // the coordinate columns, -1 when none
	cols   []csvColumn
}

// csvColumn is a column of a CSV file kept as a field.
type csvColumn struct {
	index  int
	field  Field
	forced bool // its type is the one CSVOptions.Types says
}

// csvFirstPass is what the first pass learns from the rows. Its errors
// are the first of each kind, returned at the end of the pass in the order
// ReadCSV reports them, whatever their order in the file; and only once
// the whole file was read, so that a file found not to be UTF-8 at its end
// is read again as Windows-1252 from its start.
type csvFirstPass struct {
	count      int
	kinds      []kindSet // by column
	vote       srsVote
	geometries GeometryKinds

	rowErr     error // a row with more cells than the header
	columnsErr error // coordinate columns CSVOptions names not found
	coordErr   error // a coordinate that is not a number
	typesErr   error // an unknown type in CSVOptions.Types
	valueErr   error // a value its forced type refuses
}

// err returns the error of the first pass, the one ReadCSV would return.
func (p *csvFirstPass) err() error {
	for _, err := range []error{p.rowErr, p.columnsErr, p.coordErr, p.typesErr, p.valueErr} {
		if err != nil {
			return err
		}
	}
	return nil
}

func openCSV(open opener, name string, opts CSVOptions) (*Source, error) {
	src, err := learnCSV(open, name, opts, csvUTF8)
	if errors.Is(err, errNotUTF8) {
		src, err = learnCSV(open, name, opts, csvCP1252)
	}
	if err != nil {
		return nil, fmt.Errorf("formats: csv: %w", err)
	}
	return src, nil
}

// learnCSV makes the first pass over a CSV file, read as noBOM when it
// has no byte order mark.
func learnCSV(open opener, name string, opts CSVOptions, noBOM csvEncoding) (*Source, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	lay, rows, err := startCSV(rc, noBOM, opts.Separator)
	if err != nil {
		return nil, err
	}
	header, err := rows.read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: a header row is expected")
	}
	if err != nil {
		return nil, rowError(err, 0)
	}
	lay.header = slices.Clone(header)
	lay.names = uniqueNames(header)
	var pass csvFirstPass
	var hint int
	lay.xi, lay.yi, hint, pass.columnsErr = coordinateColumns(lay.names, opts)
	var forced map[string]schema.FieldType
	forced, pass.typesErr = forcedTypes(opts.Types)
	for i, n := range lay.names {
		if (i == lay.xi || i == lay.yi) && !opts.KeepCoordinateColumns {
			continue
		}
		c := csvColumn{index: i, field: Field{Name: n}}
		c.field.Type, c.forced = forced[strings.ToLower(n)]
		lay.cols = append(lay.cols, c)
	}
	pass.kinds = make([]kindSet, len(lay.names))
	ahead := readAhead(rows)
	defer ahead.stop()
	for {
		b, ok := ahead.next()
		if !ok {
			break
		}
		for i, line := range b.lines {
			pass.count++
			rec, err := lay.row(b.row(i), line)
			if err != nil && pass.rowErr == nil {
				pass.rowErr = &lineError{text: err.Error(), feature: &FeatureError{Number: pass.count, Line: line,
					Err: fmt.Errorf("%w: %d cells, %d columns", ErrTooManyCells, len(rec), len(lay.names))}}
			}
			if pass.rowErr == nil && pass.columnsErr == nil {
				pass.learn(lay, rec, line)
			}
		}
		if b.err != nil {
			return nil, rowError(b.err, pass.count+1)
		}
		ahead.reuse(b)
	}
	if err := pass.err(); err != nil {
		return nil, err
	}
	src := &Source{Name: LayerName(name), Count: pass.count, Geometries: pass.geometries}
	if lay.xi >= 0 {
		src.SRS = opts.SRS
		if src.SRS == 0 {
			src.SRS = pass.vote.decide(hint)
			src.SRSDeduced = src.SRS != 0
		}
	}
	for i := range lay.cols {
		c := &lay.cols[i]
		if !c.forced {
			c.field.Type = pass.kinds[c.index].fieldType()
		}
		src.Fields = append(src.Fields, c.field)
	}
	count := pass.count
	src.open = func() (FeatureReader, io.Closer, error) {
		rc, err := open()
		if err != nil {
			return nil, nil, fmt.Errorf("formats: csv: %w", err)
		}
		r, err := lay.features(rc, count)
		if err != nil {
			rc.Close()
			return nil, nil, fmt.Errorf("formats: csv: %w", err)
		}
		return r, rc, nil
	}
	return src, nil
}

// startCSV starts the first pass over a CSV file read from rc, read as
// noBOM when it has no byte order mark: it decides the encoding and the
// separator (sep, else that of a "sep=" line, else the one the first 50
// lines suggest) and returns the rows that follow the "sep=" line.
func startCSV(rc io.Reader, noBOM csvEncoding, sep rune) (*csvLayout, *csvRows, error) {
	text, enc, err := openCSVText(rc, noBOM)
	if err != nil {
		return nil, nil, err
	}
	tb := bufio.NewReaderSize(text, 64<<10)
	lineSep, err := readSepLine(tb)
	if err != nil {
		return nil, nil, err
	}
	lay := &csvLayout{enc: enc, sep: sep}
	if lay.sep == 0 {
		lay.sep = lineSep
	}
	var input io.Reader = tb
	if lay.sep == 0 {
		sample, end, err := readSample(tb, maxFeatureBytes)
		if err != nil {
			return nil, nil, err
		}
		lay.sep = detectSeparator(string(sample[:end]))
		input = io.MultiReader(bytes.NewReader(sample), tb)
	}
	if !validSeparator(lay.sep) {
		err := fmt.Errorf("%q cannot be a separator", lay.sep)
		if enc == csvUTF8 { // the rest may show that the file is not UTF-8
			if _, rerr := io.Copy(io.Discard, input); rerr != nil {
				return nil, nil, rerr
			}
		}
		return nil, nil, err
	}
	return lay, newCSVRows(input, lay.sep, maxFeatureBytes), nil
}

// learn adds a row to what the first pass knows: its point, the kinds of
// its values, the first value a forced type refuses.
func (p *csvFirstPass) learn(lay *csvLayout, rec []string, line int) {
	if lay.xi >= 0 && p.coordErr == nil {
		g, err := lay.point(rec, line)
		if err != nil {
			p.coordErr = &lineError{text: err.Error(), feature: &FeatureError{Number: p.count, Line: line, Err: fmt.Errorf("%w: %w", ErrBadGeometry, err)}}
		} else if pt, ok := g.(orb.Point); ok {
			p.vote.add(pt)
			p.geometries.Add(pt)
		}
	}
	for _, c := range lay.cols {
		s := cell(rec, c.index)
		if !c.forced {
			// A column with a text is text whatever else it holds
			// (fieldType): its other cells need no classifying.
			if k := &p.kinds[c.index]; !k.has(kindText) {
				k.add(csvKind(s))
			}
		} else if s != "" && p.valueErr == nil {
			if _, err := c.value(s); err != nil {
				p.valueErr = fmt.Errorf("line %d: %w", line, err)
			}
		}
	}
}

// forcedTypes returns CSVOptions.Types by lower-case column name.
func forcedTypes(types map[string]schema.FieldType) (map[string]schema.FieldType, error) {
	forced := map[string]schema.FieldType{}
	for n, t := range types {
		if !t.Valid() {
			return nil, fmt.Errorf("column %s: unknown type %q", n, t)
		}
		forced[strings.ToLower(n)] = t
	}
	return forced, nil
}

// readSepLine reads an Excel "sep=;" first line, when the text starts
// with one, and returns the separator it gives (0 when it gives none).
func readSepLine(tb *bufio.Reader) (rune, error) {
	head, err := tb.Peek(4)
	if err != nil && err != io.EOF {
		return 0, err
	}
	if len(head) < 4 || !strings.EqualFold(string(head), "sep=") {
		return 0, nil
	}
	tb.Discard(4)
	sep, _, err := tb.ReadRune()
	if err == io.EOF || sep == '\n' {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	onlyCR := sep == '\r' // the line's trailing carriage returns do not count
	for {
		chunk, err := tb.ReadSlice('\n')
		rest := bytes.TrimSuffix(chunk, []byte("\n"))
		onlyCR = onlyCR && len(bytes.Trim(rest, "\r")) == 0
		if err == nil || err == io.EOF {
			break
		}
		if err != bufio.ErrBufferFull {
			return 0, err
		}
	}
	if onlyCR {
		return 0, nil
	}
	return sep, nil
}

// sampleLines is how many lines detectSeparator looks at.
const sampleLines = 50

// readSample reads the first sampleLines lines of the text, and returns
// them (newlines included) and the length of the sample detectSeparator
// reads: up to the last line's newline excluded. It refuses lines longer
// than max bytes in all.
func readSample(tb *bufio.Reader, max int) ([]byte, int, error) {
	var sample []byte
	for lines := 0; lines < sampleLines; {
		chunk, err := tb.ReadSlice('\n')
		sample = append(sample, chunk...)
		if len(sample) > max {
			return nil, 0, fmt.Errorf("the first %d lines are larger than %d MiB: the separator cannot be detected from them", sampleLines, max>>20)
		}
		switch err {
		case nil:
			lines++
		case bufio.ErrBufferFull:
		case io.EOF:
			return sample, len(sample), nil
		default:
			return nil, 0, err
		}
	}
	return sample, len(sample) - 1, nil
}

// row checks the cells of a record against the header (cells beyond it
// must be blank, and are dropped) and trims them.
func (l *csvLayout) row(rec []string, line int) ([]string, error) {
	if len(rec) > len(l.names) {
		for _, extra := range rec[len(l.names):] {
			if strings.TrimSpace(extra) != "" {
				return rec, fmt.Errorf("line %d: %d fields, but the header has %d", line, len(rec), len(l.names))
			}
		}
		rec = rec[:len(l.names)]
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec, nil
}

// cell returns the cell i of a row; "" beyond its end.
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// point returns the point of a row: nil when both its coordinate cells
// are empty.
func (l *csvLayout) point(rec []string, line int) (orb.Geometry, error) {
	xs, ys := cell(rec, l.xi), cell(rec, l.yi)
	if xs == "" && ys == "" {
		return nil, nil
	}
	x, okx := parseDecimal(xs)
	y, oky := parseDecimal(ys)
	if !okx || !oky {
		return nil, fmt.Errorf("line %d: coordinates (%q, %q) of columns %s, %s are not numbers",
			line, xs, ys, l.names[l.xi], l.names[l.yi])
	}
	return orb.Point{x, y}, nil
}

// value converts a non-empty cell of the column to its field's type.
func (c csvColumn) value(s string) (any, error) {
	if c.forced {
		return schema.Field{Name: c.field.Name, Type: c.field.Type}.Coerce(s)
	}
	if v := convertString(s, c.field.Type, true); v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("column %s: %q is not a %s", c.field.Name, s, c.field.Type)
}

// feature decodes a row.
func (l *csvLayout) feature(rec []string, line int) (Feature, error) {
	var f Feature
	var err error
	if l.xi >= 0 {
		if f.Geometry, err = l.point(rec, line); err != nil {
			return Feature{}, err
		}
	}
	f.Properties = make(map[string]any, len(l.cols))
	for _, c := range l.cols {
		s := cell(rec, c.index)
		if s == "" {
			f.Properties[c.field.Name] = nil
			continue
		}
		v, err := c.value(s)
		if err != nil {
			return Feature{}, fmt.Errorf("line %d: %w", line, err)
		}
		f.Properties[c.field.Name] = v
	}
	return f, nil
}

// features starts the second pass over the file read from rc, which the
// first found to hold count rows.
func (l *csvLayout) features(rc io.Reader, count int) (*csvFeatures, error) {
	text, enc, err := openCSVText(rc, l.enc)
	if err != nil {
		return nil, err
	}
	tb := bufio.NewReaderSize(text, 64<<10)
	if _, err := readSepLine(tb); err != nil {
		return nil, secondPassError(err, 0)
	}
	rows := newCSVRows(tb, l.sep, maxFeatureBytes)
	header, err := rows.read()
	if err != nil && err != io.EOF {
		return nil, secondPassError(err, 0)
	}
	if enc != l.enc || !slices.Equal(header, l.header) {
		return nil, fmt.Errorf("%w: its header is not the one read before", ErrFileChanged)
	}
	return &csvFeatures{lay: l, rows: rows, count: count}, nil
}

// csvFeatures is the second pass over a CSV file.
type csvFeatures struct {
	lay      *csvLayout
	rows     *csvRows
	count, n int
}

func (r *csvFeatures) Next() (Feature, error) {
	rec, err := r.rows.read()
	if err == io.EOF {
		if r.n != r.count {
			return Feature{}, fmt.Errorf("formats: csv: %w: %d rows, %d before", ErrFileChanged, r.n, r.count)
		}
		return Feature{}, io.EOF
	}
	if err != nil {
		return Feature{}, fmt.Errorf("formats: csv: %w", secondPassError(err, r.n+1))
	}
	r.n++
	line, _ := r.rows.cr.FieldPos(0)
	rec, err = r.lay.row(rec, line)
	var f Feature
	if err == nil {
		f, err = r.lay.feature(rec, line)
	}
	if err != nil {
		return Feature{}, fmt.Errorf("formats: csv: %w: %w", ErrFileChanged, err)
	}
	return f, nil
}

// secondPassError words an error of the second pass's csvRows about row
// n (0: the header row).
func secondPassError(err error, n int) error {
	if errors.Is(err, errNotUTF8) {
		return fmt.Errorf("%w: it is not UTF-8 any more", ErrFileChanged)
	}
	return rowError(err, n)
}

// csvRows reads the records of a CSV text, refusing one larger than a
// bound before it is read whole.
type csvRows struct {
	cr    *csv.Reader
	bound *rowBound
}

func newCSVRows(r io.Reader, sep rune, max int) *csvRows {
	b := &rowBound{r: r, max: int64(max)}
	cr := csv.NewReader(bufio.NewReaderSize(b, 64<<10))
	cr.Comma = sep
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvRows{cr: cr, bound: b}
}

// read returns the next record; its slice is reused by the next read.
func (r *csvRows) read() ([]string, error) {
	r.bound.start = r.cr.InputOffset()
	return r.cr.Read()
}

// rowBound fails a read once the record being read has taken more than
// max bytes (give or take a buffer).
type rowBound struct {
	r           io.Reader
	read, start int64
	max         int64
}

func (b *rowBound) Read(p []byte) (int, error) {
	if b.read-b.start > b.max {
		return 0, &tooLargeError{int(b.max)}
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// lineError is the error of a CSV row, worded as the whole-file reading
// words it («line 4: …»), which unwraps to the row's *FeatureError for the
// callers that name the feature at fault.
type lineError struct {
	text    string
	feature *FeatureError
}

func (e *lineError) Error() string { return e.text }

func (e *lineError) Unwrap() error { return e.feature }

// rowError words an error of csvRows about row n (0: the header row).
func rowError(err error, n int) error {
	var large *tooLargeError
	switch {
	case !errors.As(err, &large):
		return err
	case n == 0:
		return fmt.Errorf("the header row: %w", err)
	}
	return &FeatureError{Number: n, Err: err}
}
