package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/server"
)

// benchDir holds the platform files benchmarks share across their runs
// (seeding 100,000 features takes longer than the sync it prepares);
// TestMain removes it.
var benchDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "terrimap-bench-") })

var benchDirUsed bool

func removeBenchPlatforms() error {
	if !benchDirUsed {
		return nil
	}
	dir, err := benchDir()
	if err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// hydrants makes n hydrants spread over the two communes.
func hydrants(n int, seed uint64) []store.RemoteFeature {
	rng := rand.New(rand.NewPCG(seed, 8))
	out := make([]store.RemoteFeature, n)
	for i := range out {
		out[i] = store.RemoteFeature{UUID: store.NewID(), Geometry: orb.Point{4.851 + rng.Float64()*0.198, 46.501 + rng.Float64()*0.098},
			Properties: map[string]any{"numero": fmt.Sprintf("H-%06d", i), "type_pei": []string{"PI", "BI"}[i%2],
				"debit": float64(30 + rng.IntN(120)), "disponible": i%7 != 0, "date_ct": "2024-05-13"}}
	}
	return out
}

// seededPlatform returns a platform file with n hydrants, made once per
// run (seeding 100,000 features takes longer than the sync it prepares).
func seededPlatform(n int) (string, error) {
	seededMu.Lock()
	defer seededMu.Unlock()
	if p, ok := seeded[n]; ok {
		return p, nil
	}
	dir, err := benchDir()
	if err != nil {
		return "", err
	}
	benchDirUsed = true
	path := filepath.Join(dir, fmt.Sprintf("platform-%d.gpkg", n))
	if err := makePlatformDB(path, seedHydrants(n)); err != nil {
		return "", err
	}
	seeded[n] = path
	return path, nil
}

var (
	seededMu sync.Mutex
	seeded   = map[int]string{}
)

// seedHydrants writes n hydrants on a platform, in batches.
func seedHydrants(n int) func(testStorage) error {
	return func(st testStorage) error {
		fs := hydrants(n, uint64(n))
		for start := 0; start < len(fs); start += 50_000 {
			if err := st.SeedFeatures(context.Background(), "pei", seedAuthor, fs[start:min(start+50_000, len(fs))]); err != nil {
				return err
			}
		}
		return nil
	}
}

// benchDB returns a platform database of the kind with n hydrants for b:
// a copy of the file seededPlatform made, or a PostgreSQL database seeded
// for b (COPY makes that quick).
func benchDB(b *testing.B, kind storageKind, n int) string {
	b.Helper()
	if kind == postgresKind {
		db := newPostgresDatabase(b)
		if err := makePlatformDB(db, seedHydrants(n)); err != nil {
			b.Fatal(err)
		}
		return db
	}
	src, err := seededPlatform(n)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "platform.gpkg")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchPlatform serves a copy of a platform of the kind seeded with n
// hydrants, and returns its URL.
func benchPlatform(b *testing.B, kind storageKind, n int) string {
	b.Helper()
	st := openPlatformStorage(b, benchDB(b, kind, n))
	srv := httptest.NewServer(server.New(st, server.Options{}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// A new desk's first sync against a platform of 100,000 hydrants: log in,
// fetch the layers, pull everything, over loopback.
func BenchmarkFirstSync100k(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) {
		url := benchPlatform(b, kind, 100_000)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), fmt.Sprintf("desk-%d.gpkg", i))
			ws, err := store.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			c, err := client.New(ws, url, client.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := c.Login(ctx, "agent", password); err != nil {
				b.Fatal(err)
			}
			sum, err := c.Sync(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if sum.Pull.Received != 100_000 {
				b.Fatalf("pulled %d features", sum.Pull.Received)
			}
			ws.Close()
			os.Remove(path)
			b.StartTimer()
		}
	})
}

// benchDesk is a desk for benchmarks, logged in and synced once.
func benchDesk(b *testing.B, url, user string) *desk {
	b.Helper()
	return openDesk(b, user, filepath.Join(b.TempDir(), user+".gpkg"), url, client.Options{})
}

// An incremental sync, 100 changes each way: a desk with 100 local edits
// syncs while the platform holds 100 new changes from another desk.
func BenchmarkIncrementalSync100(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) {
		url := benchPlatform(b, kind, 10_000)
		mine, theirs := benchDesk(b, url, "agent"), benchDesk(b, url, "admin")
		ids, err := featureIDs(mine.ws, "pei")
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 9))
		// Disjoint halves: the benchmark measures syncing, not conflicts.
		editHalf := func(d *desk, half []string) {
			d.edit(func(tx *store.Tx) error {
				for j := 0; j < 100; j++ {
					_, err := tx.Update("pei", half[rng.IntN(len(half))], store.Change{
						Properties: map[string]any{"debit": float64(rng.IntN(1000)), "numero": fmt.Sprintf("N-%d", rng.IntN(1e6))}})
					if err != nil {
						return err
					}
				}
				return nil
			})
		}
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			editHalf(theirs, ids[len(ids)/2:])
			if _, err := theirs.c.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			editHalf(mine, ids[:len(ids)/2])
			b.StartTimer()
			sum, err := mine.c.Sync(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if sum.Push.Applied != 100 || sum.Pull.Received == 0 {
				b.Fatalf("sync: %+v", sum)
			}
		}
	})
}

// A push of 10,000 local creations, in one sync.
func BenchmarkPush10k(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) { benchPush10k(b, kind, "agent") })
}

// BenchmarkPush10kCommuneEditor is BenchmarkPush10k by Tournus's editor:
// every hydrant (those east of Tournus moved into it) goes through the
// territory rule.
func BenchmarkPush10kCommuneEditor(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) { benchPush10k(b, kind, "tournus") })
}

func benchPush10k(b *testing.B, kind storageKind, user string) {
	url := benchPlatform(b, kind, 0)
	d := benchDesk(b, url, user)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fs := hydrants(10_000, uint64(i))
		for j := range fs {
			if p := fs[j].Geometry.(orb.Point); p[0] > 4.949 {
				fs[j].Geometry = orb.Point{p[0] - 0.099, p[1]}
			}
		}
		d.edit(func(tx *store.Tx) error {
			for _, f := range fs {
				if _, err := tx.Create("pei", store.Feature{Geometry: f.Geometry, Properties: f.Properties}); err != nil {
					return err
				}
			}
			return nil
		})
		b.StartTimer()
		sum, err := d.c.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Push.Applied != 10_000 {
			b.Fatalf("push: %+v", sum.Push)
		}
	}
}
