package pgstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"

	"terrimap/store/schema"
)

// A migration is verified by comparing, table by table, a digest of the
// rows read from the SQLite snapshot with a digest of the rows read back
// from PostgreSQL in the transaction that wrote them. A digest is the
// row count and the lane-wise sum of the SHA-256 of each row's canonical
// text: it does not depend on the order rows are read in (PostgreSQL and
// SQLite sort UUIDs and text differently), and unlike a XOR two equal rows
// do not cancel out.

// digest is the order-free checksum of a set of rows.
type digest struct {
	Rows int64
	sum  [4]uint64
}

// add counts one row, given as its canonical fields.
func (d *digest) add(fields ...string) {
	// Each field behind its length: no two different rows share the text.
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	h := sha256.Sum256([]byte(b.String()))
	for i := range d.sum {
		d.sum[i] += binary.LittleEndian.Uint64(h[8*i:])
	}
	d.Rows++
}

// Sum is the digest's checksum in hexadecimal (its first 64 bits, enough
// to show; equal compares all of it).
func (d digest) Sum() string { return fmt.Sprintf("%016x", d.sum[0]) }

func (d digest) equal(o digest) bool { return d.Rows == o.Rows && d.sum == o.sum }

// kind says how a column's value is made canonical.
type kind int

const (
	kPlain  kind = iota // text, numbers, booleans: as they print
	kTime               // timestamptz: UTC to the microsecond (PostgreSQL's precision)
	kGeom               // EWKB: re-encoded as 2-D WKB, so byte order and SRID flags do not count
	kJSON               // JSON text: decoded and encoded again (keys sorted, jsonb's spacing)
	kSchema             // a layer schema as JSON: through schema.Layer
)

// canon returns the canonical text of a value of a kind.
func canon(k kind, v any) (string, error) {
	if v == nil {
		return "\x00null", nil
	}
	switch k {
	case kTime:
		t, ok := v.(time.Time)
		if !ok {
			return "", fmt.Errorf("time expected, got %T", v)
		}
		return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), nil
	case kGeom:
		b, ok := v.([]byte)
		if !ok {
			return "", fmt.Errorf("geometry expected, got %T", v)
		}
		if len(b) == 0 {
			return "\x00null", nil
		}
		g, _, err := ewkb.Unmarshal(b)
		if err != nil {
			return "", err
		}
		out, err := wkb.Marshal(g)
		return string(out), err
	case kJSON:
		var x any
		if err := json.Unmarshal([]byte(textValue(v)), &x); err != nil {
			return "", err
		}
		if m, ok := x.(map[string]any); ok && len(m) == 0 {
			x = nil // no properties: null or {} alike
		}
		out, err := json.Marshal(x)
		return string(out), err
	case kSchema:
		var l schema.Layer
		if err := json.Unmarshal([]byte(textValue(v)), &l); err != nil {
			return "", err
		}
		out, err := json.Marshal(l)
		return string(out), err
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return canon(kTime, x)
	case []string:
		if x == nil {
			return "\x00null", nil
		}
		return strings.Join(x, "\x1e"), nil
	}
	return "", fmt.Errorf("cannot compare a %T", v)
}

func textValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// addRow adds a row of values of the given kinds to d.
func (d *digest) addRow(kinds []kind, row []any) error {
	fields := make([]string, len(row))
	for i, v := range row {
		s, err := canon(kinds[i], v)
		if err != nil {
			return err
		}
		fields[i] = s
	}
	d.add(fields...)
	return nil
}
