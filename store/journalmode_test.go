package store

import (
	"context"
	"testing"

	"terrimap/store/formats"
)

// An import alone writes with the rollback journal when nothing else has
// the file open, and stays in the WAL when another connection has it (the
// app, QGIS): both import every feature, both leave the file in WAL mode,
// and the other connection reads what was imported.
func TestImportAloneJournal(t *testing.T) {
	const n = 5_000
	cases := []struct {
		name      string
		alone     bool
		other     bool // another workspace has the file open
		journaled bool // the rollback journal is used
	}{
		{name: "alone", alone: true, journaled: true},
		{name: "alone, the file open elsewhere", alone: true, other: true},
		{name: "not alone", alone: false},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := hydrantWorkspaceFile(t)
			ws, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			var other *Workspace
			if c.other {
				if other, err = Open(path, Options{}); err != nil {
					t.Fatal(err)
				}
				defer other.Close()
			}
			var journaled, wal bool
			r := &hydrantReader{n: n, at: func(i int, _ *formats.Feature) error {
				if i == n/2 {
					journaled, wal = fileExists(path+"-journal"), fileExists(path+"-wal")
				}
				return nil
			}}
			rep, err := ws.ImportSource(ctx, hydrantSource(r, n), ImportOptions{Layer: "pei", Alone: c.alone})
			if err != nil || rep.Features != n {
				t.Fatalf("%+v %v", rep, err)
			}
			if journaled != c.journaled || wal == c.journaled {
				t.Errorf("during the import: rollback journal %v, WAL %v; want the rollback journal %v", journaled, wal, c.journaled)
			}
			if mode := journalMode(t, ws); mode != "wal" {
				t.Errorf("journal mode %s after the import, want wal", mode)
			}
			readers := []*Workspace{ws}
			if other != nil {
				readers = append(readers, other)
			}
			for _, x := range readers {
				if got, err := x.CountRows(ctx, "pei"); err != nil || got != n {
					t.Errorf("%d features read, %v; want %d", got, err, n)
				}
			}
		})
	}
}
