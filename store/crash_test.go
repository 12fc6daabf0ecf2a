package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// crashChildEnv names the workspace a re-executed test binary edits until it
// is killed (see TestMain).
const crashChildEnv = "TERRIMAP_CRASH_CHILD_WORKSPACE"

// crashAloneEnv, set, makes the child import alone (importAloneUntilKilled).
const crashAloneEnv = "TERRIMAP_CRASH_CHILD_ALONE"

func TestMain(m *testing.M) {
	if path := os.Getenv(openRSSEnv); path != "" {
		os.Exit(openAndReportRSS(path))
	}
	if path := os.Getenv(crashChildEnv); path != "" {
		seed, _ := strconv.ParseUint(os.Getenv("TERRIMAP_CRASH_SEED"), 10, 64)
		if os.Getenv(crashAloneEnv) != "" {
			os.Exit(importAloneUntilKilled(path, seed))
		}
		os.Exit(editUntilKilled(path, seed))
	}
	os.Exit(m.Run())
}

// editUntilKilled opens the workspace and edits it forever: creations,
// updates of a counter and a geometry, deletions, in transactions of
// random size, and imports of up to 1,200 features. It says "ready" once
// the workspace is open.
func editUntilKilled(path string, seed uint64) int {
	ctx := context.Background()
	ws, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	fmt.Println("ready")
	for n := 0; ; n++ {
		if rng.IntN(6) == 0 {
			// An import: a bulk load (R*Tree triggers suspended, the tree
			// packed again, text indexed apart) when it is large enough.
			ds := &formats.Dataset{Name: "pei", SRS: SRSWGS84, Fields: []formats.Field{{Name: "nom", Type: schema.Text}, {Name: "nb_ct", Type: schema.Integer}}}
			for i := range rng.IntN(1200) {
				ds.Features = append(ds.Features, formats.Feature{Geometry: orb.Point{4.8 + rng.Float64()*0.2, 46.4 + rng.Float64()*0.2},
					Properties: map[string]any{"nom": fmt.Sprintf("import %d.%d", n, i), "nb_ct": int64(i)}})
			}
			if _, err := ws.Import(ctx, ds, ImportOptions{Layer: "pei"}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 4
			}
			continue
		}
		err := ws.Edit(ctx, func(tx *Tx) error {
			for i := 0; i < 1+rng.IntN(20); i++ {
				existing, err := tx.randomFeature(rng)
				if err != nil {
					return err
				}
				switch {
				case existing == "" || rng.IntN(3) == 0:
					_, err = tx.Create("pei", Feature{Geometry: orb.Point{4.8 + rng.Float64()*0.2, 46.4 + rng.Float64()*0.2},
						Properties: map[string]any{"nom": fmt.Sprintf("edit %d.%d", n, i), "nb_ct": 0}})
				case rng.IntN(8) == 0:
					err = tx.Delete("pei", existing)
				default:
					_, err = tx.Update("pei", existing, Change{
						Properties:  map[string]any{"nb_ct": rng.IntN(1000000), "nom": fmt.Sprintf("edit %d.%d", n, i)},
						Geometry:    orb.Point{4.8 + rng.Float64()*0.2, 46.4 + rng.Float64()*0.2},
						SetGeometry: rng.IntN(2) == 0})
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
	}
}

// importAloneUntilKilled opens the workspace and imports into it forever,
// alone (ImportOptions.Alone: with the rollback journal), 2,000 to 20,000
// features at a time, with a page cache of 512 KiB. It says "ready" once
// the workspace is open.
func importAloneUntilKilled(path string, seed uint64) int {
	ctx := context.Background()
	ws, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	// A small page cache: the import writes pages into the file before it
	// commits (a spill), as one of a million features does.
	if _, err := ws.DB().Exec("PRAGMA cache_size = -512"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	fmt.Println("ready")
	for n := 0; ; n++ {
		ds := &formats.Dataset{Name: "pei", SRS: SRSWGS84, Fields: []formats.Field{{Name: "nom", Type: schema.Text}, {Name: "nb_ct", Type: schema.Integer}}}
		for i := range 2000 + rng.IntN(18000) {
			ds.Features = append(ds.Features, formats.Feature{Geometry: orb.Point{4.8 + rng.Float64()*0.2, 46.4 + rng.Float64()*0.2},
				Properties: map[string]any{"nom": fmt.Sprintf("import %d.%d", n, i), "nb_ct": int64(i)}})
		}
		if _, err := ws.Import(ctx, ds, ImportOptions{Layer: "pei", Alone: true}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
	}
}

func (tx *Tx) randomFeature(rng *rand.Rand) (string, error) {
	var id string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT uuid FROM pei ORDER BY random() LIMIT 1`).Scan(&id)
	if err != nil && err.Error() == "sql: no rows in result set" {
		return "", nil
	}
	return id, err
}

// The child process is killed with SIGKILL at random moments while it
// edits; after each kill the workspace reopens sound, every committed edit
// has its journal entries and no journal entry lacks its edit.
func TestCrashKeepsEditsAndJournalTogether(t *testing.T) {
	path, rng := crashWorkspace(t)
	const kills = 60
	lastEntries := 0
	for k := 0; k < kills; k++ {
		killChild(t, path, rng, k, nil, 2, 80)
		lastEntries = checkJournalMatchesData(t, path, k)
	}
	if lastEntries == 0 {
		t.Fatal("the child never committed an edit")
	}
	t.Logf("%d kills, %d journal entries at the end", kills, lastEntries)
}

// An import alone, written with the rollback journal, killed at any
// moment: the next Open undoes what it had written (the journal's pages
// copied back, the file cut to its length), the workspace is as after the
// last import that committed, and back in WAL mode.
func TestCrashMidImportAloneLeavesWorkspaceAsBefore(t *testing.T) {
	path, rng := crashWorkspace(t)
	const kills = 20
	hot, lastEntries := 0, 0
	for k := 0; k < kills; k++ {
		killChild(t, path, rng, k, []string{crashAloneEnv + "=1"}, 20, 1500)
		if hotJournal(t, path) {
			hot++
			// A read-only open (an export, the indicators, a backup) comes
			// first at times: it must read the workspace as after its last
			// commit too, not fail on the journal left behind.
			ws, err := Open(path, Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("kill %d: read-only open after the crash: %v", k, err)
			}
			ws.Close()
		}
		lastEntries = checkJournalMatchesData(t, path, k)
		if hotJournal(t, path) {
			t.Fatalf("kill %d: the rollback journal is still hot after Open", k)
		}
	}
	if hot == 0 {
		t.Fatal("no kill fell inside an import written with the rollback journal")
	}
	t.Logf("%d kills, %d inside an import with the rollback journal, %d journal entries at the end", kills, hot, lastEntries)
}

// hotJournal reports whether the workspace at path has a hot rollback
// journal: one whose header SQLite has written, which it does before it
// writes a page into the file. A journal whose header is still zero (the
// import was killed before it wrote into the file) is not hot: SQLite
// leaves it where it is and ignores it.
func hotJournal(t *testing.T, path string) bool {
	t.Helper()
	head := make([]byte, 8)
	f, err := os.Open(path + "-journal")
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, _ := io.ReadFull(f, head)
	return n > 0 && !bytes.Equal(head[:n], make([]byte, n))
}

// crashWorkspace creates the workspace the child edits: the hydrants'
// layer, empty.
func crashWorkspace(t *testing.T) (string, *rand.Rand) {
	seed := rand.Uint64()
	if s := os.Getenv("TERRIMAP_TEST_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with TERRIMAP_TEST_SEED)", seed)
	return hydrantWorkspaceFile(t), rand.New(rand.NewPCG(seed, 1))
}

// killChild starts the child on path (with env added), lets it work
// between minMS and maxMS milliseconds after it is ready, and kills it.
func killChild(t *testing.T, path string, rng *rand.Rand, k int, env []string, minMS, maxMS int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), crashChildEnv+"="+path, fmt.Sprintf("TERRIMAP_CRASH_SEED=%d", rng.Uint64())), env...)
	stdout, _ := cmd.StdoutPipe()
	var stderr safeBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		cmd.Wait()
		t.Fatalf("kill %d: child did not start: %q %s", k, line, stderr.String())
	}
	time.Sleep(time.Duration(minMS+rng.IntN(maxMS-minMS)) * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ws, ok := err.(*exec.ExitError); !ok || ws.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("kill %d: child ended otherwise: %v %s", k, err, stderr.String())
	}
}

// checkJournalMatchesData replays the journal and compares it with the
// data: features present are exactly those created and not deleted, and
// each holds the values its last journaled edit gave it.
func checkJournalMatchesData(t *testing.T, path string, kill int) int {
	t.Helper()
	ctx := context.Background()
	ws, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("kill %d: reopen: %v", kill, err)
	}
	defer ws.Close()
	if check, err := ws.IntegrityCheck(ctx); err != nil || check != "ok" {
		t.Fatalf("kill %d: integrity check: %q %v", kill, check, err)
	}
	var mode string
	if err := ws.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("kill %d: journal mode %q %v, want wal", kill, mode, err)
	}
	entries, err := ws.Journal(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	type state struct {
		props map[string]any
		geom  orb.Geometry
	}
	replay := map[string]*state{}
	for _, e := range entries {
		switch e.Op {
		case OpCreate:
			replay[e.UUID] = &state{props: e.Properties, geom: e.Geometry}
		case OpUpdate:
			s, ok := replay[e.UUID]
			if !ok {
				t.Fatalf("kill %d: update of %s before its creation", kill, e.UUID)
			}
			for k, v := range e.Properties {
				s.props[k] = v
			}
			if e.GeometryChanged {
				s.geom = e.Geometry
			}
		case OpDelete:
			delete(replay, e.UUID)
		}
	}
	features, err := ws.Query(ctx, Query{Layer: "pei"})
	if err != nil {
		t.Fatal(err)
	}
	if len(features) != len(replay) {
		t.Fatalf("kill %d: %d features, the journal accounts for %d", kill, len(features), len(replay))
	}
	for _, f := range features {
		s, ok := replay[f.UUID]
		if !ok {
			t.Fatalf("kill %d: feature %s has no journaled creation", kill, f.UUID)
		}
		if !reflect.DeepEqual(s.props, f.Properties) || !orb.Equal(s.geom, f.Geometry) {
			t.Fatalf("kill %d: feature %s is %v %v, its journal says %v %v", kill, f.UUID, f.Properties, f.Geometry, s.props, s.geom)
		}
	}
	if n := ws.Index().Len("pei"); n != len(features) {
		t.Fatalf("kill %d: index has %d entries for %d features", kill, n, len(features))
	}
	// The GeoPackage R*Tree holds the same boxes as the data.
	var rtreeRows int
	ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM rtree_pei_geom`).Scan(&rtreeRows)
	if rtreeRows != len(features) {
		t.Fatalf("kill %d: rtree has %d rows for %d features", kill, rtreeRows, len(features))
	}
	return len(entries)
}
