package store

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"terrimap/store/schema"
)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// The CCMT territory, where generated features fall.
var benchBound = orb.Bound{Min: orb.Point{4.74285, 46.39912}, Max: orb.Point{4.98615, 46.59596}}

// benchFormat changes when the generated workspaces must be made again.
const benchFormat = 1

// benchWorkspace returns the path of a synced workspace of n features —
// hydrants (points) and water pipes (lines) in equal numbers — generated
// once and kept in the temp dir for later runs.
func benchWorkspace(b *testing.B, n int) string {
	b.Helper()
	return cachedBenchWorkspace(b, fmt.Sprintf("terrimap-bench-v%d-%d.gpkg", benchFormat, n), func(ws *Workspace) {
		fillBenchWorkspace(b, ws, n)
	})
}

// cachedBenchWorkspace returns the path of the workspace name in the temp
// dir, made by fill the first time and kept for later runs: fill writes
// into a new workspace beside it, renamed once closed.
func cachedBenchWorkspace(b *testing.B, name string, fill func(ws *Workspace)) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	os.Remove(tmp)
	ws, err := Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	fill(ws)
	ws.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// fillBenchWorkspace writes benchWorkspace's n features into ws.
func fillBenchWorkspace(b *testing.B, ws *Workspace, n int) {
	b.Helper()
	ctx := context.Background()
	for _, s := range []func() schema.Layer{hydrantSchema, pipeSchema} {
		if _, err := ws.CreateLayer(ctx, s()); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var points, lines []RemoteFeature
	for i := 0; i < n; i++ {
		p := orb.Point{benchBound.Min[0] + rng.Float64()*(benchBound.Max[0]-benchBound.Min[0]),
			benchBound.Min[1] + rng.Float64()*(benchBound.Max[1]-benchBound.Min[1])}
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		if i%2 == 0 {
			points = append(points, RemoteFeature{UUID: id, Version: 1, Geometry: p,
				Properties: map[string]any{"nom": fmt.Sprintf("PEI %d", i), "type_pei": "PI", "debit": 60.0}})
		} else {
			lines = append(lines, RemoteFeature{UUID: id, Version: 1,
				Geometry:   orb.LineString{p, {p[0] + rng.Float64()*0.002, p[1] + rng.Float64()*0.002}},
				Properties: map[string]any{"materiau": "05", "diametre": 110}})
		}
	}
	err := ws.Edit(ctx, func(tx *Tx) error {
		if _, err := tx.ApplyRemoteBatch("pei", points); err != nil {
			return err
		}
		_, err := tx.ApplyRemoteBatch("canalaep", lines)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOpen1M opens a 1,000,000-feature workspace until its in-memory
// R-tree is ready. It also reports the peak RSS of a process that does only that.
func BenchmarkOpen1M(b *testing.B) {
	path := benchWorkspace(b, 1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		ws, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if ws.Index().Len("pei")+ws.Index().Len("canalaep") != 1_000_000 {
			b.Fatal("index incomplete")
		}
		ws.Close()
	}
	b.StopTimer()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), openRSSEnv+"="+path)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("rss child: %v", err)
	}
	kb, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
}

// openRSSEnv makes the test binary open a workspace and print its peak RSS in kB.
const openRSSEnv = "TERRIMAP_OPEN_RSS_WORKSPACE"

func openAndReportRSS(path string) int {
	ws, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer ws.Close()
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Println(strings.Fields(line)[1])
		}
	}
	return 0
}

// windowFor returns a window holding about want of n uniformly spread features.
func windowFor(rng *rand.Rand, want, n int) orb.Bound {
	frac := float64(want) / float64(n)
	w := (benchBound.Max[0] - benchBound.Min[0]) * sqrt(frac)
	h := (benchBound.Max[1] - benchBound.Min[1]) * sqrt(frac)
	x := benchBound.Min[0] + rng.Float64()*(benchBound.Max[0]-benchBound.Min[0]-w)
	y := benchBound.Min[1] + rng.Float64()*(benchBound.Max[1]-benchBound.Min[1]-h)
	return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
}

// BenchmarkWindowQuery1M asks the in-memory R-tree for the ~1,000 features
// (both layers) in a window over 1,000,000.
func BenchmarkWindowQuery1M(b *testing.B) {
	ws, err := Open(benchWorkspace(b, 1_000_000), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	windows := make([]orb.Bound, 256)
	for i := range windows {
		windows[i] = windowFor(rng, 1000, 1_000_000)
	}
	b.ReportAllocs()
	hits, i := 0, 0
	for b.Loop() {
		w := windows[i%len(windows)]
		i++
		for _, layer := range []string{"pei", "canalaep"} {
			ws.Index().Search(layer, w, func(int64) bool { hits++; return true })
		}
	}
	b.ReportMetric(float64(hits)/float64(i), "features/query")
}

// BenchmarkWindowQuery1MSQLiteRTree asks the GeoPackage R*Tree, through
// SQL, for the same windows.
func BenchmarkWindowQuery1MSQLiteRTree(b *testing.B) {
	ws, err := Open(benchWorkspace(b, 1_000_000), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	windows := make([]orb.Bound, 256)
	for i := range windows {
		windows[i] = windowFor(rng, 1000, 1_000_000)
	}
	ctx := context.Background()
	conn, err := ws.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	stmts := map[string]string{}
	for _, layer := range []string{"pei", "canalaep"} {
		stmts[layer] = fmt.Sprintf("SELECT id FROM rtree_%s_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?", layer)
	}
	b.ReportAllocs()
	hits, i := 0, 0
	for b.Loop() {
		w := windows[i%len(windows)]
		i++
		for _, q := range stmts {
			rows, err := conn.QueryContext(ctx, q, w.Max[0], w.Min[0], w.Max[1], w.Min[1])
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				hits++
			}
			rows.Close()
		}
	}
	b.ReportMetric(float64(hits)/float64(i), "features/query")
}

// benchGeoJSON writes a FeatureCollection of n hydrant-like points with
// mixed properties, once.
func benchGeoJSON(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-bench-v%d-%d.geojson", benchFormat, n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	rng := rand.New(rand.NewPCG(5, 6))
	fc := geojson.NewFeatureCollection()
	types := []string{"PI", "BI", "PN"}
	for i := 0; i < n; i++ {
		f := geojson.NewFeature(orb.Point{benchBound.Min[0] + rng.Float64()*0.24, benchBound.Min[1] + rng.Float64()*0.19})
		f.Properties["numero"] = fmt.Sprintf("PEI-%06d", i)
		f.Properties["type_pei"] = types[i%3]
		f.Properties["debit"] = float64(30 + rng.IntN(90))
		f.Properties["press_dyn"] = 1 + rng.Float64()*4
		f.Properties["disponible"] = rng.IntN(10) > 0
		f.Properties["date_ct"] = fmt.Sprintf("202%d-0%d-1%d", rng.IntN(5), 1+rng.IntN(9), rng.IntN(10))
		f.Properties["commune"] = "Tournus"
		fc.Append(f)
	}
	data, err := fc.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImportGeoJSON100k imports 100,000 points (a new layer, with its
// journal and both R-trees) into a fresh workspace.
func BenchmarkImportGeoJSON100k(b *testing.B) {
	src := benchGeoJSON(b, 100_000)
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ws, err := Create(filepath.Join(dir, fmt.Sprintf("ws%d.gpkg", i)))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := ws.ImportFile(context.Background(), src, ImportOptions{Layer: "pei"})
		if err != nil || rep.Features != 100_000 {
			b.Fatal(rep, err)
		}
		ws.Close()
	}
}

// BenchmarkOgr2ogrGeoJSON100k is GDAL's ogr2ogr doing the same import, for comparison.
func BenchmarkOgr2ogrGeoJSON100k(b *testing.B) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		b.Fatal("ogr2ogr is not installed: run `make deps`")
	}
	src := benchGeoJSON(b, 100_000)
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		out, err := exec.Command(ogr2ogr, "-f", "GPKG", filepath.Join(dir, fmt.Sprintf("ogr%d.gpkg", i)), src, "-nln", "pei").CombinedOutput()
		if err != nil {
			b.Fatalf("ogr2ogr: %v %s", err, out)
		}
	}
}

// BenchmarkEditsWithJournal updates features in transactions of 1,000
// edits, each journaled; it reports edits per second.
func BenchmarkEditsWithJournal(b *testing.B) {
	ctx := context.Background()
	ws := newWorkspace(b)
	var ids []string
	ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 10_000; i++ {
			f, err := tx.Create("pei", Feature{Geometry: orb.Point{4.8 + float64(i%100)*0.001, 46.5 + float64(i/100)*0.001}})
			if err != nil {
				return err
			}
			ids = append(ids, f.UUID)
		}
		return nil
	})
	const batch = 1000
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		err := ws.Edit(ctx, func(tx *Tx) error {
			for j := 0; j < batch; j++ {
				n++
				_, err := tx.Update("pei", ids[n%len(ids)], Change{Properties: map[string]any{"nb_ct": n, "nom": "contrôlé"},
					Geometry: orb.Point{4.8 + float64(n%97)*0.001, 46.5}, SetGeometry: j%2 == 0})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "edits/s")
}
