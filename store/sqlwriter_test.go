package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"
)

// label is a named string type, which database/sql converts to string.
type label string

// upper is a driver.Valuer.
type upper struct{ s string }

func (u upper) Value() (driver.Value, error) { return "UP-" + u.s, nil }

// A statement run by execRows, on the driver directly, stores every value
// as the same statement run through database/sql stores it, and returns
// the rowid of its last row.
func TestExecRowsStoresAsDatabaseSQL(t *testing.T) {
	ws := newWorkspace(t)
	values := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"int64", int64(1) << 60},
		{"int", 7},
		{"int32", int32(-3)},
		{"uint8", uint8(200)},
		{"float64", 2.5},
		{"float32", float32(1.25)},
		{"bool", true},
		{"string", "Mâcon"},
		{"named string", label("Tournus")},
		{"bytes", []byte{0, 1, 2}},
		{"time", time.Date(2026, 12, 7, 8, 30, 0, 0, time.UTC)},
		{"valuer", upper{"x"}},
	}
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		for _, table := range []string{"by_sql", "by_rows"} {
			if _, err := tx.exec("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v)"); err != nil {
				return err
			}
		}
		for i, c := range values {
			if _, err := tx.exec("INSERT INTO by_sql (id, v) VALUES (?, ?)", i+1, c.v); err != nil {
				return err
			}
		}
		// Two statements of several rows: the rowid returned is the last's.
		half := len(values) / 2
		for _, part := range [][2]int{{0, half}, {half, len(values)}} {
			var args rowArgs
			for i := part[0]; i < part[1]; i++ {
				args = args.add(int64(i + 1)).add(values[i].v)
			}
			last, err := tx.execRows(multiInsertSQL("by_rows", []string{"id", "v"}, part[1]-part[0]), args)
			if err != nil {
				return err
			}
			if last != int64(part[1]) {
				t.Errorf("execRows of rows %d–%d returned rowid %d, want %d", part[0]+1, part[1], last, part[1])
			}
		}
		for i, c := range values {
			var want, got string
			if err := tx.tx.QueryRow("SELECT typeof(v) || ' ' || quote(v) FROM by_sql WHERE id = ?", i+1).Scan(&want); err != nil {
				return err
			}
			if err := tx.tx.QueryRow("SELECT typeof(v) || ' ' || quote(v) FROM by_rows WHERE id = ?", i+1).Scan(&got); err != nil {
				return err
			}
			if got != want {
				t.Errorf("%s: execRows stored %s, database/sql %s", c.name, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A statement execRows runs is in the transaction: it is rolled back with
// it, and its error (a constraint) is returned.
func TestExecRowsInTheTransaction(t *testing.T) {
	ws := newWorkspace(t)
	if _, err := ws.DB().Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	abandon := errors.New("abandoned")
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		if _, err := tx.execRows("INSERT INTO t (v) VALUES (?), (?)", rowArgs{}.add("a").add("b")); err != nil {
			return err
		}
		if _, err := tx.execRows("INSERT INTO t (v) VALUES (?)", rowArgs{}.add("a")); err == nil {
			t.Error("a duplicate inserted by execRows was not refused")
		}
		return abandon
	})
	if !errors.Is(err, abandon) {
		t.Fatalf("Edit returned %v, want %v", err, abandon)
	}
	var n int
	if err := ws.DB().QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows left by a transaction rolled back, want 0", n)
	}
}
