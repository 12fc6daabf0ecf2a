package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
	"terrimap/store/schema"
)

// meterRows is the size of issue 16's attribute table: a layer of 500,000
// rows — the water meters of a département, more than the largest layer
// of the demo at its scale (canalaep, 386,408 pipes).
const meterRows = 500_000

// meterCache is where meterWorkspace keeps the workspace it makes once:
// the 1.17 million features of demows.MillionScale and the meters. Change
// its name when what it holds changes.
const meterCache = "/tmp/table16/demows-scale50-compteurs500k-v1.gpkg"

// meterLayer is a layer of water meters: a number, an address, a
// diameter, a coded state, a laying date, an index, a yes/no; no INSEE
// code (their commune is where they lie).
func meterLayer() schema.Layer {
	return schema.Layer{
		Name: "compteurs", Title: "Compteurs d'eau", GeometryType: schema.Point,
		Fields: []schema.Field{
			{Name: "numero", Title: "Numéro", Type: schema.Text},
			{Name: "adresse", Title: "Adresse", Type: schema.Text},
			{Name: "diametre", Title: "Diamètre (mm)", Type: schema.Integer},
			{Name: "etat", Title: "État", Type: schema.Text, Domain: []schema.CodedValue{
				{Code: "S", Label: "En service"}, {Code: "H", Label: "Hors service"}, {Code: "D", Label: "Déposé"}}},
			{Name: "date_pose", Title: "Date de pose", Type: schema.Date},
			{Name: "index_m3", Title: "Dernier index (m³)", Type: schema.Real},
			{Name: "radio", Title: "Télérelève", Type: schema.Boolean},
		},
	}
}

// meterWorkspace returns a copy, for tb alone, of the workspace of
// meterCache, made the first time: the app opens its workspace for
// writing. Making it takes minutes (the meters are written through
// Workspace.Edit, the text index built for every feature).
func meterWorkspace(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(meterCache); err != nil {
		if err := makeMeterWorkspace(tb); err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(tb.TempDir(), "compteurs.gpkg")
	if err := copyStream(meterCache, path); err != nil {
		tb.Fatal(err)
	}
	return path
}

// makeMeterWorkspace writes meterCache: the demo workspace at
// MillionScale with 500,000 meters spread over the communes' extent.
func makeMeterWorkspace(tb testing.TB) error {
	src, err := demows.CachedScale(demows.MillionScale)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(meterCache), 0o755); err != nil {
		return err
	}
	part := meterCache + ".part"
	if err := copyStream(src, part); err != nil {
		return err
	}
	ws, err := store.Open(part, store.Options{})
	if err != nil {
		return err
	}
	defer ws.Close()
	ctx := context.Background()
	var extent orb.Bound
	seen := false
	err = ws.Each(ctx, store.Query{Layer: communeLayer}, func(f store.Feature) bool {
		if !seen {
			extent, seen = f.Geometry.Bound(), true
		}
		extent = extent.Union(f.Geometry.Bound())
		return true
	})
	if err != nil {
		return err
	}
	if _, err := ws.CreateLayer(ctx, meterLayer()); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(16, 500))
	streets := []string{"rue de la Gare", "Grande Rue", "rue de l'Église", "chemin des Vignes", "place de la Mairie", "route de Mâcon", "impasse du Lavoir", "rue des Écoles"}
	states := []string{"S", "S", "S", "S", "H", "D"}
	for start := 0; start < meterRows; start += 10_000 {
		err := ws.Edit(ctx, func(tx *store.Tx) error {
			for i := start; i < start+10_000; i++ {
				props := map[string]any{
					"numero":   fmt.Sprintf("CPT-%07d", i+1),
					"adresse":  fmt.Sprintf("%d %s", 1+r.IntN(120), streets[r.IntN(len(streets))]),
					"diametre": int64([]int{15, 15, 15, 20, 30, 40}[r.IntN(6)]),
					"etat":     states[r.IntN(len(states))],
					"radio":    r.IntN(3) > 0,
				}
				if r.IntN(10) > 0 {
					props["date_pose"] = fmt.Sprintf("%d-%02d-%02d", 1975+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28))
					props["index_m3"] = float64(r.IntN(900_000)) / 100
				}
				p := orb.Point{extent.Min[0] + r.Float64()*(extent.Max[0]-extent.Min[0]), extent.Min[1] + r.Float64()*(extent.Max[1]-extent.Min[1])}
				if _, err := tx.Create("compteurs", store.Feature{Geometry: p, Properties: props}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := ws.BuildSearchText(ctx, nil); err != nil {
		return err
	}
	if err := ws.Close(); err != nil {
		return err
	}
	return os.Rename(part, meterCache)
}

// copyStream copies the file src to dst, a stream at a time.
func copyStream(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// openMeterShell opens the meters' workspace in a main window, its sync
// panel idle and its text index whole.
func openMeterShell(b *testing.B) (*mainWindow, uiQueue) {
	b.Helper()
	path := meterWorkspace(b)
	a := test.NewTempApp(b)
	m, err := newShell(a, Options{})
	if err != nil {
		b.Fatal(err)
	}
	q := make(uiQueue, 256)
	m.do = q.do
	m.openWorkspace(path)
	paintUntil(b, q, nil, func() {}, func() bool { return m.sess != nil })
	b.Cleanup(func() { m.view.close(); m.sess.close(); m.window.Close() })
	paintUntil(b, q, nil, func() {}, m.view.sync.idle)
	if err := m.view.search.index.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	return m, q
}

// openMeterTable opens the meters' table until it shows its first rows.
func openMeterTable(b *testing.B, m *mainWindow, q uiQueue) *attributeTable {
	b.Helper()
	tb := m.openTable("compteurs")
	paintUntil(b, q, nil, func() {}, func() bool { return tb.ready() && tb.text(0, 0) != "" })
	return tb
}

// BenchmarkAttributeTable500kMillion is issue 16's attribute table: a layer of
// 500,000 rows in a workspace of 1.67 million features (target: open
// ≤ 1 s, scroll without stutter). open: from the menu's choice to the
// first rows shown. scroll: a jump to a far page (a scroll bar dragged)
// until its rows show — a frame is 16 ms. filter: a word typed, until the
// rows that hold it show. commune: Tournus chosen, its meters placed by
// where they lie. sort: a heading clicked, until the rows show in its
// order.
func BenchmarkAttributeTable500kMillion(b *testing.B) {
	m, q := openMeterShell(b)
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tb := openMeterTable(b, m, q)
			b.StopTimer()
			if len(tb.rows) != meterRows {
				b.Fatalf("%d rows shown, want %d", len(tb.rows), meterRows)
			}
			if tb.win != nil {
				tb.win.Close()
			}
			b.StartTimer()
		}
	})
	tb := openMeterTable(b, m, q)
	b.Cleanup(func() {
		if tb.win != nil {
			tb.win.Close()
		}
	})
	b.Run("scroll", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		for b.Loop() {
			row := r.IntN(len(tb.rows))
			paintUntil(b, q, nil, func() {}, func() bool { return tb.text(row, 0) != "" })
		}
	})
	b.Run("filter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tb.filter.SetText("eglise")
			paintUntil(b, q, nil, func() {}, tb.ready)
			b.StopTimer()
			if len(tb.rows) == 0 || len(tb.rows) == meterRows {
				b.Fatalf("«eglise» keeps %d rows", len(tb.rows))
			}
			tb.filter.SetText("")
			paintUntil(b, q, nil, func() {}, tb.ready)
			b.StartTimer()
		}
	})
	b.Run("commune", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tb.communeChoice.SetSelected("Tournus")
			paintUntil(b, q, nil, func() {}, tb.ready)
			b.StopTimer()
			if len(tb.rows) == 0 || len(tb.rows) == meterRows {
				b.Fatalf("Tournus holds %d meters", len(tb.rows))
			}
			delete(tb.inCommune, tb.commune) // placed again each time
			tb.communeChoice.SetSelected(tb.communeChoice.Options[0])
			paintUntil(b, q, nil, func() {}, tb.ready)
			b.StartTimer()
		}
	})
	for _, col := range []string{"numero", "date_pose"} {
		b.Run("sort-"+col, func(b *testing.B) {
			i := -1
			for j, f := range tb.layer.Fields {
				if f.Name == col {
					i = j
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				tb.sortBy(i)
				paintUntil(b, q, nil, func() {}, tb.ready)
			}
		})
	}
}
