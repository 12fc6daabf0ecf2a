package pgstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/server"

	"terrimap/sync/protocol"
)

// runGDAL runs an outside tool (GDAL), failing the test on an error.
func runGDAL(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := execTool(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// GDAL's PostgreSQL driver: features appended by ogr2ogr -update -append
// (from a GeoJSON file without uuids) and an UPDATE through ogrinfo -sql
// become versions like any direct edit.
func TestGDALAppendAndUpdate(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	src := filepath.Join(t.TempDir(), "nouveaux.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"numero":"PEI-20","type_pei":"PI","debit":120.0},"geometry":{"type":"Point","coordinates":[4.93,46.56]}},
		{"type":"Feature","properties":{"numero":"PEI-21","type_pei":"BI","debit":60.0},"geometry":{"type":"Point","coordinates":[4.94,46.57]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	runGDAL(t, "ogr2ogr", "-update", "-append", "-f", "PostgreSQL", p.libpqAs(p.sig), src, "-nln", "reseaux.pei")
	runGDAL(t, "ogrinfo", p.libpqAs(p.sig), "-sql", "UPDATE reseaux.pei SET debit = 66.6 WHERE uuid = '"+a+"'")
	st := p.capture()
	if st.Versions != 3 || st.Issues != 0 {
		t.Fatalf("capture: %+v, want 3 versions", st)
	}
	if f := p.feature(a); f.Properties["debit"] != 66.6 || f.Version != 2 {
		t.Errorf("after ogrinfo's UPDATE: v%d %s", f.Version, propsJSON(f.Properties))
	}
	changes, _, _, err := p.st.Changes(p.ctx, 0, 100, []string{"pei"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range changes {
		if c.Version == 1 && c.ModifiedBy == "db:"+p.sig {
			got[c.Properties["numero"].(string)] = true
		}
	}
	if !got["PEI-20"] || !got["PEI-21"] {
		t.Errorf("the feed lacks the appended hydrants: %v", got)
	}
}

// A TRUNCATE is captured as one statement: every feature of the table
// gets its tombstone, by the role that truncated.
func TestTruncateTombstonesEverything(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	ids := []string{p.seed("PEI-1", orb.Point{4.90, 46.55}, 60), p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)}
	p.mustPsql(p.sig, `TRUNCATE reseaux.pei`)
	st := p.capture()
	if st.Versions != 2 || len(st.Truncated) != 1 {
		t.Fatalf("capture: %+v", st)
	}
	for _, id := range ids {
		f := p.feature(id)
		h := p.history(id)
		if f.Exists || f.Version != 2 || h[len(h)-1].Author != "db:"+p.sig || h[len(h)-1].Op != protocol.OpDelete {
			t.Errorf("%s after TRUNCATE: %+v, history %+v", id, f, h)
		}
	}
}

// Edits made with the triggers disabled are found by the reconciliation,
// which enables the triggers again and says so.
func TestEditsWithTriggersDisabled(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
	p.mustPsql("postgres", `ALTER TABLE reseaux.pei DISABLE TRIGGER USER;
		UPDATE reseaux.pei SET debit = 10 WHERE uuid = '`+a+`';
		DELETE FROM reseaux.pei WHERE uuid = '`+b+`';
		INSERT INTO reseaux.pei (uuid, numero, type_pei, geom) VALUES (gen_random_uuid(), 'PEI-3', 'PI', ST_SetSRID(ST_MakePoint(4.92, 46.55), 4326));`)
	if st := p.capture(); st.Captured != 0 {
		t.Fatalf("captured %+v with the triggers disabled", st)
	}
	rep := p.reconcile()
	if rep.Differences != 3 || rep.Versions != 3 {
		t.Fatalf("reconciliation: %+v, want 3 differences settled", rep)
	}
	if !strings.Contains(strings.Join(rep.Repairs, "\n"), "disabled") {
		t.Errorf("repairs %q do not say the triggers were disabled", rep.Repairs)
	}
	if f := p.feature(a); f.Properties["debit"] != 10.0 || f.Version != 2 {
		t.Errorf("updated: %+v", f)
	}
	if f := p.feature(b); f.Exists {
		t.Errorf("deleted feature still exists: %+v", f)
	}
	if h := p.history(a); h[1].Author != reconcileAuthor {
		t.Errorf("author %q, want %q", h[1].Author, reconcileAuthor)
	}
	// The triggers work again.
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = 11 WHERE uuid = '`+a+`'`)
	if st := p.capture(); st.Versions != 1 {
		t.Errorf("capture after the repair: %+v", st)
	}
	if rep := p.reconcile(); rep.Differences != 0 || len(rep.Repairs) != 0 {
		t.Errorf("second reconciliation: %+v", rep)
	}
}

// The table dropped and re-created by ogr2ogr -overwrite (from a copy the
// technician edited): the reconciliation gives it back its uuid type and
// default, triggers, policies and spatial index, and turns what changed
// into versions — only that.
func TestOgr2ogrOverwrite(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
	c := p.seed("PEI-3", orb.Point{4.92, 46.55}, 60)
	copyPath := filepath.Join(t.TempDir(), "pei.gpkg")
	runGDAL(t, "ogr2ogr", "-f", "GPKG", copyPath, p.libpqAs(p.sig), "reseaux.pei", "-nln", "pei")
	runGDAL(t, "ogrinfo", copyPath, "-sql", "UPDATE pei SET debit = 99 WHERE uuid = '"+a+"'")
	runGDAL(t, "ogrinfo", copyPath, "-sql", "DELETE FROM pei WHERE uuid = '"+b+"'")
	runGDAL(t, "ogr2ogr", "-overwrite", "-f", "PostgreSQL", p.libpqAs("postgres"), copyPath, "pei",
		"-nln", "reseaux.pei", "-lco", "GEOMETRY_NAME=geom")
	rep := p.reconcile()
	if rep.Differences != 2 || rep.Versions != 2 {
		t.Fatalf("reconciliation: %+v, want the update and the delete only", rep)
	}
	joined := strings.Join(rep.Repairs, "\n")
	for _, want := range []string{"uuid column was character varying", "installed again"} {
		if !strings.Contains(joined, want) {
			t.Errorf("repairs do not say %q:\n%s", want, joined)
		}
	}
	if f := p.feature(a); f.Properties["debit"] != 99.0 || f.Version != 2 {
		t.Errorf("updated: %+v", f)
	}
	if f := p.feature(b); f.Exists {
		t.Errorf("deleted: %+v", f)
	}
	if f := p.feature(c); f.Version != 1 {
		t.Errorf("unchanged feature got a version: %+v", f)
	}
	if n := p.count(`SELECT count(*) FROM pg_indexes WHERE schemaname = 'reseaux' AND tablename = 'pei' AND indexdef LIKE '%USING gist (geom)%'`); n < 1 {
		t.Errorf("no GiST index on the re-created table")
	}
	// Captured again, and a row inserted without uuid gets one. (The
	// technician's grants went with the dropped table: given again, as the
	// database administrator would.)
	p.exec(`GRANT SELECT, INSERT, UPDATE, DELETE ON reseaux.pei TO ` + p.sig)
	p.exec(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA reseaux TO ` + p.sig)
	p.mustPsql(p.sig, `INSERT INTO reseaux.pei (numero, type_pei, geom) VALUES ('PEI-4', 'PI', ST_SetSRID(ST_MakePoint(4.93, 46.55), 4326));
		UPDATE reseaux.pei SET debit = 1 WHERE uuid = '`+c+`'`)
	if st := p.capture(); st.Versions != 2 {
		t.Errorf("capture on the re-created table: %+v", st)
	}
	if rep := p.reconcile(); rep.Differences != 0 || len(rep.Repairs) != 0 {
		t.Errorf("second reconciliation: %+v", rep)
	}
}

// holdSeconds is how long the technician's transaction stays open in
// TestTransactionHeldOpen: QGIS holds one for minutes; 5 s shows the same
// (the capture passes and the pushes meanwhile neither wait for it nor see
// it) without slowing the suite.
const holdSeconds = "5"

// A transaction held open (QGIS editing): nothing is captured before it
// commits; meanwhile other features are pushed and captured without
// waiting for it; after the commit, its edits become versions.
func TestTransactionHeldOpen(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
	d := p.desk("tournus")
	held := p.holdRow(a, 1, holdSeconds)
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = 2 WHERE uuid = '`+b+`'`)
	if st := p.capture(); st.Versions != 1 {
		t.Errorf("capture while a transaction is open: %+v, want only the committed edit", st)
	}
	d.update(b, map[string]any{"numero": "PEI-2bis"})
	if s := d.sync(); s.Push.Applied+s.Push.Merged != 1 {
		t.Errorf("push while a transaction is open: %+v", s.Push)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if st := p.capture(); st.Versions != 1 {
		t.Errorf("capture after the commit: %+v", st)
	}
	if f := p.feature(a); f.Properties["debit"] != 1.0 || f.Version != 2 {
		t.Errorf("after the commit: %+v", f)
	}
}

// A desk pushes a change to a hydrant whose row a QGIS transaction holds
// open: the push cannot take the row and fails at once, as a whole,
// changing nothing (ErrRowBusy; it does not wait holding the feed lock);
// the client tries again, and the platform goes on serving other desks.
// Once the technician commits, the desk's push meets the technician's
// edit: a conflict on the field both changed — the technician's value
// stays, the desk keeps its own.
func TestPushWaitsForAnOpenTransactionThenConflicts(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
	d := p.desk("tournus")
	other := p.desk("admin")
	held := p.holdRow(a, 1, "8")
	d.update(a, map[string]any{"debit": 2.0})
	type result struct {
		s   client.Summary
		err error
	}
	pushed := make(chan result, 1)
	go func() {
		s, err := d.c.Sync(context.Background())
		pushed <- result{s, err}
	}()
	other.update(b, map[string]any{"numero": "PEI-2bis"})
	if s := other.sync(); s.Push.Applied != 1 {
		t.Errorf("another desk's push meanwhile: %+v", s.Push)
	}
	select {
	case <-held:
		t.Fatalf("the technician's transaction ended before the other desk was served: inconclusive")
	default:
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	r := <-pushed
	if r.err == nil && r.s.Conflicts != 1 {
		t.Errorf("the held desk's sync: %+v, want the conflict on debit", r.s)
	}
	if r.err != nil {
		// The client gave up before the commit: its edit waits, and the
		// next sync meets the technician's.
		if n := d.pendingCount(); n != 1 {
			t.Errorf("after a failed push the desk has %d edits, want its 1 kept", n)
		}
		if s := d.sync(); s.Conflicts != 1 {
			t.Errorf("next sync: %+v, want the conflict on debit", s)
		}
	}
	if f := p.feature(a); f.Properties["debit"] != 1.0 {
		t.Errorf("the technician's debit became %v", f.Properties["debit"])
	}
	if f := d.get(a); f.Properties["debit"] != 2.0 {
		t.Errorf("the desk's debit became %v, want its 2 kept", f.Properties["debit"])
	}
}

// holdRow sets a hydrant's debit in the technician's transaction (real
// psql), held open for seconds before it commits; it returns once the row
// is held, and the channel gives the transaction's outcome.
func (p *capPlatform) holdRow(id string, debit float64, seconds string) <-chan error {
	p.t.Helper()
	held := make(chan error, 1)
	go func() {
		sql := fmt.Sprintf(`BEGIN; UPDATE reseaux.pei SET debit = %g WHERE uuid = '%s'; SELECT pg_sleep(%s); COMMIT;`, debit, id, seconds)
		out, err := p.psql(p.sig, sql)
		if err != nil {
			err = fmt.Errorf("held transaction: %v: %s", err, out)
		}
		held <- err
	}()
	p.waitRowHeld(id)
	return held
}

// waitRowHeld waits until another transaction holds a hydrant's row (the
// technician's UPDATE has run, its transaction still open).
func (p *capPlatform) waitRowHeld(id string) {
	p.t.Helper()
	for {
		tx, err := p.st.Pool().Begin(p.ctx)
		if err != nil {
			p.t.Fatal(err)
		}
		_, err = tx.Exec(p.ctx, `SELECT 1 FROM reseaux.pei WHERE uuid = $1 FOR UPDATE NOWAIT`, id)
		tx.Rollback(p.ctx)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" {
			return
		}
		if err != nil {
			p.t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// What an outside tool may take away from a table, the reconciliation
// puts back and says so: the spatial index, the geometry column's name,
// a field column (its values, gone, become a version), the uuid default.
func TestReconcileRepairsTheTable(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	var gist string
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = 'reseaux' AND tablename = 'pei' AND indexdef LIKE '%USING gist%'`).Scan(&gist); err != nil {
		t.Fatal(err)
	}
	p.mustPsql("postgres", `DROP INDEX reseaux.`+gist+`;
		ALTER TABLE reseaux.pei RENAME COLUMN geom TO wkb_geometry;
		ALTER TABLE reseaux.pei DROP COLUMN debit;
		ALTER TABLE reseaux.pei ALTER COLUMN uuid DROP DEFAULT;`)
	rep := p.reconcile()
	joined := strings.Join(rep.Repairs, "\n")
	for _, want := range []string{"GiST", "wkb_geometry renamed geom", "column debit was missing", "no default"} {
		if !strings.Contains(joined, want) {
			t.Errorf("repairs do not say %q:\n%s", want, joined)
		}
	}
	if rep.Versions != 1 {
		t.Errorf("reconciliation: %+v, want one version (debit lost)", rep)
	}
	if f := p.feature(a); f.Properties["debit"] != nil || f.Version != 2 {
		t.Errorf("after the column was dropped: %+v", f)
	}
	if n := p.count(`SELECT count(*) FROM pg_indexes WHERE schemaname = 'reseaux' AND tablename = 'pei' AND indexdef LIKE '%USING gist (geom)%'`); n != 1 {
		t.Errorf("%d GiST indexes on geom, want 1", n)
	}
	p.mustPsql(p.sig, `INSERT INTO reseaux.pei (numero, type_pei, geom) VALUES ('PEI-2', 'PI', ST_SetSRID(ST_MakePoint(4.91, 46.55), 4326))`)
	if st := p.capture(); st.Versions != 1 {
		t.Errorf("capture after the repairs: %+v", st)
	}
	if rep := p.reconcile(); rep.Differences != 0 || len(rep.Repairs) != 0 {
		t.Errorf("second reconciliation: %+v", rep)
	}
}

// A write that meets a row an open transaction holds fails at once with
// ErrRowBusy, which is also server.ErrBusy: the platform answers 503 with
// Retry-After rather than 500, and the desk tries again.
func TestBusyRowIsServerBusy(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	held := p.holdRow(a, 1, "3")
	err := p.st.Write(p.ctx, func(tx server.WriteTx) error {
		_, err := tx.Feature("pei", a)
		return err
	})
	if !errors.Is(err, ErrRowBusy) || !errors.Is(err, server.ErrBusy) {
		t.Errorf("reading a held row in a write: %v, want ErrRowBusy and server.ErrBusy", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// A field column renamed outside the platform (QGIS's «Rename field»)
// is renamed back with its values: no desk sees the field emptied, no
// version is written. Two renames of columns of different types are each
// put back where they belong.
func TestReconcileRenamesBackARenamedColumn(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	d := p.desk("tournus")
	p.mustPsql("postgres", `ALTER TABLE reseaux.pei RENAME COLUMN numero TO numero_pei;
		ALTER TABLE reseaux.pei RENAME COLUMN debit TO debit_m3h;`)
	rep := p.reconcile()
	joined := strings.Join(rep.Repairs, "\n")
	for _, want := range []string{"numero was renamed numero_pei", "debit was renamed debit_m3h"} {
		if !strings.Contains(joined, want) {
			t.Errorf("repairs do not say %q:\n%s", want, joined)
		}
	}
	if rep.Versions != 0 || rep.Differences != 0 {
		t.Errorf("reconciliation after renames: %+v, want nothing to settle", rep)
	}
	if f := p.feature(a); f.Properties["numero"] != "PEI-1" || f.Properties["debit"] != 60.0 || f.Version != 1 {
		t.Errorf("the hydrant after the renames: %+v", f)
	}
	if n := p.count(`SELECT count(*) FROM reseaux.pei WHERE numero = 'PEI-1' AND debit = 60`); n != 1 {
		t.Errorf("the table's row lost its values: %d rows match", n)
	}
	d.sync()
	if f := d.get(a); f.Properties["numero"] != "PEI-1" || f.Properties["debit"] != 60.0 {
		t.Errorf("the desk's hydrant after the renames: %v", f.Properties)
	}
	if rep := p.reconcile(); len(rep.Repairs) != 0 {
		t.Errorf("a second reconciliation repairs again: %v", rep.Repairs)
	}
}

// A layer with a date-time field is left as it is by a reconciliation:
// its timestamptz column is the type the schema asks for, whatever name
// PostgreSQL gives it.
func TestReconcileLeavesDateTimeColumns(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	l := schema.Layer{Name: "releves", GeometryType: schema.Point, Fields: []schema.Field{{Name: "mesure_le", Type: schema.DateTime}}}
	if err := p.st.PutLayer(p.ctx, server.LayerRecord{Schema: l}); err != nil {
		t.Fatal(err)
	}
	if rep := p.reconcile(); len(rep.Repairs) != 0 {
		t.Errorf("a reconciliation repairs a table just made: %v", rep.Repairs)
	}
}
