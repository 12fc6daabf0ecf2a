package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"terrimap/internal/pgtest"
	"terrimap/store"
)

// runCmd runs terrimap-server in-process and returns its exit code and
// outputs.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

// layerCount reads a layer's feature count from `layer list`.
func layerCount(t *testing.T, db, layer string) string {
	t.Helper()
	code, out, errs := runCmd(t, "", "layer", "list", "--db", db)
	if code != 0 {
		t.Fatalf("layer list: exit %d: %s", code, errs)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == layer {
			// LAYER TITLE… GEOMETRY FEATURES FIELDS EDITED-BY: the count is
			// third from the end.
			return f[len(f)-3]
		}
	}
	t.Fatalf("layer list has no %s:\n%s", layer, out)
	return ""
}

// The demo, layer list, user and import commands work the same on a
// platform file and on a PostgreSQL database.
func TestDemoImportOnBothStorages(t *testing.T) {
	geojson := filepath.Join(t.TempDir(), "bornes.geojson")
	if err := os.WriteFile(geojson, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[4.91,46.56]},"properties":{"nom":"Borne 1","hauteur":1.2}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[4.92,46.57]},"properties":{"nom":"Borne 2","hauteur":0.9}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	forEachStorage(t, func(t *testing.T, db string) {
		code, out, errs := runCmd(t, "", "demo", "--db", db, "--scale", "0.02")
		if code != 0 || !strings.Contains(out, "Demo platform") || !strings.Contains(out, "tournus") {
			t.Fatalf("demo: exit %d: %s %s", code, out, errs)
		}
		if n := layerCount(t, db, "communes"); n != "24" {
			t.Errorf("communes: %s features, want 24", n)
		}
		if code, _, errs := runCmd(t, "", "demo", "--db", db); code != 1 {
			t.Errorf("demo over a seeded platform: exit %d (%s), want 1", code, errs)
		}
		code, out, errs = runCmd(t, "", "import", "--db", db, "--layer", "bornes", geojson)
		if code != 0 || !strings.Contains(out, "2 features of bornes.geojson imported into the new layer bornes") {
			t.Fatalf("import: exit %d: %s %s", code, out, errs)
		}
		if n := layerCount(t, db, "bornes"); n != "2" {
			t.Errorf("bornes: %s features after the import, want 2", n)
		}
		if code, out, errs := runCmd(t, "", "import", "--db", db, "--layer", "bornes", geojson); code != 0 || !strings.Contains(out, "added to bornes") {
			t.Errorf("import again: exit %d: %s %s", code, out, errs)
		}
		if n := layerCount(t, db, "bornes"); n != "4" {
			t.Errorf("bornes: %s features after a second import, want 4", n)
		}
		if code, out, _ := runCmd(t, "", "user", "list", "--db", db); code != 0 || !strings.Contains(out, "admin of ccmt") {
			t.Errorf("user list: exit %d:\n%s", code, out)
		}
	})
}

// A password in a database URL never reaches the output.
func TestShownDBHidesThePassword(t *testing.T) {
	for _, c := range []struct{ db, want string }{
		{"/srv/terrimap/platform.gpkg", "/srv/terrimap/platform.gpkg"},
		{"postgres://terrimap:s3cret@db.local/plateforme", "postgres://terrimap:xxxxx@db.local/plateforme"},
		{"postgresql://db.local/plateforme?user=terrimap&password=s3cret", "postgresql://db.local/plateforme?password=xxxxx&user=terrimap"},
	} {
		if got := shownDB(c.db); got != c.want {
			t.Errorf("shownDB(%q) = %q, want %q", c.db, got, c.want)
		}
	}
}

// backup on PostgreSQL writes a pg_dump custom-format file that the
// README's steps restore into a new database: users and layers are back.
func TestBackupPostgresRestores(t *testing.T) {
	db := pgtest.NewDatabase(t)
	if code, out, errs := runCmd(t, "", "demo", "--db", db, "--scale", "0.02"); code != 0 {
		t.Fatalf("demo: exit %d: %s %s", code, out, errs)
	}
	out := filepath.Join(t.TempDir(), "sauvegarde", "plateforme.dump")
	code, said, errs := runCmd(t, "", "backup", "--db", db, "--out", out)
	if code != 0 || !strings.Contains(said, "pg_dump") || !strings.Contains(said, "attachments included") {
		t.Fatalf("backup: exit %d: %s %s", code, said, errs)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("PGDMP")) {
		t.Fatalf("the backup is not a pg_dump custom-format file: %v", err)
	}
	// README: createdb (from template0), then pg_restore.
	restored := emptyDatabase(t)
	if b, err := exec.Command("pg_restore", "--exit-on-error", "--no-owner", "--dbname="+restored, out).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v: %s", err, b)
	}
	for _, layer := range []string{"communes", "pei"} {
		if a, b := layerCount(t, db, layer), layerCount(t, restored, layer); a != b {
			t.Errorf("%s: %s features restored, %s saved", layer, b, a)
		}
	}
	_, before, _ := runCmd(t, "", "user", "list", "--db", db)
	_, after, _ := runCmd(t, "", "user", "list", "--db", restored)
	if before != after {
		t.Errorf("users after restore:\n%s\nbefore:\n%s", after, before)
	}
}

// emptyDatabase creates a database without PostGIS (from template0), as
// createdb does, and returns its URL; it is dropped when the test ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	admin := pgtest.Primary(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := "restored_" + strings.ToLower(rand.Text())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Without pg_dump, or with one older than the server, backup says what to
// install and writes nothing.
func TestBackupPostgresNeedsPgDump(t *testing.T) {
	db := pgtest.NewDatabase(t)
	onPlatform(t, db, func(platform) {})
	dir := t.TempDir()
	out := filepath.Join(dir, "plateforme.dump")
	t.Setenv("PATH", dir)
	code, _, errs := runCmd(t, "", "backup", "--db", db, "--out", out)
	if code != 1 || !strings.Contains(errs, "pg_dump is not installed") || !regexp.MustCompile(`postgresql-client-\d+`).MatchString(errs) {
		t.Errorf("without pg_dump: exit %d: %s", code, errs)
	}
	old := "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"
	if err := os.WriteFile(filepath.Join(dir, "pg_dump"), []byte(old), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "", "backup", "--db", db, "--out", out)
	if code != 1 || !strings.Contains(errs, "pg_dump is version 9") {
		t.Errorf("with pg_dump 9.6: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed backup left %s: %v", out, err)
	}
}

// migrate moves a demo platform into PostgreSQL and prints every check;
// run again it verifies and writes nothing; the platform then serves
// from PostgreSQL with its users and layers.
func TestMigrateCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "platform.gpkg")
	if code, out, errs := runCmd(t, "", "demo", "--db", file, "--scale", "0.02"); code != 0 {
		t.Fatalf("demo: exit %d: %s %s", code, out, errs)
	}
	db := pgtest.NewDatabase(t)
	code, out, errs := runCmd(t, "", "migrate", "--from", file, "--to", db)
	if code != 0 || !strings.Contains(out, "migrated and verified") || strings.Contains(out, "✗") {
		t.Fatalf("migrate: exit %d:\n%s\n%s", code, out, errs)
	}
	for _, table := range []string{"feed (seq, layer, uuid, version, op)", "versions (history)", "heads", "layer pei", "users", "tokens", "pushes", "blobs", "feed_clock"} {
		if !strings.Contains(out, table) {
			t.Errorf("the summary does not show %q:\n%s", table, out)
		}
	}
	code, out, errs = runCmd(t, "", "migrate", "--from", file, "--to", db)
	if code != 0 || !strings.Contains(out, "already migrated, verified, nothing written") {
		t.Errorf("migrate again: exit %d:\n%s\n%s", code, out, errs)
	}
	for _, layer := range []string{"communes", "pei", "canalaep"} {
		if a, b := layerCount(t, file, layer), layerCount(t, db, layer); a != b {
			t.Errorf("%s: %s features in PostgreSQL, %s in the file", layer, b, a)
		}
	}
	_, before, _ := runCmd(t, "", "user", "list", "--db", file)
	_, after, _ := runCmd(t, "", "user", "list", "--db", db)
	if before != after {
		t.Errorf("users after the migration:\n%s\nbefore:\n%s", after, before)
	}
	if code, _, errs := runCmd(t, "", "migrate", "--from", db, "--to", db); code != 2 {
		t.Errorf("migrate from a URL: exit %d: %s", code, errs)
	}
	if code, _, errs := runCmd(t, "", "migrate", "--from", file, "--to", file); code != 2 {
		t.Errorf("migrate to a file: exit %d: %s", code, errs)
	}
	desk := filepath.Join(t.TempDir(), "desk.gpkg")
	ws, err := store.Create(desk)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	if code, _, errs := runCmd(t, "", "migrate", "--from", desk, "--to", pgtest.NewDatabase(t)); code != 1 || !strings.Contains(errs, "not a platform file") {
		t.Errorf("migrate from a desk's workspace: exit %d: %s", code, errs)
	}
}
