package pgstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// Direct edits with psql and GDAL while ten desks push, the capture
// worker running: every change is accounted for — each technician's edit
// is a version, each desk's push is acknowledged, no desk is left with a
// pending edit, every desk ends with the table's content, and the
// reconciliation finds nothing to settle.
func TestDirectEditsWhileTenDesksPush(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	var ids []string
	for i := 0; i < 20; i++ {
		ids = append(ids, p.seed(fmt.Sprintf("PEI-%02d", i), orb.Point{4.86 + float64(i)*0.004, 46.55}, 60))
	}
	desks := make([]*testDesk, 10)
	for i := range desks {
		desks[i] = p.desk("admin")
	}
	p.runWorkers(1)
	const rounds = 5
	src := filepath.Join(t.TempDir(), "ajout.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"numero":"PEI-G1","type_pei":"PI"},"geometry":{"type":"Point","coordinates":[4.93,46.58]}},
		{"type":"Feature","properties":{"numero":"PEI-G2","type_pei":"BI"},"geometry":{"type":"Point","coordinates":[4.94,46.58]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				err := d.ws.Edit(context.Background(), func(tx *store.Tx) error {
					if _, err := tx.Update("pei", ids[i], store.Change{Properties: map[string]any{"numero": fmt.Sprintf("D%d-R%d", i, r)}}); err != nil {
						return err
					}
					_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.87 + float64(i)*0.005, 46.52 + float64(r)*0.005},
						Properties: map[string]any{"numero": fmt.Sprintf("N%d-%d", i, r), "type_pei": "PI"}})
					return err
				})
				if err == nil {
					_, err = d.c.Sync(context.Background())
				}
				if err != nil {
					errs <- fmt.Errorf("desk %d round %d: %w", i, r, err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for r := 0; r < rounds; r++ {
			// The technician's own hydrants, and the debit of those the desks
			// rename (a merge: other fields).
			sql := fmt.Sprintf(`UPDATE reseaux.pei SET debit = %d WHERE uuid IN ('%s', '%s', '%s')`, 100+r, ids[10+r], ids[15+r], ids[r])
			if out, err := p.psql(p.sig, sql); err != nil {
				errs <- fmt.Errorf("psql: %v %s", err, out)
				return
			}
		}
		if out, err := execTool("ogr2ogr", "-update", "-append", "-f", "PostgreSQL", p.libpqAs(p.sig), src, "-nln", "reseaux.pei"); err != nil {
			errs <- fmt.Errorf("ogr2ogr: %v %s", err, out)
		}
		if out, err := execTool("ogrinfo", p.libpqAs(p.sig), "-sql", "UPDATE reseaux.pei SET numero = 'PEI-10 (ogrinfo)' WHERE uuid = '"+ids[10]+"'"); err != nil {
			errs <- fmt.Errorf("ogrinfo: %v %s", err, out)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// Every direct edit becomes a version: wait for the worker to drain.
	for p.count(`SELECT count(*) FROM terrimap.captured`) > 0 {
		p.capture()
	}
	for _, d := range desks {
		d.sync()
		d.sync()
	}
	if rep := p.reconcile(); rep.Differences != 0 {
		t.Errorf("reconciliation after the storm: %+v", rep)
	}
	want := p.tableContent()
	if len(want) != 20+10*rounds+2 {
		t.Errorf("%d rows in the table, want %d", len(want), 20+10*rounds+2)
	}
	for i, d := range desks {
		if n := d.pendingCount(); n != 0 {
			t.Errorf("desk %d has %d edits not acknowledged", i, n)
		}
		got := d.content()
		if len(got) != len(want) {
			t.Errorf("desk %d holds %d hydrants, the table %d", i, len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("desk %d: %s is %q, the table says %q", i, id, got[id], w)
				break
			}
		}
	}
	if h := p.history(ids[10]); len(h) != 3 || h[2].Author != "db:"+p.sig {
		t.Errorf("history of a hydrant the technician edited twice: %d versions, last by %s", len(h), h[len(h)-1].Author)
	}
	if f := p.feature(ids[0]); f.Properties["numero"] != "D0-R4" || f.Properties["debit"] != 100.0 {
		t.Errorf("a desk's renaming and the technician's debit did not merge: %s", propsJSON(f.Properties))
	}
}

// execTool runs an outside tool and returns its output.
func execTool(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// tableContent is every row of reseaux.pei as "numero|debit", by uuid.
func (p *capPlatform) tableContent() map[string]string {
	p.t.Helper()
	rows, err := p.st.Pool().Query(p.ctx, `SELECT uuid::text, coalesce(numero, '') || '|' || coalesce(debit::text, '') FROM reseaux.pei`)
	if err != nil {
		p.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			p.t.Fatal(err)
		}
		out[id] = v
	}
	return out
}

// content is every hydrant of the desk as "numero|debit", by uuid.
func (d *testDesk) content() map[string]string {
	d.t.Helper()
	fs, err := d.ws.Query(context.Background(), store.Query{Layer: "pei"})
	if err != nil {
		d.t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		num, _ := f.Properties["numero"].(string)
		debit := ""
		if v, ok := f.Properties["debit"].(float64); ok {
			debit = fmt.Sprint(v)
		}
		out[f.UUID] = num + "|" + debit
	}
	return out
}

// pendingCount counts the desk's journal entries not acknowledged.
func (d *testDesk) pendingCount() int {
	d.t.Helper()
	c, err := d.ws.JournalCount(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	n := 0
	for _, k := range c {
		n += k
	}
	return n
}
