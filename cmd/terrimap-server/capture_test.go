package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"terrimap/internal/pgtest"
)

// runTerrimapServer runs the command line and returns its exit status and
// output.
func runTerrimapServer(stdin string, args ...string) (int, string) {
	var out bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &out)
	return code, out.String()
}

// user add --db-role ties a database role (created NOLOGIN) to the user on
// PostgreSQL; on SQLite it is refused before anything is written;
// reconcile reports on a PostgreSQL platform and refuses a file.
func TestUserAddDBRoleAndReconcile(t *testing.T) {
	db := pgtest.NewDatabase(t)
	suffix := make([]byte, 4)
	rand.Read(suffix)
	role := "agent_cli_" + hex.EncodeToString(suffix)
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := pgx.Connect(ctx, db); err == nil {
			c.Exec(ctx, `DROP OWNED BY `+role)
			c.Close(ctx)
		}
		if c, err := pgx.Connect(ctx, pgtest.Primary(t)); err == nil {
			c.Exec(ctx, `DROP ROLE IF EXISTS `+role)
			c.Close(ctx)
		}
	})
	if code, out := runTerrimapServer("", "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %d %s", code, out)
	}
	code, out := runTerrimapServer("mot de passe\n", "user", "add", "--db", db, "--org", "71543", "--role", "editor", "--db-role", role, "agent.tournus")
	if code != 0 || !strings.Contains(out, "Database role "+role+" created") || !strings.Contains(out, "tied to agent.tournus") {
		t.Fatalf("user add --db-role: %d %s", code, out)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tied string
	if err := conn.QueryRow(ctx, `SELECT db_role FROM terrimap.users WHERE name = 'agent.tournus'`).Scan(&tied); err != nil || tied != role {
		t.Errorf("terrimap.users.db_role = %q (%v), want %q", tied, err, role)
	}
	if code, out := runTerrimapServer("", "reconcile", "--db", db); code != 0 || !strings.Contains(out, "differences between tables and feed: 0") {
		t.Errorf("reconcile: %d %s", code, out)
	}

	file := filepath.Join(t.TempDir(), "p.gpkg")
	code, out = runTerrimapServer("mot de passe\n", "user", "add", "--db", file, "--org", "71543", "--role", "editor", "--db-role", "agent", "x")
	if code == 0 || !strings.Contains(out, "PostgreSQL") {
		t.Errorf("--db-role on SQLite: %d %s", code, out)
	}
	if code, out := runTerrimapServer("", "reconcile", "--db", file); code == 0 || !strings.Contains(out, "PostgreSQL") {
		t.Errorf("reconcile on SQLite: %d %s", code, out)
	}
}
