package integration

// Past one machine: several terrimap-server processes on one PostgreSQL
// database (behind a load balancer), one of them reading through a
// streaming replica. Tokens, answered pushes and the feed are in the
// database, so a desk may reach any server at any request.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
)

// roundRobin is a load balancer in front of several servers: each request
// goes to the next one.
type roundRobin struct {
	next     atomic.Uint64
	backends []http.Handler
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr.backends[rr.next.Add(1)%uint64(len(rr.backends))].ServeHTTP(w, r)
}

// openPG opens the PostgreSQL platform at db for the rest of t.
func openPG(t testing.TB, db string, opts pgstore.Options) *pgstore.Storage {
	t.Helper()
	st, err := pgstore.Open(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newClusterPlatform serves a new PostgreSQL platform through two servers
// behind a round-robin balancer: the fixture's own server, on the primary,
// and a second one reading through the streaming replica. It returns the
// platform (its http is the balancer), the second storage and the
// replica's URL.
func newClusterPlatform(t *testing.T) (*platform, *pgstore.Storage, string) {
	t.Helper()
	rr := &roundRobin{}
	p := newWatchedPlatform(t, postgresKind, func(h http.Handler) http.Handler {
		rr.backends = append(rr.backends, h)
		return rr
	})
	replica := pgtest.ReplicaOf(t, p.db)
	second := openPG(t, p.db, pgstore.Options{ReplicaURL: replica})
	rr.backends = append(rr.backends, server.New(second, server.Options{}))
	return p, second, replica
}

// Desks whose every request goes to one server or the other (one of them
// reading through a replica) edit at random, conflict, settle, and end up
// holding exactly what the platform holds, every edit accounted for.
func TestTwoServersAndAReplicaConverge(t *testing.T) {
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	p, second, _ := newClusterPlatform(t)
	lg := newLedger()
	admin := p.adminWithSharedFeatures(lg, rng, 12)
	users := []string{"agent", "tournus", "admin", "agent"}
	desks := []*desk{p.newDesk(users[0]), p.newDesk(users[1]), admin, p.newDesk(users[3])}
	ops := randomSteps(t, lg, p.st, desks, users, rng, 120)
	rounds, resolved, retried, dropped := settleAll(t, lg, p.st, desks, users, rng)
	// Other desks' last pushes reach a desk reading through the replica
	// once it has replayed them: wait for it, then pull once more.
	waitForReplica(t, second)
	for _, d := range desks {
		d.sync()
	}
	want, err := platformFeatures(context.Background(), p.st)
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
	counts := lg.check(t, p.st, desks...)
	checkPlatform(t, p.st)
	t.Logf("%v; settled in %d rounds (%d resolved, %d retried, %d dropped); %d features; journal entries: %v",
		ops, rounds+1, resolved, retried, dropped, len(want), counts)
}

// waitForReplica waits until the replica of st has replayed the whole feed.
func waitForReplica(t testing.TB, st *pgstore.Storage) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, ok := st.ReplicaHealth(context.Background())
		if !ok {
			t.Fatal("no replica")
		}
		if h.Status == "ok" && h.FeedBehind == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica has not caught up: %+v", h)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The same change sent through two servers at once — a desk that timed
// out on one and retried through the other — is applied once, and both
// answer what was decided.
func TestSameChangeThroughTwoServers(t *testing.T) {
	db := newPlatformDB(t, postgresKind)
	a := httptest.NewServer(server.New(openPG(t, db, pgstore.Options{}), server.Options{}))
	t.Cleanup(a.Close)
	b := httptest.NewServer(server.New(openPG(t, db, pgstore.Options{}), server.Options{}))
	t.Cleanup(b.Close)
	token := signIn(t, a.URL, "agent", password)
	id := store.NewID()
	changes := []protocol.PushChange{{ChangeID: store.NewID(), Layer: "pei", ID: id, Op: protocol.OpCreate, GeometryChanged: true,
		Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-1", "type_pei": "PI"}}}
	for i := 1; i <= 10; i++ {
		changes = append(changes, protocol.PushChange{ChangeID: store.NewID(), Layer: "pei", ID: id, Op: protocol.OpUpdate,
			BaseVersion: int64(i), Properties: map[string]any{"numero": fmt.Sprintf("H-1-%d", i)}})
	}
	for i, c := range changes {
		var wg sync.WaitGroup
		answers := make([]protocol.PushResponse, 2)
		codes := make([]int, 2)
		for j, url := range []string{a.URL, b.URL} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := protocol.PushRequest{ClientID: "desk", Changes: []protocol.PushChange{c}}
				codes[j] = apiCall(t, http.MethodPost, url+protocol.PathPush, token, req, &answers[j])
			}()
		}
		wg.Wait()
		if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
			t.Fatalf("change %d: HTTP %v", i, codes)
		}
		ra, rb := answers[0].Results[0], answers[1].Results[0]
		if ra.Status != protocol.StatusApplied || ra.Status != rb.Status || ra.Version != rb.Version || ra.Seq != rb.Seq {
			t.Fatalf("change %d answered %+v through one server, %+v through the other", i, ra, rb)
		}
	}
	st := openPlatformStorage(t, db)
	rows, err := st.versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(changes) {
		t.Fatalf("%d versions written for %d changes", len(rows), len(changes))
	}
	for i, r := range rows {
		if r.version != int64(i+1) {
			t.Errorf("version %d is v%d", i, r.version)
		}
	}
}

// The login throttle lives in each server's memory: a name slowed down by
// failures on one server is not slowed down on another. Several servers
// behind one address therefore let a guesser try n times as often; a
// reverse proxy's own rate limit (or sticky sessions) is the cure. This
// test pins that behaviour down so that it stays documented.
func TestLoginThrottlePerServer(t *testing.T) {
	db := newPlatformDB(t, postgresKind)
	a := httptest.NewServer(server.New(openPG(t, db, pgstore.Options{}), server.Options{}))
	t.Cleanup(a.Close)
	b := httptest.NewServer(server.New(openPG(t, db, pgstore.Options{}), server.Options{}))
	t.Cleanup(b.Close)
	bad := protocol.TokenRequest{Username: "agent", Password: "pas le bon"}
	throttled := false
	for i := 0; i < 20 && !throttled; i++ {
		throttled = apiCall(t, http.MethodPost, a.URL+protocol.PathToken, "", bad, nil) == http.StatusTooManyRequests
	}
	if !throttled {
		t.Fatal("20 failed logins on one server were never throttled")
	}
	if code := apiCall(t, http.MethodPost, b.URL+protocol.PathToken, "", bad, nil); code != http.StatusUnauthorized {
		t.Errorf("the other server answers a wrong password with HTTP %d, want 401 (its own throttle has seen nothing)", code)
	}
}
