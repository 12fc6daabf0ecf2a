package pgstore

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// debianPython is the Python that Debian's python3-qgis is installed for
// (another python3 may come first in PATH).
const debianPython = "/usr/bin/python3"

// qgisEditReport is what testdata/qgis_edit.py prints.
type qgisEditReport struct {
	Fields      map[string]string `json:"fields"`
	CRS         string            `json:"crs"`
	CountBefore int               `json:"count_before"`
	CountAfter  int               `json:"count_after"`
	Committed   bool              `json:"committed"`
	Errors      []string          `json:"errors"`
	Error       string            `json:"error"`
}

// TestQGISEditsReachDesks edits the hydrants table with QGIS itself (its
// PostgreSQL provider, through PyQGIS, in one edit session as a GIS
// technician saves it): a changed flow, a moved hydrant, a new one and a
// deleted one. QGIS must open the layer as it is (typed fields, EPSG:4326),
// and every edit must become a version of the feed attributed to the
// technician's role, reach a desk at its next sync, and turn the desk's
// pending edit of the same field into a conflict.
func TestQGISEditsReachDesks(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	flow := p.seed("T-01", orb.Point{4.90, 46.55}, 60)
	moved := p.seed("T-02", orb.Point{4.91, 46.55}, 60)
	gone := p.seed("T-03", orb.Point{4.92, 46.55}, 60)
	d := p.desk("tournus")
	d.update(flow, map[string]any{"debit": 75.0})

	cfg, err := pgx.ParseConfig(p.url)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(map[string]any{
		"host": cfg.Host, "port": cfg.Port, "dbname": cfg.Database, "user": p.sig,
		"set_debit": []any{"T-01", 120.0},
		"move":      []any{"T-02", 4.915, 46.552},
		"add":       map[string]any{"numero": "T-99", "type_pei": "BI", "x": 4.93, "y": 46.56},
		"delete":    "T-03",
	})
	cmd := exec.Command(debianPython, "testdata/qgis_edit.py", string(js))
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("QGIS: %v\n%s\n%s", err, out, stderr.String())
	}
	var rep qgisEditReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("QGIS's report %q: %v\n%s", out, err, stderr.String())
	}
	if !rep.Committed || rep.Error != "" {
		t.Fatalf("QGIS could not save its edits: %+v", rep)
	}
	if rep.CRS != "EPSG:4326" || rep.CountBefore != 3 || rep.CountAfter != 3 {
		t.Errorf("QGIS sees %s with %d then %d features, want EPSG:4326, 3 and 3", rep.CRS, rep.CountBefore, rep.CountAfter)
	}
	for field, typ := range map[string]string{"uuid": "uuid", "numero": "text", "debit": "float8", "date_ct": "date"} {
		if rep.Fields[field] != typ {
			t.Errorf("QGIS sees field %s as %q, want %q (all: %v)", field, rep.Fields[field], typ, rep.Fields)
		}
	}

	if st := p.capture(); st.Versions != 4 {
		t.Fatalf("capture of QGIS's session: %+v, want 4 versions", st)
	}
	author := "db:" + p.sig
	for _, c := range []struct {
		id      string
		version int64
	}{{flow, 2}, {moved, 2}, {gone, 2}} {
		h := p.history(c.id)
		if len(h) != int(c.version) || h[len(h)-1].Author != author {
			t.Errorf("history of %s: %+v, want version %d by %s", c.id, h, c.version, author)
		}
	}
	if f := p.feature(gone); f.Exists {
		t.Error("the hydrant QGIS deleted is still current on the platform")
	}
	if f := p.feature(moved); f.Geometry != (orb.Point{4.915, 46.552}) {
		t.Errorf("the moved hydrant is at %v on the platform", f.Geometry)
	}

	s := d.sync()
	if s.Conflicts != 1 {
		t.Fatalf("the desk's sync: %d conflicts, want 1 on T-01's flow", s.Conflicts)
	}
	cs, err := d.ws.Conflicts(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].UUID != flow || cs[0].Theirs.Properties["debit"] != 120.0 {
		t.Fatalf("conflicts: %+v, want T-01's flow against QGIS's 120", cs)
	}
	if got := d.get(moved).Geometry; got != (orb.Point{4.915, 46.552}) {
		t.Errorf("the desk has the moved hydrant at %v", got)
	}
	if _, err := d.ws.Get(p.ctx, "pei", gone); err == nil {
		t.Error("the desk still has the hydrant QGIS deleted")
	}
	added := d.content()
	found := false
	for _, v := range added {
		if strings.Contains(v, "T-99") {
			found = true
		}
	}
	if !found {
		t.Errorf("the hydrant QGIS added did not reach the desk: %v", added)
	}
	if rep := p.reconcile(); rep.Differences != 0 {
		t.Errorf("table and feed disagree after QGIS's session: %+v", rep)
	}
}
