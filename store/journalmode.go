package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// editAlone runs fn as Edit does. When alone (ImportOptions.Alone: no
// other goroutine uses the workspace while fn runs), it first tries to
// leave the WAL for SQLite's rollback journal, and goes back to the WAL
// after, whatever fn returned.
//
// Why: in WAL mode every page a large import writes is written twice,
// to the WAL then into the file by the checkpoint: for 100,000 points,
// 119 MB written and 119 MB read, against 59 MB and 0.2 MB with the
// rollback journal (measured with a benchmark timing import and close,
// since removed; strace of terrimap import agrees: pwrite 62,427 →
// 15,761, pread 31,198 → 79). With the rollback journal SQLite copies
// into the journal only the pages that existed before the transaction —
// the pages an import appends past the file's end are written once —
// and a crash mid-import is undone all the same: the next connection
// that reads the file (Open does, see rollBackHotJournal) copies the
// journaled pages back and cuts the file to its former length.
//
// SQLite leaves the WAL only when no other connection has the file open
// (an idle connection of this process, the app or QGIS on the same
// file): then the import runs in WAL mode, as any edit.
func (ws *Workspace) editAlone(ctx context.Context, alone bool, fn func(*Tx) error) error {
	if !alone || !ws.leaveWAL(ctx) {
		return ws.Edit(ctx, fn)
	}
	err := ws.Edit(ctx, fn)
	// Should this fail, the file stays in rollback mode until its next
	// Open, which sets the WAL again (dsn): nothing is lost meanwhile.
	if _, werr := ws.db.ExecContext(context.WithoutCancel(ctx), "PRAGMA journal_mode=WAL"); werr != nil {
		ws.mu.Lock()
		ws.warnings = append(ws.warnings, fmt.Sprintf("the file stays in rollback-journal mode until it is opened again: %v", werr))
		ws.mu.Unlock()
	}
	return err
}

// leaveWAL sets the rollback journal (journal_mode=DELETE) and reports
// whether SQLite did: it refuses at once (SQLITE_BUSY) while another
// connection has the file open.
func (ws *Workspace) leaveWAL(ctx context.Context) bool {
	if ws.readOnly {
		return false
	}
	var mode string
	err := ws.db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode)
	return err == nil && mode == "delete"
}

// rollBackHotJournal undoes, before Open inspects the file read-only, a
// transaction that a crash cut short while it wrote with the rollback
// journal (editAlone): a read-only connection cannot undo it (SQLite
// refuses to read the file, SQLITE_READONLY_ROLLBACK), a read-write one
// does as it first reads. The file is then as after its last commit. A
// read-only Open does it too when the file is writable: undoing what was
// never committed changes no committed byte, and it is what any reader
// needs (an export after a crashed import). Errors are left to inspect,
// which reads the file next.
func rollBackHotJournal(path string) {
	if _, err := os.Stat(path + "-journal"); err != nil || !writable(path) {
		return
	}
	db, err := sql.Open("sqlite", dsn(path, false, false))
	if err != nil {
		return
	}
	defer db.Close()
	var n int
	db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
}
