package integration

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"terrimap/sync/client"
)

// flakyProxy is a TCP proxy on loopback in front of the platform, like a
// rural 4G link: it delays every chunk it forwards by 5 to 50 ms and cuts a
// share of the connections, half of them in the middle of the request (the
// platform never hears it whole), half in the middle of the response (the
// platform did the work, the desk never hears the answer).
type flakyProxy struct {
	ln       net.Listener
	target   string
	dropRate float64

	mu  sync.Mutex
	rng *rand.Rand

	conns, cutRequests, cutResponses atomic.Int64
	wg                               sync.WaitGroup
}

func startFlakyProxy(t testing.TB, target string, dropRate float64, seed uint64) *flakyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyProxy{ln: ln, target: target, dropRate: dropRate, rng: rand.New(rand.NewPCG(seed, 5))}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *flakyProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *flakyProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

// flakiness is what the proxy does to one connection.
type flakiness struct {
	cutRequest, cutResponse bool
	cutAt                   float64 // where in the first chunk, as a fraction
	delays                  func() time.Duration
}

func (p *flakyProxy) decide() flakiness {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rng.Float64()
	f := flakiness{cutRequest: r < p.dropRate/2, cutResponse: r >= p.dropRate/2 && r < p.dropRate, cutAt: p.rng.Float64()}
	f.delays = func() time.Duration {
		p.mu.Lock()
		defer p.mu.Unlock()
		return time.Duration(5+p.rng.IntN(46)) * time.Millisecond
	}
	return f
}

func (p *flakyProxy) handle(down net.Conn) {
	defer down.Close()
	p.conns.Add(1)
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	f := p.decide()
	requestDone := make(chan struct{})
	go func() {
		defer close(requestDone)
		if forward(up, down, f.cutRequest, f.cutAt, f.delays) {
			p.cutRequests.Add(1)
			down.Close()
			up.Close()
			return
		}
		up.(*net.TCPConn).CloseWrite()
	}()
	if forward(down, up, f.cutResponse, f.cutAt, f.delays) {
		p.cutResponses.Add(1)
	}
	down.Close()
	up.Close()
	<-requestDone
}

// forward copies src to dst, each chunk after a delay; with cut, it sends
// only a part of the first chunk and reports that it cut.
func forward(dst, src net.Conn, cut bool, at float64, delay func() time.Duration) bool {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			time.Sleep(delay()) // the link's latency
			if cut {
				dst.Write(buf[:int(at*float64(n))])
				return true
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return false
			}
		}
		if err != nil {
			return false
		}
	}
}

// Three desks edit and sync through a link that drops one connection in
// five, mid-request or mid-response, and lags: the client's retries with
// back-off carry every sync through, and all converge on the platform.
func TestFlakyNetworkConverges(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		t.Parallel()
		seed := testSeed(t)
		rng := rand.New(rand.NewPCG(seed, 6))
		p := newPlatform(t, kind)
		proxy := startFlakyProxy(t, p.http.Listener.Addr().String(), 0.2, rng.Uint64())
		opts := client.Options{
			// One connection per request, so that one request in five meets a cut.
			HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second},
			Retries:    6, Backoff: 2 * time.Millisecond, PushBatch: 8, PullPage: 8,
		}
		lg := newLedger()
		users := []string{"agent", "tournus", "admin"}
		var desks []*desk
		for _, u := range users {
			desks = append(desks, openDesk(t, u, filepath.Join(t.TempDir(), u+".gpkg"), proxy.URL(), opts))
		}
		ops := randomSteps(t, lg, p.st, desks, users, rng, 90)
		rounds, resolved, retried, dropped := settleAll(t, lg, p.st, desks, users, rng)

		ctx := context.Background()
		want, err := platformFeatures(ctx, p.st)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range desks {
			got, err := featuresOf(ctx, d.ws)
			if err != nil {
				t.Fatal(err)
			}
			requireSameFeatures(t, "desk "+users[i], want, got)
		}
		counts := lg.check(t, p.st, desks...)
		checkPlatform(t, p.st)
		t.Logf("%d connections, %d cut mid-request, %d cut mid-response; steps %v; settled in %d rounds (%d resolved, %d retried, %d dropped); journal entries %v",
			proxy.conns.Load(), proxy.cutRequests.Load(), proxy.cutResponses.Load(), ops, rounds+1, resolved, retried, dropped, counts)
		if proxy.cutRequests.Load() == 0 || proxy.cutResponses.Load() == 0 {
			t.Fatalf("the proxy cut %d requests and %d responses: not a flaky network", proxy.cutRequests.Load(), proxy.cutResponses.Load())
		}
	})
}
