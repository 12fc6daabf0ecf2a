package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// replicaPlatform is a platform served over real HTTP by a server that
// reads through the test cluster's streaming replica.
type replicaPlatform struct {
	t       *testing.T
	st      *Storage
	url     string
	replica string // the replica's URL of the platform's database
	tokens  map[string]string
}

// newReplicaPlatform serves a new platform with a hydrant layer, an
// editor of the intercommunality ("agent") and a viewer of Tournus
// ("elu"), each signed in, reading through the replica.
func newReplicaPlatform(t *testing.T) *replicaPlatform {
	t.Helper()
	return newReplicaPlatformVia(t, func(url string) string { return url })
}

// newReplicaPlatformVia is newReplicaPlatform reaching the replica at the
// URL via returns for the replica's own (through a proxy).
func newReplicaPlatformVia(t *testing.T, via func(string) string) *replicaPlatform {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	replica := via(pgtest.ReplicaOf(t, db))
	st, err := Open(ctx, db, Options{ReplicaURL: replica})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pei := schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point,
		Fields: []schema.Field{{Name: "numero", Type: schema.Text}}}
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: pei}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus", Territory: tournusSquare}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(testPassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]protocol.Membership{
		"agent": {Org: protocol.OrgCCMT, Role: protocol.RoleEditor},
		"elu":   {Org: "71543", Role: protocol.RoleViewer},
	}
	for name, m := range users {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: []protocol.Membership{m}}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	t.Cleanup(srv.Close)
	p := &replicaPlatform{t: t, st: st, url: srv.URL, replica: replica, tokens: map[string]string{}}
	p.waitReplayed()
	for name := range users {
		var tok protocol.TokenResponse
		if code := p.call("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: name, Password: testPassword}, &tok); code != http.StatusOK {
			t.Fatalf("sign in %s: HTTP %d", name, code)
		}
		p.tokens[name] = tok.Token
	}
	return p
}

// call sends a JSON request as user (none when empty) and decodes a
// successful answer into out.
func (p *replicaPlatform) call(user, method, path string, body, out any) int {
	p.t.Helper()
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			p.t.Fatal(err)
		}
	}
	req, _ := http.NewRequest(method, p.url+path, &rd)
	if user != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(p.tokens[user]))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// feed reads the feed after since as user: the features' ids and the
// page's end.
func (p *replicaPlatform) feed(user string, since int64) ([]string, int64) {
	p.t.Helper()
	var page protocol.ChangesResponse
	if code := p.call(user, http.MethodGet, protocol.ChangesPath(since, protocol.MaxChangesLimit), nil, &page); code != http.StatusOK {
		p.t.Fatalf("changes as %s: HTTP %d", user, code)
	}
	var ids []string
	for _, c := range page.Changes {
		ids = append(ids, c.ID)
	}
	return ids, page.Next
}

// waitReplayed waits until the replica has replayed everything the
// primary has written so far (the platform's tables, its users…).
func (p *replicaPlatform) waitReplayed() {
	p.t.Helper()
	ctx := context.Background()
	var lsn string
	if err := p.st.pool.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		p.t.Fatal(err)
	}
	waitUntil(p.t, "the replica replays the platform's setup", func() bool {
		var done bool
		err := p.st.read.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&done)
		return err == nil && done
	})
}

// health reads GET /healthz.
func (p *replicaPlatform) health() server.Health {
	p.t.Helper()
	var h server.Health
	if code := p.call("", http.MethodGet, "/healthz", nil, &h); code != http.StatusOK {
		p.t.Fatalf("/healthz: HTTP %d", code)
	}
	return h
}

// pauseReplay stops the replica from replaying what the primary commits
// until resume is called or the test ends: a replica as far behind as a
// test wants.
func (p *replicaPlatform) pauseReplay() (resume func()) {
	p.t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.replica)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		p.t.Fatal(err)
	}
	done := false
	resume = func() {
		if !done {
			done = true
			conn.Exec(ctx, `SELECT pg_wal_replay_resume()`)
			conn.Close(ctx)
		}
	}
	p.t.Cleanup(resume)
	return resume
}

// waitUntil polls cond until it holds, failing the test after a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not the case after a minute: %s", what)
		}
	}
}

// A server reading through a replica that has stopped replaying: the user
// who pushed reads their push, in the feed and in the OGC API (from the
// primary); another user reads the replica, which lacks it, and /healthz
// shows the replica behind. Once it replays, everyone reads the push and
// /healthz shows it caught up.
func TestReadYourWritesThroughAReplica(t *testing.T) {
	p := newReplicaPlatform(t)
	_, start := p.feed("elu", 0)
	if h := p.health(); h.Replica == nil || h.Replica.Status != "ok" {
		t.Fatalf("/healthz of a server with a replica: %+v", h.Replica)
	}

	resume := p.pauseReplay()
	id := store.NewID()
	var pushed protocol.PushResponse
	req := protocol.PushRequest{ClientID: "desk", Changes: []protocol.PushChange{{ChangeID: store.NewID(), Layer: "pei", ID: id,
		Op: protocol.OpCreate, GeometryChanged: true, Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-1"}}}}
	if code := p.call("agent", http.MethodPost, protocol.PathPush, req, &pushed); code != http.StatusOK || pushed.Results[0].Status != protocol.StatusApplied {
		t.Fatalf("push: HTTP %d %+v", code, pushed)
	}
	item := "/ogc/collections/pei/items/" + id
	if ids, next := p.feed("agent", start); !slices.Contains(ids, id) || next < pushed.Results[0].Seq {
		t.Errorf("the user who pushed read a feed without their push: %v up to %d", ids, next)
	}
	if code := p.call("agent", http.MethodGet, item, nil, nil); code != http.StatusOK {
		t.Errorf("the user who pushed gets HTTP %d for the feature they created", code)
	}
	if ids, next := p.feed("elu", start); slices.Contains(ids, id) || next != start {
		t.Errorf("another user read %v up to %d from a replica that has replayed nothing since %d", ids, next, start)
	}
	if code := p.call("elu", http.MethodGet, item, nil, nil); code != http.StatusNotFound {
		t.Errorf("another user gets HTTP %d for a feature the replica has not replayed, want 404", code)
	}
	if h := p.health(); h.Replica == nil || h.Replica.FeedBehind < 1 {
		t.Errorf("/healthz with the replica paused after a push: %+v", h.Replica)
	}

	resume()
	waitUntil(t, "the other user reads the push", func() bool {
		ids, _ := p.feed("elu", start)
		return slices.Contains(ids, id)
	})
	// (Its lag in seconds is the whole cluster's, which other databases'
	// writes keep above zero at times: the feed is what this platform has.)
	waitUntil(t, "/healthz shows the replica caught up with the feed", func() bool {
		h := p.health()
		return h.Replica != nil && h.Replica.Status == "ok" && h.Replica.FeedBehind == 0
	})
}

// Reads go to the replica: a feature written on the primary while the
// replica does not replay is invisible to a read made outside any request
// (a tool, the basemap's copy) and to a user who pushed nothing, and the
// primary's pool serves no such read.
func TestReadsGoToTheReplica(t *testing.T) {
	p := newReplicaPlatform(t)
	ctx := context.Background()
	waitUntil(t, "the replica answers", p.st.replicaUp)
	p.pauseReplay()
	err := p.st.Write(ctx, func(tx server.WriteTx) error {
		_, err := tx.WriteVersion("pei", store.NewID(), protocol.FeatureState{Exists: true, Version: 1,
			Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-2"}}, protocol.OpCreate, "seed", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, ctx := range map[string]context.Context{"a tool": ctx, "a user who pushed nothing": server.WithRequestUser(ctx, "elu")} {
		items, n, err := p.st.QueryItems(ctx, "pei", server.ItemsQuery{Limit: 10})
		if err != nil || len(items) != 0 || n != 0 {
			t.Errorf("%s read %d items (%d matched, %v) from a replica that has replayed none", name, len(items), n, err)
		}
		if changes, _, _, err := p.st.Changes(ctx, 0, 10, []string{"pei"}); err != nil || len(changes) != 0 {
			t.Errorf("%s read %d changes (%v) from a replica that has replayed none", name, len(changes), err)
		}
	}
	if pool := p.st.reader(server.WithRequestUser(ctx, "agent")); pool != p.st.read {
		t.Error("a user who pushed nothing is not sent to the replica")
	}
}

// replicaProxy stands between the platform and the replica's Unix socket
// (or TCP port), and can cut every connection and refuse new ones: a
// replica that stops answering, on demand.
type replicaProxy struct {
	t       *testing.T
	target  string // network address of the replica
	network string
	listen  string // where the proxy listens
	mu      sync.Mutex
	ln      net.Listener
	conns   []net.Conn
}

// proxyReplica starts a proxy to the replica at url and returns the URL
// that reaches it through the proxy.
func proxyReplica(t *testing.T, url string) (*replicaProxy, string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	p := &replicaProxy{t: t}
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket folder
		dir := t.TempDir()
		p.network = "unix"
		p.target = fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
		p.listen = fmt.Sprintf("%s/.s.PGSQL.%d", dir, cfg.Port)
		q.Set("host", dir)
		u.RawQuery = q.Encode()
	} else {
		p.network = "tcp"
		p.target = net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
		p.listen = "127.0.0.1:0"
	}
	p.restore()
	if p.network == "tcp" {
		p.listen = p.ln.Addr().String()
		u.Host = p.listen
		q.Del("host")
		q.Del("port")
		u.RawQuery = q.Encode()
	}
	t.Cleanup(p.cut)
	return p, u.String()
}

// restore listens again and forwards new connections to the replica.
func (p *replicaProxy) restore() {
	p.t.Helper()
	os.Remove(p.listen) // a Unix socket left by cut
	ln, err := net.Listen(p.network, p.listen)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r, err := net.Dial(p.network, p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, r)
			p.mu.Unlock()
			go func() { io.Copy(r, c); r.Close() }()
			go func() { io.Copy(c, r); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection through the proxy.
func (p *replicaProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A replica that stops answering: /healthz says so within seconds and
// every read goes to the primary (the users read the latest data, no
// failure); once it answers again, reads go back to it.
func TestReplicaDownReadsGoToThePrimary(t *testing.T) {
	var proxy *replicaProxy
	p := newReplicaPlatformVia(t, func(url string) string {
		var through string
		proxy, through = proxyReplica(t, url)
		return through
	})
	_, start := p.feed("elu", 0)
	id := store.NewID()
	var pushed protocol.PushResponse
	req := protocol.PushRequest{ClientID: "desk", Changes: []protocol.PushChange{{ChangeID: store.NewID(), Layer: "pei", ID: id,
		Op: protocol.OpCreate, GeometryChanged: true, Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-3"}}}}
	if code := p.call("agent", http.MethodPost, protocol.PathPush, req, &pushed); code != http.StatusOK {
		t.Fatalf("push: HTTP %d", code)
	}

	proxy.cut()
	waitUntil(t, "/healthz shows the replica unreadable", func() bool {
		h := p.health()
		return h.Replica != nil && h.Replica.Status == "unreadable"
	})
	if ids, _ := p.feed("elu", start); !slices.Contains(ids, id) {
		t.Errorf("with the replica down, the feed read %v, without the push", ids)
	}
	if code := p.call("elu", http.MethodGet, "/ogc/collections/pei/items/"+id, nil, nil); code != http.StatusOK {
		t.Errorf("with the replica down, an item: HTTP %d", code)
	}

	proxy.restore()
	waitUntil(t, "/healthz shows the replica back", func() bool {
		h := p.health()
		return h.Replica != nil && h.Replica.Status == "ok"
	})
	if ids, _ := p.feed("elu", start); !slices.Contains(ids, id) {
		t.Errorf("with the replica back, the feed read %v", ids)
	}
}
