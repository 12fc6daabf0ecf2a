package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// hydrantReader yields n hydrants (without end when n is 0), calling at
// with each feature and its number (from 1) first: at may change the
// feature, fail it or act (cancel the import).
type hydrantReader struct {
	n, i int
	at   func(i int, f *formats.Feature) error
}

func (r *hydrantReader) Next() (formats.Feature, error) {
	if r.n > 0 && r.i == r.n {
		return formats.Feature{}, io.EOF
	}
	r.i++
	f := formats.Feature{ID: fmt.Sprintf("PEI-%d", r.i),
		Geometry:   orb.Point{4.9 + float64(r.i%1000)*1e-4, 46.5 + float64(r.i/1000)*1e-4},
		Properties: map[string]any{"nom": fmt.Sprintf("Poteau %d", r.i), "nb_ct": int64(r.i)}}
	if err := r.at(r.i, &f); err != nil {
		return formats.Feature{}, err
	}
	return f, nil
}

// hydrantSource is a source of the hydrants r yields, announcing count.
func hydrantSource(r *hydrantReader, count int) *formats.Source {
	src := &formats.Source{Name: "pei", SRS: SRSWGS84, Count: count, Geometries: formats.HasPoint,
		Fields: []formats.Field{{Name: "nom", Type: schema.Text}, {Name: "nb_ct", Type: schema.Integer}}}
	src.SetOpener(func() (formats.FeatureReader, io.Closer, error) { return r, nil, nil }, nil)
	return src
}

// goroutinesBackTo waits for the goroutines to be no more than before:
// a bulk load's reader must not outlive it.
func goroutinesBackTo(t *testing.T, before int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Fatalf("%d goroutines, %d before the import:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
}

// A bulk load reads its features on a goroutine of its own while it writes
// the batches before them. However it ends — the reader fails, a value is
// refused, the import is cancelled, SQLite refuses a row while the reader
// waits to hand over more — the error names what failed, nothing is
// imported and no goroutine is left behind.
func TestBulkLoadStopsBothSides(t *testing.T) {
	const n = 20_000
	errDisk := errors.New("disk read error")
	cases := []struct {
		name string
		// at is called with each feature; cancel cancels the import.
		at      func(i int, f *formats.Feature, cancel func()) error
		trigger bool // SQLite refuses the row of feature 3000
		want    error
		says    []string
	}{
		{name: "the reader fails",
			at: func(i int, f *formats.Feature, _ func()) error {
				if i == 15_000 {
					return &formats.FeatureError{Number: i, ID: f.ID, Err: errDisk}
				}
				return nil
			},
			want: errDisk, says: []string{`feature 15000 (id "PEI-15000")`, "disk read error"}},
		{name: "a value refused",
			at: func(i int, f *formats.Feature, _ func()) error {
				if i == n {
					f.Properties["nb_ct"] = "beaucoup"
				}
				return nil
			},
			want: ErrImport, says: []string{"feature 20000", "nb_ct"}},
		{name: "cancelled",
			at: func(i int, _ *formats.Feature, cancel func()) error {
				if i == 5_000 {
					cancel()
				}
				return nil
			},
			want: context.Canceled},
		{name: "SQLite refuses a row", trigger: true,
			at:   func(int, *formats.Feature, func()) error { return nil },
			says: []string{"row 3000 refused"}},
	}
	for _, c := range cases {
		for _, alone := range []bool{false, true} {
			name := c.name
			if alone {
				name += ", alone"
			}
			t.Run(name, func(t *testing.T) {
				ws := newWorkspace(t)
				if c.trigger {
					if _, err := ws.DB().Exec(`CREATE TRIGGER refuse_3000 BEFORE INSERT ON pei WHEN NEW.nb_ct = 3000 BEGIN SELECT RAISE(ABORT, 'row 3000 refused'); END`); err != nil {
						t.Fatal(err)
					}
				}
				before := dumpTables(t, ws)
				goroutines := runtime.NumGoroutine()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var journaled bool // the rollback journal was there at feature 2,000
				r := &hydrantReader{at: func(i int, f *formats.Feature) error {
					if i == 2_000 {
						journaled = fileExists(ws.Path() + "-journal")
					}
					return c.at(i, f, cancel)
				}}
				_, err := ws.ImportSource(ctx, hydrantSource(r, n), ImportOptions{Layer: "pei", Alone: alone})
				if err == nil {
					t.Fatal("the import succeeded")
				}
				if c.want != nil && !errors.Is(err, c.want) {
					t.Errorf("error %v, want %v", err, c.want)
				}
				for _, s := range c.says {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				if journaled != alone {
					t.Errorf("rollback journal during the import: %v, want %v", journaled, alone)
				}
				if after := dumpTables(t, ws); after != before {
					t.Errorf("the failed import changed the workspace")
				}
				if mode := journalMode(t, ws); mode != "wal" {
					t.Errorf("journal mode %s after the import, want wal", mode)
				}
				goroutinesBackTo(t, goroutines)
				// The reader stops soon after: it is at most the batches in
				// flight ahead of the writer, and checks the context itself.
				if c.name == "cancelled" && r.i > 5_000+1000+(preparedBatches+2)*bulkBatch {
					t.Errorf("the reader read %d features after the import was cancelled", r.i-5_000)
				}
			})
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// journalMode returns the journal mode of the workspace's file.
func journalMode(t *testing.T, ws *Workspace) string {
	t.Helper()
	var mode string
	if err := ws.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

// A feature without a value for a field gets the field's default or
// nothing, never the value of the feature read before it: the reader
// fills one map for all the features.
func TestBulkLoadFeaturesDoNotInheritValues(t *testing.T) {
	const n = 2_000
	ws := newWorkspace(t)
	r := &hydrantReader{n: n, at: func(i int, f *formats.Feature) error {
		if i%2 == 0 {
			delete(f.Properties, "nom")
			delete(f.Properties, "nb_ct")
		}
		return nil
	}}
	if _, err := ws.ImportSource(context.Background(), hydrantSource(r, n), ImportOptions{Layer: "pei"}); err != nil {
		t.Fatal(err)
	}
	var named, counted, typed int
	if err := ws.DB().QueryRow(`SELECT count(nom), count(nb_ct), count(*) FILTER (WHERE type_pei = 'PI') FROM pei`).Scan(&named, &counted, &typed); err != nil {
		t.Fatal(err)
	}
	if named != n/2 || counted != n/2 || typed != n {
		t.Errorf("%d features named, %d counted, %d of the default type; want %d, %d, %d", named, counted, typed, n/2, n/2, n)
	}
}
