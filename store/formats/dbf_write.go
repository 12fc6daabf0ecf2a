package formats

import (
	"encoding/binary"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"terrimap/store/schema"
)

// dBase limits.
const (
	dbfMaxName   = 10  // bytes of a field name
	dbfMaxText   = 254 // bytes of a text value
	dbfNumWidth  = 20  // widest number field written
	dbfRealWidth = 24  // width of real fields, as GDAL writes them
	dbfRealDecim = 15  // their decimals
)

// dbfField is a column of a dBase table being written.
type dbfField struct {
	src      Field // the field of the dataset
	name     string
	typ      byte // C N L D
	width    int
	decimals int
}

// dbfPlan lays out the columns of a dBase table being written: names
// made dBase names, types, and widths from a first pass over the values
// (add), with what the table cannot hold as it is counted.
type dbfPlan struct {
	cols      []dbfField
	cut, wide []int // per column: texts cut, numbers too wide
	records   int
}

// newDBFPlan starts the layout of the columns of fields, each as narrow
// as its type allows.
func newDBFPlan(fields []Field) *dbfPlan {
	names := dbfNames(fields)
	p := &dbfPlan{cols: make([]dbfField, len(fields)), cut: make([]int, len(fields)), wide: make([]int, len(fields))}
	for i, f := range fields {
		c := dbfField{src: f, name: names[i]}
		switch f.Type {
		case schema.Integer:
			c.typ, c.width = 'N', 1
		case schema.Real:
			c.typ, c.width, c.decimals = 'N', dbfRealWidth, dbfRealDecim
		case schema.Boolean:
			c.typ, c.width = 'L', 1
		case schema.Date:
			c.typ, c.width = 'D', 8
		default: // text, and datetimes as text
			c.typ, c.width = 'C', 1
		}
		p.cols[i] = c
	}
	return p
}

// add widens the columns to one record's values, in the order of the
// fields.
func (p *dbfPlan) add(values []any) {
	p.records++
	for i := range p.cols {
		c := &p.cols[i]
		v := values[i]
		if v == nil || c.typ == 'L' || c.typ == 'D' || c.src.Type == schema.Real {
			if c.src.Type == schema.Real && v != nil && len(dbfNumber(v)) > c.width {
				p.wide[i]++
			}
			continue
		}
		n := len(dbfValueText(v))
		if c.typ == 'N' && n > dbfNumWidth {
			p.wide[i]++
			continue
		}
		if c.typ == 'C' && n > dbfMaxText {
			p.cut[i]++
			n = dbfMaxText
		}
		c.width = max(c.width, n)
	}
}

// warnings says, field by field, what the table does not hold as it was:
// names renamed, date-times as text, texts cut, numbers too wide.
func (p *dbfPlan) warnings(warn func(Warning)) {
	for i, c := range p.cols {
		if c.name != c.src.Name {
			warn(Warning{Kind: WarnFieldRenamed, Field: c.src.Name, Name: c.name})
		}
		if c.src.Type == schema.DateTime {
			warn(Warning{Kind: WarnDateTimeAsText, Field: c.src.Name})
		}
		if p.cut[i] > 0 {
			warn(Warning{Kind: WarnTextCut, Field: c.src.Name, Count: p.cut[i]})
		}
		if p.wide[i] > 0 {
			warn(Warning{Kind: WarnNumberTooWide, Field: c.src.Name, Count: p.wide[i]})
		}
	}
}

// dbfNames makes field names dBase names: ASCII letters, digits and '_'
// (accents dropped), 10 bytes at most, unique ignoring case; a name cut
// onto another's takes a number, as GDAL numbers them (nom_commun,
// nom_comm_1…).
func dbfNames(fields []Field) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return asciiNames(names, dbfMaxName)
}

// asciiNames makes names plain ASCII names (asciiName) of at most maxLen
// bytes, unique ignoring case: a name cut onto another's takes a number.
func asciiNames(names []string, maxLen int) []string {
	taken := map[string]bool{}
	out := make([]string, len(names))
	for i, n := range names {
		base := asciiName(n)
		name := base
		if len(name) > maxLen {
			name = name[:maxLen]
		}
		for n := 1; taken[strings.ToLower(name)]; n++ {
			suffix := "_" + strconv.Itoa(n)
			name = base[:min(len(base), maxLen-len(suffix))] + suffix
		}
		taken[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// asciiName is name with accents dropped and every character other than
// an ASCII letter, digit or '_' made '_'; never empty.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r >= 0x300 && r <= 0x36f: // a combining accent
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "field"
	}
	return b.String()
}

// dbfValueText is a value as the table holds it as text.
func dbfValueText(v any) string {
	if f, ok := v.(float64); ok {
		return dbfNumber(f)
	}
	return schema.CodeString(v)
}

// dbfNumber writes a real in its shortest exact form, in exponent form only
// when that is what fits.
func dbfNumber(v any) string {
	f, ok := v.(float64)
	if !ok {
		return dbfValueText(v)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if len(s) > dbfRealWidth {
		s = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return s
}

// dbfHeader is the header of a dBase III table of records records in
// columns cols, dated now.
func dbfHeader(cols []dbfField, records int, now time.Time) []byte {
	recLen := 1
	for _, c := range cols {
		recLen += c.width
	}
	hdrLen := 32 + 32*len(cols) + 1
	out := make([]byte, hdrLen)
	out[0] = 0x03
	out[1], out[2], out[3] = byte(now.Year()-1900), byte(now.Month()), byte(now.Day())
	binary.LittleEndian.PutUint32(out[4:], uint32(records))
	binary.LittleEndian.PutUint16(out[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(out[10:], uint16(recLen))
	for i, c := range cols {
		d := out[32+32*i:]
		copy(d[:dbfMaxName], c.name)
		d[11] = c.typ
		d[16], d[17] = byte(c.width), byte(c.decimals)
	}
	out[hdrLen-1] = 0x0D
	return out
}

// appendDBFRecord appends one record of values, in the order of cols.
func appendDBFRecord(out []byte, cols []dbfField, values []any) []byte {
	out = append(out, ' ')
	for i, c := range cols {
		out = appendDBFValue(out, c, values[i])
	}
	return out
}

// appendDBFValue appends one value, padded to the column's width: text
// left-aligned (cut at a character boundary), numbers right-aligned,
// nulls blank.
func appendDBFValue(out []byte, c dbfField, v any) []byte {
	var s string
	switch {
	case c.typ == 'L':
		s = " "
		if b, ok := v.(bool); ok {
			s = "F"
			if b {
				s = "T"
			}
		}
	case v == nil:
	case c.typ == 'D':
		if d, ok := v.(string); ok && len(d) == 10 {
			s = d[0:4] + d[5:7] + d[8:10]
		}
	case c.typ == 'N' && c.decimals > 0:
		s = dbfNumber(v)
	default:
		s = dbfValueText(v)
	}
	if len(s) > c.width {
		if c.typ != 'C' {
			s = "" // reported by dbfFields
		} else {
			s = cutUTF8(s, c.width)
		}
	}
	pad := c.width - len(s)
	if c.typ == 'N' {
		out = appendSpaces(out, pad)
		return append(out, s...)
	}
	out = append(out, s...)
	return appendSpaces(out, pad)
}

// appendSpaces appends n spaces.
func appendSpaces(out []byte, n int) []byte {
	for ; n > 0; n-- {
		out = append(out, ' ')
	}
	return out
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
