package formats

import (
	"encoding/binary"
	"os"
	"reflect"
	"strings"
	"testing"

	"terrimap/store/schema"
)

// dbfSpec describes a field of a test DBF.
type dbfSpec struct {
	name     string
	typ      byte
	length   int
	decimals int
}

// makeDBF writes a dBase III table: values are the raw field bytes (padded
// here: C left-aligned, others right-aligned); a record whose first value
// is "*DELETED*" is flagged deleted and takes the following values.
func makeDBF(ldid byte, fields []dbfSpec, records ...[]string) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	hdrLen := 32 + 32*len(fields) + 1
	b := make([]byte, hdrLen, hdrLen+recLen*len(records)+1)
	b[0] = 0x03
	b[1], b[2], b[3] = 124, 5, 31
	binary.LittleEndian.PutUint32(b[4:], uint32(len(records)))
	binary.LittleEndian.PutUint16(b[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(b[10:], uint16(recLen))
	b[29] = ldid
	for i, f := range fields {
		d := b[32+32*i:]
		copy(d[:11], f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.decimals)
	}
	b[hdrLen-1] = 0x0D
	for _, rec := range records {
		flag := byte(' ')
		if len(rec) > 0 && rec[0] == "*DELETED*" {
			flag, rec = '*', rec[1:]
		}
		b = append(b, flag)
		for i, f := range fields {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			if len(v) > f.length {
				v = v[:f.length]
			}
			pad := strings.Repeat(" ", f.length-len(v))
			if f.typ == 'C' {
				b = append(b, v+pad...)
			} else {
				b = append(b, pad+v...)
			}
		}
	}
	return append(b, 0x1A)
}

// latin1 and utf8 spell test values in either encoding.
const (
	egliseLatin1 = "\xc9glise"
	maconLatin1  = "M\xe2con"
	coeurCP1252  = "C\x9cur" // œ exists in Windows-1252, not in ISO-8859-1
)

var typedFields = []dbfSpec{
	{"NOM", 'C', 20, 0}, {"POP", 'N', 9, 0}, {"SURF", 'N', 12, 3}, {"TAUX", 'F', 10, 2},
	{"ACTIF", 'L', 1, 0}, {"MAJ", 'D', 8, 0},
}

// dbfCases double as seeds of FuzzReadDBF.
var dbfCases = []struct {
	name    string
	data    []byte
	cpg     string
	err     string
	fields  []Field
	records []map[string]any
	deleted []bool
}{
	{
		name: "types and nulls, UTF-8 from .cpg",
		data: makeDBF(0, typedFields,
			[]string{"Église", "5702", "22.450", "1.5", "T", "20240531"},
			[]string{"", "", "", "", "?", "        "},
			[]string{"Mâcon", "**********", "-3", "2,5", "n", "00000000"},
			[]string{"*DELETED*", "effacé", "1", "1", "1", "F", "2023xx01"}),
		cpg: "UTF-8",
		fields: []Field{{"NOM", schema.Text}, {"POP", schema.Integer}, {"SURF", schema.Real},
			{"TAUX", schema.Real}, {"ACTIF", schema.Boolean}, {"MAJ", schema.Date}},
		records: []map[string]any{
			{"NOM": "Église", "POP": int64(5702), "SURF": 22.45, "TAUX": 1.5, "ACTIF": true, "MAJ": "2024-05-31"},
			{"NOM": nil, "POP": nil, "SURF": nil, "TAUX": nil, "ACTIF": nil, "MAJ": nil},
			{"NOM": "Mâcon", "POP": nil, "SURF": -3.0, "TAUX": 2.5, "ACTIF": false, "MAJ": nil},
			{"NOM": "effacé", "POP": int64(1), "SURF": 1.0, "TAUX": 1.0, "ACTIF": false, "MAJ": nil},
		},
		deleted: []bool{false, false, false, true},
	},
	{
		name:    "Latin-1 by default",
		data:    makeDBF(0, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{egliseLatin1}, []string{maconLatin1}, []string{coeurCP1252}),
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Église"}, {"NOM": "Mâcon"}, {"NOM": "Cœur"}},
		deleted: []bool{false, false, false},
	},
	{
		name:    "UTF-8 recognised without .cpg",
		data:    makeDBF(0, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{"Église"}, []string{"Mâcon"}),
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Église"}, {"NOM": "Mâcon"}},
		deleted: []bool{false, false},
	},
	{
		name:    "language driver 0x57 (ANSI) beats UTF-8-looking bytes",
		data:    makeDBF(0x57, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{"\xc3\xa9"}),
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Ã©"}},
		deleted: []bool{false},
	},
	{
		name:    "language driver 0x02 (DOS 850)",
		data:    makeDBF(0x02, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{"\x90glise"}),
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Église"}},
		deleted: []bool{false},
	},
	{
		name:    ".cpg 1252 beats the language driver",
		data:    makeDBF(0x02, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{egliseLatin1}),
		cpg:     "ANSI 1252\r\n",
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Église"}},
		deleted: []bool{false},
	},
	{
		name:    "unknown .cpg falls back",
		data:    makeDBF(0, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{maconLatin1}),
		cpg:     "EBCDIC-FR",
		fields:  []Field{{"NOM", schema.Text}},
		records: []map[string]any{{"NOM": "Mâcon"}},
		deleted: []bool{false},
	},
	{
		name:    "integer field with a fraction becomes real; long N is real",
		data:    makeDBF(0, []dbfSpec{{"N", 'N', 6, 0}, {"BIG", 'N', 20, 0}}, []string{"12", "1"}, []string{"12.5", "2"}),
		fields:  []Field{{"N", schema.Real}, {"BIG", schema.Real}},
		records: []map[string]any{{"N": 12.0, "BIG": 1.0}, {"N": 12.5, "BIG": 2.0}},
		deleted: []bool{false, false},
	},
	{
		name:    "duplicate and accented field names",
		data:    makeDBF(0, []dbfSpec{{"nom", 'C', 3, 0}, {"NOM", 'C', 3, 0}, {"ann\xe9e", 'N', 4, 0}}, []string{"a", "b", "2024"}),
		fields:  []Field{{"nom", schema.Text}, {"NOM_2", schema.Text}, {"année", schema.Integer}},
		records: []map[string]any{{"nom": "a", "NOM_2": "b", "année": int64(2024)}},
		deleted: []bool{false},
	},
	{
		name: "no records", data: makeDBF(0, typedFields),
		fields: []Field{{"NOM", schema.Text}, {"POP", schema.Integer}, {"SURF", schema.Real},
			{"TAUX", schema.Real}, {"ACTIF", schema.Boolean}, {"MAJ", schema.Date}},
		records: []map[string]any{}, deleted: []bool{},
	},
	{name: "too short", data: []byte{3, 1, 2}, err: "too short for a header"},
	{name: "header length beyond file", data: func() []byte {
		b := makeDBF(0, typedFields)
		binary.LittleEndian.PutUint16(b[8:], 60000)
		return b
	}(), err: "header length 60000"},
	{name: "records missing", data: func() []byte {
		b := makeDBF(0, typedFields, []string{"a"})
		binary.LittleEndian.PutUint32(b[4:], 1<<31)
		return b
	}(), err: "announces 2147483648 records but the file holds 1"},
	{name: "fields longer than records", data: func() []byte {
		b := makeDBF(0, typedFields, []string{"a"})
		binary.LittleEndian.PutUint16(b[10:], 10)
		return b
	}(), err: "fields take 61 bytes but records are 10"},
}

func TestDecodeDBF(t *testing.T) {
	for _, c := range dbfCases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := decodeDBF(c.data, c.cpg)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tab.fields, c.fields) {
				t.Errorf("fields %v, want %v", tab.fields, c.fields)
			}
			if !reflect.DeepEqual(tab.records, c.records) {
				t.Errorf("records\n got %#v\nwant %#v", tab.records, c.records)
			}
			if !reflect.DeepEqual(tab.deleted, c.deleted) {
				t.Errorf("deleted %v, want %v", tab.deleted, c.deleted)
			}
		})
	}
}

// TestDBFFixtures reads the DBFs written by ogr2ogr in Latin-1 and UTF-8
// (testdata/encoding), with and without their .cpg.
func TestDBFFixtures(t *testing.T) {
	want := []map[string]any{
		{"nom": "Église Saint-Philibert", "commune": "Tournus", "pop": int64(5702), "surface": 22.45, "actif": int64(1), "maj": "2024-05-31"},
		{"nom": "Mâcon", "commune": "Mâcon", "pop": int64(33000), "surface": 27.04, "actif": int64(0), "maj": "2023-01-15"},
		{"nom": "Saint-Gengoux-de-Scissé", "commune": "Saint-Gengoux-de-Scissé", "pop": nil, "surface": nil, "actif": nil, "maj": nil},
	}
	for _, name := range []string{"latin1", "utf8"} {
		data, err := os.ReadFile("testdata/encoding/" + name + ".dbf")
		if err != nil {
			t.Fatal(err)
		}
		cpg, err := os.ReadFile("testdata/encoding/" + name + ".cpg")
		if err != nil {
			t.Fatal(err)
		}
		for _, withCPG := range []bool{true, false} {
			c := ""
			if withCPG {
				c = string(cpg)
			}
			tab, err := decodeDBF(data, c)
			if err != nil {
				t.Fatalf("%s (cpg %q): %v", name, c, err)
			}
			if !reflect.DeepEqual(tab.records, want) {
				t.Errorf("%s (cpg %q):\n got %v\nwant %v", name, c, tab.records, want)
			}
		}
	}
}

func FuzzReadDBF(f *testing.F) {
	for _, c := range dbfCases {
		f.Add(c.data, c.cpg)
	}
	for _, p := range []string{"testdata/encoding/latin1.dbf", "testdata/ccmt/shp_l93/ccmt_communes_l93.dbf"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Fuzz(func(t *testing.T, data []byte, cpg string) {
		tab, err := decodeDBF(data, cpg)
		if err != nil {
			return
		}
		if len(tab.records) != len(tab.deleted) {
			t.Fatalf("%d records, %d deleted flags", len(tab.records), len(tab.deleted))
		}
		checkDataset(t, &Dataset{Name: "fuzz", Fields: tab.fields, Features: featuresOf(tab.records)})
	})
}

func featuresOf(records []map[string]any) []Feature {
	out := make([]Feature, len(records))
	for i, r := range records {
		out[i].Properties = r
	}
	return out
}
