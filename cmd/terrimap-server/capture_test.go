package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
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

// serve on PostgreSQL runs the capture worker: a direct UPDATE becomes a
// version while it serves, and stopping serve stops the worker.
func TestServeCapturesDirectEdits(t *testing.T) {
	db := pgtest.NewDatabase(t)
	ctx := context.Background()
	st, err := pgstore.Open(ctx, db, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	layer := schema.Layer{Name: "pei", GeometryType: schema.Point, Fields: []schema.Field{{Name: "debit", Type: schema.Real}}}
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: layer}); err != nil {
		t.Fatal(err)
	}
	const id = "0193a1b2-0000-7000-8000-0000000000aa"
	err = st.Write(ctx, func(tx server.WriteTx) error {
		_, err := tx.WriteVersion("pei", id, protocol.FeatureState{Exists: true, Version: 1, Geometry: orb.Point{4.9, 46.55},
			Properties: map[string]any{"debit": 60.0}}, protocol.OpCreate, "admin", nil)
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	var out lockedBuffer // serve's logger and its messages write from several goroutines
	served := make(chan int, 1)
	go func() {
		served <- run(sctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &out)
	}()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The worker installs nothing new: the triggers are PutLayer's. The
	// UPDATE is captured whether serve is up yet or not.
	if _, err := conn.Exec(ctx, `UPDATE reseaux.pei SET debit = 75 WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v int64
		var author string
		err := conn.QueryRow(ctx, `SELECT v.version, v.author FROM terrimap.heads h JOIN terrimap.versions v ON v.seq = h.seq WHERE h.uuid = $1`, id).Scan(&v, &author)
		if err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			if author != "db:postgres" {
				t.Errorf("author %q, want db:postgres", author)
			}
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("the direct edit never became a version while serve ran:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if code := <-served; code != 0 {
		t.Errorf("serve: %d\n%s", code, out.String())
	}
}
