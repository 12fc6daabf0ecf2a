package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5"

	"terrimap/internal/fileout"
)

// ErrPgDump is returned (wrapped) when pg_dump is missing or cannot dump
// the server (older than the server: pg_dump refuses a newer server).
var ErrPgDump = errors.New("pgstore: pg_dump cannot back this database up")

// DumpSummary says what Dump wrote.
type DumpSummary struct {
	// File is the dump (pg_dump's custom format); Bytes its size.
	File  string
	Bytes int64
	// Entries counts the table of contents of the dump, as pg_restore
	// --list reads it back.
	Entries int
	// PgDump and Server are the major versions of pg_dump and of the server.
	PgDump, Server int
}

// Dump backs the whole database at dbURL up to out with pg_dump, in its
// custom format (-Fc: compressed, restored with pg_restore, table by
// table if need be): the layers, the platform's tables and the
// attachments, which are in the database. pg_dump reads one consistent
// snapshot while the platform goes on serving. The dump goes to a
// temporary file beside out, is read back by pg_restore --list, and only
// then replaces an earlier backup at out. Roles (database roles tied to
// users, see the README) are cluster-wide and not in it.
func Dump(ctx context.Context, dbURL, out string) (DumpSummary, error) {
	sum := DumpSummary{File: out}
	var err error
	if sum.Server, err = serverMajor(ctx, dbURL); err != nil {
		return sum, err
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return sum, fmt.Errorf("%w: pg_dump is not installed (Debian: apt install postgresql-client-%d): %v", ErrPgDump, sum.Server, err)
	}
	if sum.PgDump, err = toolMajor(ctx, pgDump); err != nil {
		return sum, fmt.Errorf("%w: %v", ErrPgDump, err)
	}
	if sum.PgDump < sum.Server {
		return sum, fmt.Errorf("%w: pg_dump is version %d, the server %d: install pg_dump %d or later (Debian: apt install postgresql-client-%d)",
			ErrPgDump, sum.PgDump, sum.Server, sum.Server, sum.Server)
	}
	conn, env, err := dumpConnection(dbURL)
	if err != nil {
		return sum, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return sum, fmt.Errorf("pgstore: backup to %s: %w", out, err)
	}
	tmp := out + ".tmp"
	defer os.Remove(tmp)
	if err := runTool(ctx, env, pgDump, "--format=custom", "--file="+tmp, "--dbname="+conn); err != nil {
		return sum, fmt.Errorf("pgstore: backup %s: %w", Redact(dbURL), err)
	}
	if sum.Entries, err = dumpEntries(ctx, tmp); err != nil {
		return sum, fmt.Errorf("pgstore: backup %s: the dump does not read back: %w", Redact(dbURL), err)
	}
	if err := fileout.Sync(tmp); err != nil {
		return sum, fmt.Errorf("pgstore: backup to %s: %w", out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return sum, fmt.Errorf("pgstore: backup to %s: %w", out, err)
	}
	if st, err := os.Stat(out); err == nil {
		sum.Bytes = st.Size()
	}
	return sum, nil
}

// majorRE finds the version in «pg_dump (PostgreSQL) 15.18 (Debian …)».
var majorRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// toolMajor returns the major version of a PostgreSQL client program.
func toolMajor(ctx context.Context, path string) (int, error) {
	b, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", path, err)
	}
	m := majorRE.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("%s --version: unexpected answer %q", path, bytes.TrimSpace(b))
	}
	return strconv.Atoi(string(m[1]))
}

// serverMajor returns the major version of the server at dbURL.
func serverMajor(ctx context.Context, dbURL string) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, fmt.Errorf("pgstore: backup %s: %w", Redact(dbURL), err)
	}
	defer conn.Close(ctx)
	var num int
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&num); err != nil {
		return 0, fmt.Errorf("pgstore: backup %s: server version: %w", Redact(dbURL), err)
	}
	return num / 10000, nil
}

// dumpConnection returns dbURL without its password, and the environment
// that gives the password to the client programs (PGPASSWORD): a password
// on a command line is visible to every user of the machine (ps).
func dumpConnection(dbURL string) (string, []string, error) {
	env := os.Environ()
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, fmt.Errorf("pgstore: backup: unreadable URL: %w", err)
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		env = append(env, "PGPASSWORD="+q.Get("password"))
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String(), env, nil
}

// dumpEntries reads a dump's table of contents back (pg_restore --list)
// and counts its entries.
func dumpEntries(ctx context.Context, file string) (int, error) {
	pgRestore, err := exec.LookPath("pg_restore")
	if err != nil {
		return 0, fmt.Errorf("pg_restore is not installed: %w", err)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, pgRestore, "--list", file)
	cmd.Stdout = &out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("pg_restore --list: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	n := 0
	for _, line := range bytes.Split(out.Bytes(), []byte("\n")) {
		if len(line) > 0 && line[0] != ';' {
			n++
		}
	}
	return n, nil
}

// runTool runs a client program, its error message in the error.
func runTool(ctx context.Context, env []string, path string, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(path), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}
