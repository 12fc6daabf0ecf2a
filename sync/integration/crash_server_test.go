package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// serverChildConfig tells a re-executed test binary to serve a platform
// database (a file path or a PostgreSQL URL) on an address.
type serverChildConfig struct {
	DB   string `json:"db"`
	Addr string `json:"addr"`
}

// runServerChild is a tiny terrimap-server: it opens the platform database,
// listens, prints "listening ADDR" and serves until killed.
func runServerChild(cfgJSON string) int {
	var cfg serverChildConfig
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	st, err := openStorage(cfg.DB)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	fmt.Println("listening", ln.Addr())
	err = http.Serve(ln, server.New(st, server.Options{}))
	fmt.Fprintln(os.Stderr, err)
	return 4
}

// freeLoopbackAddr returns a loopback address with a port free right now.
func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// transport counts, on the desk's side, the change ids each push sends.
func (w *pushWatch) transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodPost || r.URL.Path != protocol.PathPush || r.GetBody == nil {
			return next.RoundTrip(r)
		}
		if body, err := r.GetBody(); err == nil {
			data, _ := io.ReadAll(body)
			w.count(data)
		}
		w.inFlight.Add(1)
		defer w.inFlight.Add(-1)
		return next.RoundTrip(r)
	})
}

// The platform's process is killed with SIGKILL while two desks push to
// it, and restarted on the same database (file or PostgreSQL) and address,
// 25 times. The desks retry: every edit arrives, every acknowledged change
// is applied exactly once (re-sent change ids are answered from the first
// time), and the database stays sound.
func TestPlatformKilledMidPush(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		t.Parallel()
		seed := testSeed(t)
		rng := rand.New(rand.NewPCG(seed, 4))
		dir := t.TempDir()
		db := newPlatformDB(t, kind)
		addr := freeLoopbackAddr(t)
		cfg, _ := json.Marshal(serverChildConfig{DB: db, Addr: addr})
		start := func() *child {
			c := startChild(t, serverChildEnv+"="+string(cfg))
			if _, ok := c.waitLine("listening", time.Minute); !ok {
				c.kill(t)
				t.Fatalf("the platform did not start: %s", c.stderr.String())
			}
			return c
		}
		srv := start()
		defer func() {
			if srv != nil {
				srv.kill(t)
			}
		}()

		watch := newPushWatch()
		opts := client.Options{
			HTTPClient: &http.Client{Transport: watch.transport(http.DefaultTransport.(*http.Transport).Clone()), Timeout: 30 * time.Second},
			PushBatch:  6, Retries: 6, Backoff: 15 * time.Millisecond,
		}
		lg := newLedger()
		users := []string{"agent", "admin"}
		layers := [][]string{{"pei"}, {"canalaep"}} // no conflicts: this is about arriving once
		desks := []*desk{
			openDesk(t, users[0], filepath.Join(dir, "agent.gpkg"), "http://"+addr, opts),
			openDesk(t, users[1], filepath.Join(dir, "admin.gpkg"), "http://"+addr, opts),
		}
		const kills = 25
		unreachable, midPush := 0, 0
		for k := 0; k < kills; k++ {
			for i, d := range desks {
				for j := 0; j < 6+rng.IntN(10); j++ {
					if _, err := randomEdit(lg, d, users[i], rng, layers[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Drain a stale signal, sync both desks, kill the platform during
			// their pushes, restart it.
			select {
			case <-watch.pushC:
			default:
			}
			errs := make([]error, len(desks))
			var wg sync.WaitGroup
			for i, d := range desks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = d.c.Sync(context.Background())
				}()
			}
			select {
			case <-watch.pushC:
			case <-time.After(time.Minute):
				t.Fatalf("kill %d: no push came", k)
			}
			time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond) // where in the pushes to kill
			if watch.inFlight.Load() > 0 {
				midPush++
			}
			srv.kill(t)
			srv = start()
			wg.Wait()
			for i, err := range errs {
				switch {
				case gaveUp(err):
					unreachable++ // the platform was down longer than the retries
				case err != nil:
					t.Fatalf("kill %d, desk %s: %v", k, users[i], err)
				}
			}
		}
		for round := 0; ; round++ {
			busy := false
			for _, d := range desks {
				if _, err := lg.sync(d, nil); err != nil {
					t.Fatal(err)
				}
				if n, _ := journalIDs(d.ws); len(n) > 0 {
					busy = true
				}
			}
			if !busy {
				break
			}
			if round == 3 {
				t.Fatal("the desks do not settle")
			}
		}
		for _, d := range desks { // both pull the other's last changes
			if _, err := d.c.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		srv.kill(t)
		srv = nil

		st, err := openStorage(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		checkPlatform(t, st)
		counts := lg.check(t, st, desks...)
		want, err := platformFeatures(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range desks {
			got, err := featuresOf(context.Background(), d.ws)
			if err != nil {
				t.Fatal(err)
			}
			requireSameFeatures(t, "desk "+users[i], want, got)
		}
		if midPush == 0 || len(watch.resent()) == 0 {
			t.Fatalf("%d kills caught a push unanswered, %d change ids were sent again: the kills tested nothing", midPush, len(watch.resent()))
		}
		t.Logf("%d kills (%d with a push unanswered); %d syncs gave up while it was down; %d change ids pushed more than once, each applied once; journal entries %v; %d features",
			kills, midPush, unreachable, len(watch.resent()), counts, len(want))
	})
}
