package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"terrimap/store/schema"
)

// dbfTable is the content of a dBase (.dbf) file.
type dbfTable struct {
	fields  []Field
	records []map[string]any // one per record, deleted ones included
	deleted []bool           // records flagged '*'
}

// dbfColumn is a field descriptor of a .dbf header.
type dbfColumn struct {
	name     string
	typ      byte // C N F L D I O …
	offset   int  // in the record, after the deletion flag
	length   int
	decimals int
}

const (
	dbfHeaderLen     = 32
	dbfDescriptorLen = 32
)

// decodeDBF reads a dBase III/IV table (as written by shapefile tools). The
// text encoding is the one the .cpg content names; else the one the
// header's language driver ID names; else UTF-8 when every text value is
// valid UTF-8 (no LDID means UTF-8, but GDAL writes 0 there); else
// Windows-1252 (Latin-1).
//
// Types: C → text; N → integer without decimals (real beyond 18 digits, or
// when a value has a fraction), real with; F → real; L → boolean; D → date;
// I (binary int32) → integer; O (binary double) → real; others → text. Blank
// values, "*" overflow markers and "?" logicals are nil. Field names are made
// unique (see uniqueNames).
func decodeDBF(data []byte, cpg string) (*dbfTable, error) {
	if len(data) < dbfHeaderLen {
		return nil, fmt.Errorf("dbf: %d bytes, too short for a header", len(data))
	}
	nrec := int64(binary.LittleEndian.Uint32(data[4:8]))
	hdrLen := int(binary.LittleEndian.Uint16(data[8:10]))
	recLen := int(binary.LittleEndian.Uint16(data[10:12]))
	ldid := data[29]
	if hdrLen < dbfHeaderLen+1 || hdrLen > len(data) {
		return nil, fmt.Errorf("dbf: header length %d does not fit a file of %d bytes", hdrLen, len(data))
	}

	var cols []dbfColumn
	offset := 1
	for pos := dbfHeaderLen; pos+dbfDescriptorLen <= hdrLen && data[pos] != 0x0D; pos += dbfDescriptorLen {
		d := data[pos : pos+dbfDescriptorLen]
		name := d[:11]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		c := dbfColumn{name: string(name), typ: d[11], offset: offset, length: int(d[16]), decimals: int(d[17])}
		if c.typ == 'C' && c.decimals > 0 { // Clipper/FoxPro long text fields
			c.length += c.decimals * 256
			c.decimals = 0
		}
		offset += c.length
		cols = append(cols, c)
	}
	if offset > recLen && nrec > 0 {
		return nil, fmt.Errorf("dbf: fields take %d bytes but records are %d bytes long", offset, recLen)
	}
	if nrec > 0 {
		if recLen == 0 {
			return nil, fmt.Errorf("dbf: %d records of length 0", nrec)
		}
		if avail := int64(len(data)-hdrLen) / int64(recLen); nrec > avail {
			return nil, fmt.Errorf("dbf: the header announces %d records but the file holds %d", nrec, avail)
		}
	}
	n := int(nrec)
	record := func(i int) []byte {
		start := hdrLen + i*recLen
		return data[start : start+recLen]
	}

	decode := codePageByName(cpg)
	if decode == nil {
		decode = codePageByLDID(ldid)
	}
	if decode == nil {
		decode = decodeUTF8
		for _, c := range cols {
			if !utf8.ValidString(c.name) {
				decode = nil
			}
		}
		for i := 0; i < n && decode != nil; i++ {
			rec := record(i)
			for _, c := range cols {
				if c.typ == 'C' && !utf8.Valid(rec[c.offset:c.offset+c.length]) {
					decode = nil
					break
				}
			}
		}
		if decode == nil {
			decode = cp1252
		}
	}

	raw := make([]string, len(cols))
	for i, c := range cols {
		raw[i] = strings.TrimSpace(decode([]byte(c.name)))
	}
	names := uniqueNames(raw)
	t := &dbfTable{
		fields:  make([]Field, len(cols)),
		records: make([]map[string]any, n),
		deleted: make([]bool, n),
	}
	for i, c := range cols {
		t.fields[i] = Field{Name: names[i], Type: c.fieldType()}
	}
	fractional := make([]bool, len(cols))
	for i := range n {
		rec := record(i)
		t.deleted[i] = rec[0] == '*'
		props := make(map[string]any, len(cols))
		for j, c := range cols {
			v := c.value(rec[c.offset:c.offset+c.length], decode, t.fields[j].Type)
			if _, ok := v.(float64); ok && t.fields[j].Type == schema.Integer {
				fractional[j] = true
			}
			props[names[j]] = v
		}
		t.records[i] = props
	}
	// An N field without decimals that holds a fraction anyway becomes real.
	for j, frac := range fractional {
		if !frac {
			continue
		}
		t.fields[j].Type = schema.Real
		for _, props := range t.records {
			if v, ok := props[names[j]].(int64); ok {
				props[names[j]] = float64(v)
			}
		}
	}
	return t, nil
}

func (c dbfColumn) fieldType() schema.FieldType {
	switch c.typ {
	case 'N':
		if c.decimals > 0 || c.length > 18 {
			return schema.Real
		}
		return schema.Integer
	case 'F':
		return schema.Real
	case 'L':
		return schema.Boolean
	case 'D':
		return schema.Date
	case 'I':
		if c.length == 4 {
			return schema.Integer
		}
	case 'O':
		if c.length == 8 {
			return schema.Real
		}
	}
	return schema.Text
}

// value decodes one field of a record. For an integer N field holding a
// fraction it returns a float64, which decodeDBF takes as a sign to make the
// field real.
func (c dbfColumn) value(b []byte, decode textDecoder, t schema.FieldType) any {
	switch {
	case c.typ == 'I' && t == schema.Integer:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	case c.typ == 'O' && t == schema.Real:
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	}
	s := string(bytes.TrimRight(b, " \x00"))
	switch t {
	case schema.Text:
		if s == "" {
			return nil
		}
		return decode([]byte(s))
	case schema.Integer, schema.Real:
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "*") {
			return nil
		}
		if t == schema.Integer {
			if i, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
				return i
			}
		}
		if f, ok := parseDecimal(s); ok {
			return f
		}
		return nil
	case schema.Boolean:
		switch strings.TrimSpace(s) {
		case "T", "t", "Y", "y":
			return true
		case "F", "f", "N", "n":
			return false
		}
		return nil
	case schema.Date:
		s = strings.TrimSpace(s)
		if d, err := time.Parse("20060102", s); err == nil {
			return d.Format(schema.DateLayout)
		}
		return nil
	}
	return nil
}
