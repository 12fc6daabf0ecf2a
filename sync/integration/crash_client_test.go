package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// syncChildConfig tells a re-executed test binary which workspace to edit
// and sync until it is killed, and where to log the edits it committed.
type syncChildConfig struct {
	Workspace string `json:"workspace"`
	Log       string `json:"log"`
	Seed      uint64 `json:"seed"`
}

// runSyncChild opens the workspace, says "ready", then forever makes a few
// hydrant edits — logging each committed journal entry's change id, synced
// to disk, before going on — and syncs, printing "push" and "pull" as the
// sync reaches them so that the parent can kill it there.
func runSyncChild(cfgJSON string) int {
	var cfg syncChildConfig
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ws, err := store.Open(cfg.Workspace, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	logFile, err := os.OpenFile(cfg.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	c, err := client.New(ws, "", client.Options{PushBatch: 3, PullPage: 4, Backoff: 2 * time.Millisecond,
		Progress: func(p client.Progress) {
			if p.Stage == "push" || p.Stage == "pull" {
				fmt.Println(p.Stage)
			}
		}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 2))
	lg := newLedger()
	d := &desk{ws: ws, c: c}
	logged := map[string]bool{}
	fmt.Println("ready")
	for round := 0; round < 100000; round++ {
		for i := 0; i < 1+rng.IntN(3); i++ {
			if _, err := randomEdit(lg, d, "agent", rng, []string{"pei"}); err != nil {
				fmt.Fprintln(os.Stderr, "edit:", err)
				return 4
			}
			for id := range lg.made {
				if logged[id] {
					continue
				}
				logged[id] = true
				if _, err := fmt.Fprintln(logFile, id); err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 4
				}
			}
			if err := logFile.Sync(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 4
			}
		}
		if _, err := c.Sync(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "sync:", err)
			return 5
		}
	}
	return 0
}

// pushWatch sits in front of a platform and counts how many times each
// change id is pushed to it.
type pushWatch struct {
	mu    sync.Mutex
	sends map[string]int
	pushC chan struct{} // gets a value (when free) as each push arrives
	// inFlight counts pushes sent and not answered yet (transport only).
	inFlight atomic.Int32
}

func newPushWatch() *pushWatch {
	return &pushWatch{sends: map[string]int{}, pushC: make(chan struct{}, 1)}
}

func (w *pushWatch) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == protocol.PathPush {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return // the desk went away mid-request
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			w.count(body)
		}
		h.ServeHTTP(rw, r)
	})
}

func (w *pushWatch) count(body []byte) {
	var req struct {
		Changes []struct {
			ChangeID string `json:"change_id"`
		} `json:"changes"`
	}
	if json.Unmarshal(body, &req) != nil {
		return
	}
	w.mu.Lock()
	for _, c := range req.Changes {
		w.sends[c.ChangeID]++
	}
	w.mu.Unlock()
	select {
	case w.pushC <- struct{}{}:
	default:
	}
}

// resent returns the change ids pushed more than once.
func (w *pushWatch) resent() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for id, n := range w.sends {
		if n > 1 {
			out = append(out, id)
		}
	}
	return out
}

// child is a re-executed test binary and the lines it prints.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *lockedBuffer
}

func startChild(t testing.TB, env string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 64), stderr: &lockedBuffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// waitLine waits for a line that starts with prefix and returns it; ok is
// false when the child ended or the wait timed out first.
func (c *child) waitLine(prefix string, timeout time.Duration) (string, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case line, open := <-c.lines:
			if !open {
				return "", false
			}
			if strings.HasPrefix(line, prefix) {
				return line, true
			}
		case <-deadline.C:
			return "", false
		}
	}
}

// kill ends the child with SIGKILL and checks that is how it ended.
func (c *child) kill(t testing.TB) {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGKILL)
	err := c.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended otherwise than killed: %v\n%s", err, c.stderr.String())
	}
	for range c.lines { // the reader ends with the pipe
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// A desk's process is killed with SIGKILL over and over at random points
// of its pushes and pulls, while another desk changes the platform. Once
// restarted and synced, no edit it committed is lost, none was applied
// twice (re-sent change ids get their first answer), and its workspace is
// sound and equal to the platform.
func TestDeskKilledMidSync(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		t.Parallel()
		seed := testSeed(t)
		rng := rand.New(rand.NewPCG(seed, 3))
		watch := newPushWatch()
		p := newWatchedPlatform(t, kind, watch.wrap)
		lg := newLedger()
		admin := p.newDesk("admin")
		for i := 0; i < 6; i++ {
			if _, err := randomEdit(lg, admin, "admin", rng, []string{"pei", "canalaep"}); err != nil {
				t.Fatal(err)
			}
		}
		admin.sync()

		dir := t.TempDir()
		path := filepath.Join(dir, "agent.gpkg")
		logPath := filepath.Join(dir, "edits.log")
		first := p.newDeskAt("agent", path, p.http.URL)
		if err := first.ws.Close(); err != nil {
			t.Fatal(err)
		}

		const kills = 60
		killedAt := map[string]int{}
		for k := 0; k < kills; k++ {
			// Meanwhile the platform changes pipes, which the desk never edits.
			if k%3 == 0 {
				if _, err := randomEdit(lg, admin, "admin", rng, []string{"canalaep"}); err != nil {
					t.Fatal(err)
				}
				admin.sync()
			}
			cfg, _ := json.Marshal(syncChildConfig{Workspace: path, Log: logPath, Seed: rng.Uint64()})
			c := startChild(t, syncChildEnv+"="+string(cfg))
			if _, ok := c.waitLine("ready", time.Minute); !ok {
				c.kill(t)
				t.Fatalf("kill %d: the child did not start: %s", k, c.stderr.String())
			}
			stage := []string{"push", "pull"}[rng.IntN(2)]
			nth := 1 + rng.IntN(2)
			for i := 0; i < nth; i++ {
				if _, ok := c.waitLine(stage, time.Minute); !ok {
					c.kill(t)
					t.Fatalf("kill %d: the child stopped before its %s: %s", k, stage, c.stderr.String())
				}
			}
			time.Sleep(time.Duration(rng.IntN(25000)) * time.Microsecond) // where in the stage to kill
			c.kill(t)
			killedAt[stage]++
			if k%10 == 9 {
				checkWorkspaceFile(t, path, k)
			}
		}

		ctx := context.Background()
		ws, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		if check, err := ws.IntegrityCheck(ctx); err != nil || check != "ok" {
			t.Fatalf("workspace integrity check after %d kills: %q %v", kills, check, err)
		}
		cl, err := client.New(ws, "", client.Options{Backoff: 2 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		d := &desk{t: t, ws: ws, c: cl}
		d.sync()
		if s := d.sync(); s.Push.Sent != 0 || s.Conflicts != 0 || s.Rejected != 0 {
			t.Fatalf("the desk does not settle: %+v", s)
		}
		admin.sync()

		// Every edit the children committed reached the platform, once.
		data, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		logged := strings.Fields(string(data))
		answers, err := p.st.pushAnswers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range logged {
			if r := answers[id]; !r.Status.Acknowledged() {
				t.Fatalf("edit %s, committed by a child, was lost: the platform answered %q", id, r.Status)
			}
		}
		checkPlatform(t, p.st)
		want, err := platformFeatures(ctx, p.st)
		if err != nil {
			t.Fatal(err)
		}
		for name, ws := range map[string]*store.Workspace{"the killed desk": ws, "the other desk": admin.ws} {
			got, err := featuresOf(ctx, ws)
			if err != nil {
				t.Fatal(err)
			}
			requireSameFeatures(t, name, want, got)
		}
		if check, err := ws.IntegrityCheck(ctx); err != nil || check != "ok" {
			t.Fatalf("workspace integrity check: %q %v", check, err)
		}
		resent := watch.resent()
		t.Logf("%d kills (%v); %d edits committed by the children, all on the platform; %d change ids pushed again after a kill, each applied once",
			kills, killedAt, len(logged), len(resent))
		if len(logged) == 0 || len(resent) == 0 {
			t.Fatalf("the children committed %d edits, %d were sent again: the kills tested nothing", len(logged), len(resent))
		}
	})
}

// checkWorkspaceFile opens a workspace a child was killed over and runs
// SQLite's integrity check on it.
func checkWorkspaceFile(t testing.TB, path string, kill int) {
	t.Helper()
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("kill %d: reopen: %v", kill, err)
	}
	defer ws.Close()
	if check, err := ws.IntegrityCheck(context.Background()); err != nil || check != "ok" {
		t.Fatalf("kill %d: workspace integrity check: %q %v", kill, check, err)
	}
}
