package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

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
	first, err := newDBFReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	if err := first.learn(cpg); err != nil {
		return nil, err
	}
	d, err := newDBFReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	d.withSchema(first)
	t := &dbfTable{fields: d.fields, records: make([]map[string]any, 0, d.nrec), deleted: make([]bool, 0, d.nrec)}
	for {
		props, deleted, more, err := d.values()
		if err != nil {
			return nil, err
		}
		if !more {
			return t, nil
		}
		t.records = append(t.records, props)
		t.deleted = append(t.deleted, deleted)
	}
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
	b = bytes.TrimRight(b, " \x00")
	switch t {
	case schema.Text:
		if len(b) == 0 {
			return nil
		}
		return decode(b) // a copy: the record's buffer is read into again
	case schema.Integer, schema.Real:
		b = bytes.TrimSpace(b)
		if len(b) == 0 || b[0] == '*' {
			return nil
		}
		if t == schema.Integer && digitsAnd(string(b), integerSigns) {
			if i, err := strconv.ParseInt(strings.TrimPrefix(string(b), "+"), 10, 64); err == nil {
				return i
			}
		}
		if f, ok := parseDecimal(string(b)); ok {
			return f
		}
		return nil
	case schema.Boolean:
		switch string(bytes.TrimSpace(b)) {
		case "T", "t", "Y", "y":
			return true
		case "F", "f", "N", "n":
			return false
		}
		return nil
	case schema.Date:
		if d, ok := dbfDate(bytes.TrimSpace(b)); ok {
			return d
		}
		return nil
	}
	return nil
}

// dbfDate reads a dBASE date (YYYYMMDD) as schema.DateLayout's text, as
// time.Parse("20060102") then Format would, without either: eight digits
// naming a day that exists.
func dbfDate(b []byte) (string, bool) {
	if len(b) != 8 || !digitsAnd(string(b), "") {
		return "", false
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range b[from:to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(0, 4), num(4, 6), num(6, 8)
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return "", false // 31 April, 29 February of a common year
	}
	out := [10]byte{b[0], b[1], b[2], b[3], '-', b[4], b[5], '-', b[6], b[7]}
	return string(out[:]), true
}
