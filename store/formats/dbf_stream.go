package formats

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"terrimap/store/schema"
)

// dbfReader reads a dBase table record by record (see decodeDBF for the
// rules). A first pass, learn, reads every record to decide what the
// header alone does not tell: the text encoding when neither the .cpg nor
// the header names it, and which integer N fields hold fractions (they
// become real). A second reader over the same file, given what the first
// learnt (withSchema), yields each record's values.
type dbfReader struct {
	r      *bufio.Reader
	cols   []dbfColumn
	nrec   int
	recLen int
	ldid   byte
	rec    []byte
	read   int // records read

	// What learn decides.
	decode     textDecoder
	fields     []Field
	names      []string
	fractional []bool
	deleted    []int // indexes of the records flagged deleted
}

// newDBFReader reads the header of a table of size bytes and checks it
// against the size.
func newDBFReader(r io.Reader, size int64) (*dbfReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head := make([]byte, dbfHeaderLen)
	if size < dbfHeaderLen {
		return nil, fmt.Errorf("dbf: %d bytes, too short for a header", size)
	}
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("dbf: %w", err)
	}
	nrec := int64(binary.LittleEndian.Uint32(head[4:8]))
	hdrLen := int(binary.LittleEndian.Uint16(head[8:10]))
	recLen := int(binary.LittleEndian.Uint16(head[10:12]))
	d := &dbfReader{r: br, recLen: recLen, ldid: head[29]}
	if hdrLen < dbfHeaderLen+1 || int64(hdrLen) > size {
		return nil, fmt.Errorf("dbf: header length %d does not fit a file of %d bytes", hdrLen, size)
	}
	descriptors := make([]byte, hdrLen-dbfHeaderLen)
	if _, err := io.ReadFull(br, descriptors); err != nil {
		return nil, fmt.Errorf("dbf: %w", err)
	}
	offset := 1
	for pos := 0; pos+dbfDescriptorLen <= len(descriptors) && descriptors[pos] != 0x0D; pos += dbfDescriptorLen {
		desc := descriptors[pos : pos+dbfDescriptorLen]
		name := desc[:11]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		c := dbfColumn{name: string(name), typ: desc[11], offset: offset, length: int(desc[16]), decimals: int(desc[17])}
		if c.typ == 'C' && c.decimals > 0 { // Clipper/FoxPro long text fields
			c.length += c.decimals * 256
			c.decimals = 0
		}
		offset += c.length
		d.cols = append(d.cols, c)
	}
	if offset > recLen && nrec > 0 {
		return nil, fmt.Errorf("dbf: fields take %d bytes but records are %d bytes long", offset, recLen)
	}
	if nrec > 0 {
		if recLen == 0 {
			return nil, fmt.Errorf("dbf: %d records of length 0", nrec)
		}
		if avail := (size - int64(hdrLen)) / int64(recLen); nrec > avail {
			return nil, fmt.Errorf("dbf: the header announces %d records but the file holds %d", nrec, avail)
		}
	}
	d.nrec = int(nrec)
	d.rec = make([]byte, recLen)
	return d, nil
}

// nextRecord reads the next record into d.rec; it reports false after the
// last one.
func (d *dbfReader) nextRecord() (bool, error) {
	if d.read >= d.nrec {
		return false, nil
	}
	if _, err := io.ReadFull(d.r, d.rec); err != nil {
		return false, fmt.Errorf("dbf: record %d: %w", d.read+1, err)
	}
	d.read++
	return true, nil
}

// learn reads every record once and decides the encoding (cpg, else the
// header's language driver ID, else UTF-8 when every name and text value
// is valid UTF-8, else Windows-1252), the field names and types.
func (d *dbfReader) learn(cpg string) error {
	decode := codePageByName(cpg)
	if decode == nil {
		decode = codePageByLDID(d.ldid)
	}
	utf8Valid := decode == nil
	for _, c := range d.cols {
		utf8Valid = utf8Valid && utf8.ValidString(c.name)
	}
	d.fractional = make([]bool, len(d.cols))
	for {
		more, err := d.nextRecord()
		if err != nil {
			return err
		}
		if !more {
			break
		}
		if d.rec[0] == '*' {
			d.deleted = append(d.deleted, d.read-1)
		}
		for j, c := range d.cols {
			b := d.rec[c.offset : c.offset+c.length]
			switch {
			case c.typ == 'C':
				utf8Valid = utf8Valid && utf8.Valid(b)
			case !d.fractional[j] && c.fieldType() == schema.Integer:
				_, frac := c.value(b, decodeUTF8, schema.Integer).(float64)
				d.fractional[j] = frac
			}
		}
	}
	switch {
	case decode != nil:
	case utf8Valid:
		decode = decodeUTF8
	default:
		decode = cp1252
	}
	raw := make([]string, len(d.cols))
	for i, c := range d.cols {
		raw[i] = strings.TrimSpace(decode([]byte(c.name)))
	}
	d.decode, d.names = decode, uniqueNames(raw)
	d.fields = make([]Field, len(d.cols))
	for i, c := range d.cols {
		d.fields[i] = Field{Name: d.names[i], Type: c.fieldType()}
		if d.fractional[i] {
			d.fields[i].Type = schema.Real
		}
	}
	return nil
}

// withSchema gives a second reader what the first pass learnt.
func (d *dbfReader) withSchema(l *dbfReader) {
	d.decode, d.names, d.fields, d.fractional = l.decode, l.names, l.fields, l.fractional
}

// values reads the next record's values; deleted tells whether it is
// flagged deleted. It reports false after the last record.
func (d *dbfReader) values() (props map[string]any, deleted, more bool, err error) {
	if more, err = d.nextRecord(); !more || err != nil {
		return nil, false, more, err
	}
	props = make(map[string]any, len(d.cols))
	for j, c := range d.cols {
		v := c.value(d.rec[c.offset:c.offset+c.length], d.decode, c.fieldType())
		if iv, ok := v.(int64); ok && d.fractional[j] {
			v = float64(iv)
		}
		props[d.names[j]] = v
	}
	return props, d.rec[0] == '*', true, nil
}
