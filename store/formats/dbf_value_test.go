package formats

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"terrimap/store/schema"
)

// dbfValueReference is dbfColumn.value as first written, for the textual
// dBASE types, every cell through a string, strconv and time.Parse: the
// byte-wise value must agree with it.
func dbfValueReference(b []byte, decode textDecoder, t schema.FieldType) any {
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
		if f, ok := parseDecimalReference(s); ok {
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

var dbfCells = []string{
	"", "   ", "\x00\x00", "12", "  -42 ", "+7", "12.50", "1,5", "3.4e5", "*****", "9223372036854775808", "0x10",
	"T", " f", "Y ", "?", "oui", "20240229", "20230229", "20240431", "19000101", "00000101", "2024 0101",
	"2024-01-01", "-1230102", "+2024010", "202401011", "Mâcon", "caf\xe9", "Poteau incendie n°1 ",
}

// value reads every cell as the string-wise reading did.
func TestDBFValueAsReference(t *testing.T) {
	for _, s := range dbfCells {
		checkDBFValue(t, s)
	}
}

func FuzzDBFValueAsReference(f *testing.F) {
	for _, s := range dbfCells {
		f.Add(s)
	}
	f.Fuzz(checkDBFValue)
}

func checkDBFValue(t *testing.T, s string) {
	c := dbfColumn{typ: 'C'}
	for _, ft := range []schema.FieldType{schema.Text, schema.Integer, schema.Real, schema.Boolean, schema.Date} {
		for _, decode := range []textDecoder{decodeUTF8, cp1252} {
			got := c.value([]byte(s), decode, ft)
			want := dbfValueReference([]byte(s), decode, ft)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("value(%q) as %s = %#v, want %#v", s, ft, got, want)
			}
		}
	}
}
