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

// dbfFields lays out the columns of ds: names made dBase names (renamed
// ones reported), widths from the values.
func dbfFields(ds *Dataset, warn func(Warning)) []dbfField {
	names := dbfNames(ds.Fields)
	out := make([]dbfField, len(ds.Fields))
	for i, f := range ds.Fields {
		c := dbfField{src: f, name: names[i]}
		if c.name != f.Name {
			warn(Warning{Kind: WarnFieldRenamed, Field: f.Name, Name: c.name})
		}
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
		if f.Type == schema.DateTime {
			warn(Warning{Kind: WarnDateTimeAsText, Field: f.Name})
		}
		cut, wide := 0, 0
		for _, ft := range ds.Features {
			v := ft.Properties[f.Name]
			if v == nil || c.typ == 'L' || c.typ == 'D' || f.Type == schema.Real {
				if f.Type == schema.Real && v != nil && len(dbfNumber(v)) > c.width {
					wide++
				}
				continue
			}
			n := len(dbfValueText(v))
			if c.typ == 'N' && n > dbfNumWidth {
				wide++
				continue
			}
			if c.typ == 'C' && n > dbfMaxText {
				cut++
				n = dbfMaxText
			}
			c.width = max(c.width, n)
		}
		if cut > 0 {
			warn(Warning{Kind: WarnTextCut, Field: f.Name, Count: cut})
		}
		if wide > 0 {
			warn(Warning{Kind: WarnNumberTooWide, Field: f.Name, Count: wide})
		}
		out[i] = c
	}
	return out
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

// encodeDBF writes the dBase III table of the features' properties.
func encodeDBF(ds *Dataset, cols []dbfField, now time.Time) []byte {
	recLen := 1
	for _, c := range cols {
		recLen += c.width
	}
	hdrLen := 32 + 32*len(cols) + 1
	out := make([]byte, hdrLen, hdrLen+recLen*len(ds.Features)+1)
	out[0] = 0x03
	out[1], out[2], out[3] = byte(now.Year()-1900), byte(now.Month()), byte(now.Day())
	binary.LittleEndian.PutUint32(out[4:], uint32(len(ds.Features)))
	binary.LittleEndian.PutUint16(out[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(out[10:], uint16(recLen))
	for i, c := range cols {
		d := out[32+32*i:]
		copy(d[:dbfMaxName], c.name)
		d[11] = c.typ
		d[16], d[17] = byte(c.width), byte(c.decimals)
	}
	out[hdrLen-1] = 0x0D
	for _, f := range ds.Features {
		out = append(out, ' ')
		for _, c := range cols {
			out = appendDBFValue(out, c, f.Properties[c.src.Name])
		}
	}
	return append(out, 0x1A)
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
			s = map[bool]string{true: "T", false: "F"}[b]
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
		out = append(out, strings.Repeat(" ", pad)...)
		return append(out, s...)
	}
	out = append(out, s...)
	return append(out, strings.Repeat(" ", pad)...)
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
