package pgstore

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/store"
)

// runWorkers starts n capture workers on the platform's database (n
// servers), stopped when the test ends.
func (p *capPlatform) runWorkers(n int) {
	p.t.Helper()
	for i := 0; i < n; i++ {
		st := p.st
		if i > 0 {
			var err error
			if st, err = Open(p.ctx, p.url, Options{}); err != nil {
				p.t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(p.ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := st.RunCapture(ctx, discard()); err != nil {
				p.t.Errorf("worker: %v", err)
			}
		}()
		p.t.Cleanup(func() {
			cancel()
			<-done
			if st != p.st {
				st.Close()
			}
		})
	}
}

// waitVersion waits until the feature reaches version v in the feed.
func (p *capPlatform) waitVersion(id string, v int64) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for p.feature(id).Version < v {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s never reached version %d", id, v)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Two servers run the capture worker on one database: the technician's
// edits, made while both listen, each become exactly one version.
func TestTwoWorkersVersionEachEditOnce(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	p.runWorkers(2)
	for i := 1; i <= 5; i++ {
		p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = debit + 1 WHERE uuid = '`+a+`'`)
		p.waitVersion(a, int64(i+1))
	}
	h := p.history(a)
	if len(h) != 6 {
		t.Fatalf("%d versions, want 6 (one per edit)", len(h))
	}
	for i, v := range h {
		if v.Version != int64(i+1) {
			t.Errorf("version %d at %d", v.Version, i)
		}
	}
	if f := p.feature(a); f.Properties["debit"] != 65.0 {
		t.Errorf("debit %v, want 65", f.Properties["debit"])
	}
}

// BenchmarkDirectEditReachesFeed measures the time from the commit of a
// direct UPDATE (another connection, as QGIS) to its version in the feed,
// with the capture worker listening; it reports the median.
func BenchmarkDirectEditReachesFeed(b *testing.B) {
	p := newCapPlatform(b)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	p.runWorkers(1)
	conn, err := pgx.Connect(p.ctx, p.urlAs(p.sig))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(p.ctx)
	b.ReportAllocs()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := conn.Exec(p.ctx, `UPDATE reseaux.pei SET debit = debit + 1 WHERE uuid = $1`, a); err != nil {
			b.Fatal(err)
		}
		p.waitVersion(a, int64(i+2))
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// The worker notices within a poll that a table lost its triggers (here
// disabled) and reconciles at once: the edit made meanwhile reaches the
// feed without waiting for the periodic reconciliation, and the triggers
// are enabled again.
func TestWorkerReconcilesWhenTriggersDisabled(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	p.runWorkers(1)
	p.mustPsql("postgres", `ALTER TABLE reseaux.pei DISABLE TRIGGER USER; UPDATE reseaux.pei SET debit = 5 WHERE uuid = '`+a+`'`)
	p.waitVersion(a, 2)
	if h := p.history(a); h[1].Author != reconcileAuthor {
		t.Errorf("author %q, want %q", h[1].Author, reconcileAuthor)
	}
	// (The worker's first reconciliation may have settled the edit before
	// the triggers were seen disabled: its next pass enables them.)
	deadline := time.Now().Add(30 * time.Second)
	for p.count(`SELECT count(*) FROM pg_trigger WHERE tgrelid = 'reseaux.pei'::regclass AND tgname = ANY($1) AND tgenabled <> 'D'`, layerTriggers) != len(layerTriggers) {
		if time.Now().After(deadline) {
			t.Fatalf("the triggers were never enabled again")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkCaptureBulkInsert measures the capture pass that turns 10,000
// rows inserted in one direct statement (an ogr2ogr -append of a whole
// file) into versions.
func BenchmarkCaptureBulkInsert(b *testing.B) {
	p := newCapPlatform(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p.mustPsql(p.sig, `INSERT INTO reseaux.pei (numero, type_pei, debit, geom)
			SELECT 'PEI-' || n, 'PI', n, ST_SetSRID(ST_MakePoint(4.86 + n * 0.000005, 46.55), 4326) FROM generate_series(1, 10000) n`)
		b.StartTimer()
		if st := p.capture(); st.Versions != 10000 {
			b.Fatalf("capture: %+v", st)
		}
	}
}

// While another server works a batch (it holds the batch lock), a capture
// pass leaves the captured rows alone; if that server dies, its
// transaction rolls back, the lock goes with its connection, and the next
// pass turns every captured row into its version.
func TestCaptureBatchLockIsShared(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	other, err := pgx.Connect(p.ctx, p.url)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.Begin(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(p.ctx, `SELECT pg_advisory_xact_lock($1)`, captureLock); err != nil {
		t.Fatal(err)
	}
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = 61 WHERE uuid = '`+a+`'`)
	if st := p.capture(); st.Captured != 0 || st.Versions != 0 {
		t.Errorf("pass while another server holds the batch: %+v, want nothing done", st)
	}
	other.Close(p.ctx) // the other server dies mid-batch
	// Its backend ends a moment after the connection closes: the worker's
	// next polls find the lock free.
	deadline := time.Now().Add(30 * time.Second)
	st := p.capture()
	for st.Captured == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		st = p.capture()
	}
	if st.Captured != 1 || st.Versions != 1 {
		t.Errorf("pass once the other server is gone: %+v", st)
	}
	if f := p.feature(a); f.Version != 2 || f.Properties["debit"] != 61.0 {
		t.Errorf("feature: %+v", f)
	}
}

// BenchmarkReconcileUnchanged measures a reconciliation that finds nothing
// to settle in a layer of 100,000 features (what every server does at
// start and every reconcileEvery).
func BenchmarkReconcileUnchanged(b *testing.B) {
	p := newCapPlatform(b)
	fs := make([]store.RemoteFeature, 100000)
	for i := range fs {
		fs[i] = store.RemoteFeature{UUID: store.NewID(), Geometry: orb.Point{4.86 + float64(i%1000)*0.0001, 46.50 + float64(i/1000)*0.0009},
			Properties: map[string]any{"numero": fmt.Sprintf("PEI-%06d", i), "type_pei": "PI", "debit": float64(i % 200)}}
	}
	if err := p.st.SeedFeatures(p.ctx, "pei", "demo", fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rep := p.reconcile(); rep.Differences != 0 {
			b.Fatalf("reconciliation: %+v", rep)
		}
	}
}
