package integration

// The benchmarks of issue 12's «Speed», both storages side by side:
// many desks syncing at once, the OGC API's pages, and the first sync of
// the demo at scale 50 (a million features). BenchmarkFirstSync100k and
// BenchmarkPush10k (bench_test.go) are the other two.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/demoseed"
)

// concurrentDesks is the number of desks syncing at once, each with
// changesPerDesk edits of its own.
const concurrentDesks, changesPerDesk = 50, 10

// serverTimes adds up, per bearer token, the time the platform spent
// answering requests: a desk's share of the platform in a sync, apart from
// its own work on its file (which, with 50 desks on one benchmark machine,
// competes for the same cores as the platform).
type serverTimes struct {
	mu      sync.Mutex
	byToken map[string]time.Duration
	next    http.Handler
}

func (st *serverTimes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	st.next.ServeHTTP(w, r)
	d := time.Since(start)
	st.mu.Lock()
	st.byToken[r.Header.Get(protocol.HeaderAuthorization)] += d
	st.mu.Unlock()
}

// take returns the time spent for each token since the last take.
func (st *serverTimes) take() map[string]time.Duration {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := st.byToken
	st.byToken = map[string]time.Duration{}
	return out
}

// percentile returns the q-quantile of sorted durations, in milliseconds.
func percentile(sorted []time.Duration, q float64) float64 {
	return float64(sorted[int(q*float64(len(sorted)-1))].Microseconds()) / 1000
}

// 50 desks, each signed in as its own agent with 10 edits of its own
// hydrants, sync at the same moment (push their 10, pull the others').
// The op is the whole wave. p50-ms and p95-ms are the syncs' times as the
// desks see them, over every wave; srv-p50-ms and srv-p95-ms the
// platform's share of each sync (its requests' answer times added up).
func BenchmarkConcurrentSyncs50(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) {
		st := openPlatformStorage(b, benchDB(b, kind, concurrentDesks*changesPerDesk*4))
		ctx := context.Background()
		for i := range concurrentDesks {
			u := server.User{Name: fmt.Sprintf("agent%02d", i), PasswordHash: cheapHash(),
				Memberships: []protocol.Membership{{Org: protocol.OrgCCMT, Role: protocol.RoleEditor}}}
			if err := st.PutUser(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		times := &serverTimes{byToken: map[string]time.Duration{}, next: server.New(st, server.Options{})}
		srv := httptest.NewServer(times)
		b.Cleanup(srv.Close)
		desks := make([]*desk, concurrentDesks)
		tokens := make([]string, concurrentDesks)
		for i := range desks {
			user := fmt.Sprintf("agent%02d", i)
			desks[i] = openDesk(b, user, filepath.Join(b.TempDir(), user+".gpkg"), srv.URL, client.Options{})
			token, err := desks[i].ws.Meta(ctx, "platform.token")
			if err != nil {
				b.Fatal(err)
			}
			tokens[i] = protocol.Authorization(token)
		}
		ids, err := featureIDs(desks[0].ws, "pei")
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 0))
		var seen, served []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for n := 0; n < b.N; n++ {
			b.StopTimer()
			for i, d := range desks {
				own := ids[i*changesPerDesk*4 : (i+1)*changesPerDesk*4] // disjoint: no conflicts
				d.edit(func(tx *store.Tx) error {
					for _, id := range own[:changesPerDesk] {
						if _, err := tx.Update("pei", id, store.Change{Properties: map[string]any{"debit": float64(rng.IntN(1000))}}); err != nil {
							return err
						}
					}
					return nil
				})
			}
			times.take()
			wave := make([]time.Duration, len(desks))
			errs := make([]error, len(desks))
			var wg sync.WaitGroup
			b.StartTimer()
			for i, d := range desks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					sum, err := d.c.Sync(ctx)
					wave[i] = time.Since(start)
					if err == nil && sum.Push.Applied != changesPerDesk {
						err = fmt.Errorf("applied %d of %d", sum.Push.Applied, changesPerDesk)
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			b.StopTimer()
			for i, err := range errs {
				if err != nil {
					b.Fatalf("desk %d: %v", i, err)
				}
			}
			byToken := times.take()
			for i := range desks {
				served = append(served, byToken[tokens[i]])
			}
			seen = append(seen, wave...)
			b.StartTimer()
		}
		slices.Sort(seen)
		slices.Sort(served)
		b.ReportMetric(percentile(seen, 0.50), "p50-ms")
		b.ReportMetric(percentile(seen, 0.95), "p95-ms")
		b.ReportMetric(percentile(served, 0.50), "srv-p50-ms")
		b.ReportMetric(percentile(served, 0.95), "srv-p95-ms")
	})
}

// OGC API – Features pages of 1,000 hydrants within a bounding box (a
// tenth of the territory each way, at a random place), out of 100,000,
// asked by 4 clients per CPU at once; req/s is the rate the platform
// answers.
func BenchmarkOGCItemsBBox(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) {
		url := benchPlatform(b, kind, 100_000)
		token := signIn(b, url, "agent", password)
		const w, h = 0.0198, 0.0098 // hydrants lie in 0.198° × 0.098°
		pageURL := func(rng *rand.Rand) string {
			x, y := 4.851+rng.Float64()*(0.198-w), 46.501+rng.Float64()*(0.098-h)
			return fmt.Sprintf("%s/ogc/collections/pei/items?limit=1000&bbox=%.5f,%.5f,%.5f,%.5f", url, x, y, x+w, y+h)
		}
		var first struct {
			NumberReturned int `json:"numberReturned"`
		}
		if code := apiCall(b, http.MethodGet, pageURL(rand.New(rand.NewPCG(1, 1))), token, nil, &first); code != http.StatusOK || first.NumberReturned < 500 {
			b.Fatalf("a page: HTTP %d, %d features", code, first.NumberReturned)
		}
		var seed sync.Mutex
		next := uint64(0)
		b.SetParallelism(4) // 4 clients per CPU: the platform, not one client, is measured
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			seed.Lock()
			next++
			rng := rand.New(rand.NewPCG(next, 2))
			seed.Unlock()
			for pb.Next() {
				req, _ := http.NewRequest(http.MethodGet, pageURL(rng), nil)
				req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("HTTP %d", resp.StatusCode)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

// A new desk's first sync of the demo platform at scale 50 (about a
// million features: `terrimap-server demo --scale 50`), signed in as its
// administrator. Seeding the platform takes minutes: run it once
// (-benchtime 1x).
func BenchmarkFirstSyncDemo50(b *testing.B) {
	forEachStorage(b, func(b *testing.B, kind storageKind) {
		st := openPlatformStorage(b, newDatabase(b, kind))
		ctx := context.Background()
		users, err := demoseed.Seed(ctx, st, demo.GenerateOptions{Scale: 50}, nil)
		if err != nil {
			b.Fatal(err)
		}
		admin := users[slices.IndexFunc(users, func(u demoseed.User) bool { return u.Role == string(protocol.RoleAdmin) })]
		srv := httptest.NewServer(server.New(st, server.Options{}))
		b.Cleanup(srv.Close)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			ws, err := store.Create(filepath.Join(b.TempDir(), fmt.Sprintf("desk-%d.gpkg", i)))
			if err != nil {
				b.Fatal(err)
			}
			c, err := client.New(ws, srv.URL, client.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := c.Login(ctx, admin.Name, admin.Password); err != nil {
				b.Fatal(err)
			}
			sum, err := c.Sync(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if sum.Pull.Received < 900_000 {
				b.Fatalf("pulled %d features", sum.Pull.Received)
			}
			ws.Close()
			b.StartTimer()
		}
	})
}

// apiCall sends a JSON request with a token to url and decodes the answer.
func apiCall(t testing.TB, method, url, token string, body, out any) int {
	t.Helper()
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, url, &rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
	if token != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

// signIn returns a token of user from the platform at url.
func signIn(t testing.TB, url, user, pass string) string {
	t.Helper()
	var tok protocol.TokenResponse
	if code := apiCall(t, http.MethodPost, url+protocol.PathToken, "", protocol.TokenRequest{Username: user, Password: pass}, &tok); code != http.StatusOK {
		t.Fatalf("sign in %s: HTTP %d", user, code)
	}
	return tok.Token
}
