package demoseed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// qgisTimeout bounds a run of PyQGIS or ogrinfo.
const qgisTimeout = 5 * time.Minute

// qgisSpec is what testdata/qgis_basic.py is asked to do.
type qgisSpec struct {
	OGC      string        `json:"ogc"`
	Master   string        `json:"master"`
	Layers   []string      `json:"layers"`
	Accounts []qgisAccount `json:"accounts"`
	Wrong    qgisWrong     `json:"wrong"`
}

type qgisAccount struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

type qgisWrong struct {
	qgisAccount
	Tries int `json:"tries"`
}

// qgisSeen is what the script printed.
type qgisSeen struct {
	Accounts map[string]struct {
		CollectionsStatus int      `json:"collections_status"`
		Collections       []string `json:"collections"`
		Layers            map[string]struct {
			Valid       bool `json:"valid"`
			Features    int  `json:"features"`
			IDs         int  `json:"ids"`
			Geometries  int  `json:"geometries"`
			Editable    bool `json:"editable"`
			ItemsStatus int  `json:"items_status"`
		} `json:"layers"`
	} `json:"accounts"`
	Wrong struct {
		Statuses   []int `json:"statuses"`
		LayerValid bool  `json:"layer_valid"`
	} `json:"wrong"`
}

// layerCount is a layer's features as the platform has them.
type layerCount struct{ features, geometries int }

// TestQGISOpensThePlatformWithBasicAuth: a GIS technician opens the demo
// platform in QGIS 3.22 (PyQGIS, the OAPIF provider) with a Basic
// authentication configuration of each demo user — every layer opens and
// reads whole, feature for feature as the platform counts them; QGIS 3.22
// reads, it does not edit. An account attached to no commune sees no
// layer: neither in the collections nor by items. A wrong password is
// refused, then throttled as a sign-in of Terrimap is, and logged. GDAL's
// ogrinfo, with GDAL_HTTP_AUTH=BASIC as the README says, counts the same.
func TestQGISOpensThePlatformWithBasicAuth(t *testing.T) {
	ctx := context.Background()
	if _, err := os.Stat("/usr/lib/python3/dist-packages/qgis/core"); err != nil {
		t.Fatalf("PyQGIS is missing: run `make deps` (Debian package python3-qgis): %v", err)
	}
	st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, err := Seed(ctx, st, demo.GenerateOptions{Scale: 0.02}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A trainee whose account is not yet attached to any commune.
	const trainee, traineePassword = "stagiaire", "mot de passe du stagiaire"
	hash, err := server.HashPasswordCost(traineePassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutUser(ctx, server.User{Name: trainee, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	counts := platformCounts(t, st)

	// The clock stands still: the throttle's waits do not run out while
	// QGIS retries, whatever the machine's speed.
	var log lockedLog
	now := time.Now()
	srv := httptest.NewServer(server.New(st, server.Options{
		Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Now:    func() time.Time { return now },
	}))
	defer srv.Close()
	ogc := srv.URL + "/ogc"

	var elu qgisAccount
	spec := qgisSpec{OGC: ogc, Master: "maître du trousseau de test"}
	for _, u := range users {
		spec.Accounts = append(spec.Accounts, qgisAccount{User: u.Name, Password: u.Password})
		if u.Role == string(protocol.RoleViewer) {
			elu = qgisAccount{User: u.Name, Password: u.Password}
		}
	}
	spec.Accounts = append(spec.Accounts, qgisAccount{User: trainee, Password: traineePassword})
	for name := range counts {
		spec.Layers = append(spec.Layers, name)
	}
	slices.Sort(spec.Layers)
	spec.Wrong = qgisWrong{qgisAccount: qgisAccount{User: elu.User, Password: "pas le bon"}, Tries: 8}

	// GDAL first: the wrong password, at the end, holds the address back.
	out := runBounded(t, []string{"GDAL_HTTP_AUTH=BASIC", "GDAL_HTTP_USERPWD=" + elu.User + ":" + elu.Password},
		"ogrinfo", "-ro", "-so", "OAPIF:"+ogc, "pei")
	if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != strconv.Itoa(counts["pei"].features) {
		t.Errorf("ogrinfo with GDAL_HTTP_AUTH=BASIC: %v, want %d hydrants\n%s", m, counts["pei"].features, out)
	}

	seen := runQGIS(t, spec)
	for _, a := range spec.Accounts {
		got, ok := seen.Accounts[a.User]
		if !ok {
			t.Errorf("%s: not in QGIS's output", a.User)
			continue
		}
		if a.User == trainee {
			if got.CollectionsStatus != 200 || len(got.Collections) != 0 {
				t.Errorf("%s: collections HTTP %d %v, want 200 and none", a.User, got.CollectionsStatus, got.Collections)
			}
			for name, l := range got.Layers {
				if l.Valid || l.ItemsStatus != 404 {
					t.Errorf("%s opens %s: valid %v, items HTTP %d; want refused (404)", a.User, name, l.Valid, l.ItemsStatus)
				}
			}
			continue
		}
		if slices.Sort(got.Collections); got.CollectionsStatus != 200 || !slices.Equal(got.Collections, spec.Layers) {
			t.Errorf("%s: collections HTTP %d %v, want %v", a.User, got.CollectionsStatus, got.Collections, spec.Layers)
		}
		for _, name := range spec.Layers {
			l, want := got.Layers[name], counts[name]
			if !l.Valid || l.ItemsStatus != 200 || l.Features != want.features || l.IDs != want.features || l.Geometries != want.geometries {
				t.Errorf("%s reads %s in QGIS: valid %v, items HTTP %d, %d features (%d ids, %d geometries); the platform has %d (%d geometries)",
					a.User, name, l.Valid, l.ItemsStatus, l.Features, l.IDs, l.Geometries, want.features, want.geometries)
			}
			if l.Editable {
				t.Errorf("%s: QGIS 3.22 offers to edit %s, which the README says it cannot", a.User, name)
			}
		}
	}

	const free = 5 // failures from an address before it waits (as for POST /api/v1/token)
	want := slices.Repeat([]int{401}, free)
	want = append(want, slices.Repeat([]int{429}, spec.Wrong.Tries-free)...)
	if !slices.Equal(seen.Wrong.Statuses, want) || seen.Wrong.LayerValid {
		t.Errorf("wrong password: HTTP %v, layer valid %v; want %v and no layer", seen.Wrong.Statuses, seen.Wrong.LayerValid, want)
	}
	logged := log.String()
	if n := strings.Count(logged, fmt.Sprintf(`msg="login failed" user=%s addr=127.0.0.1`, elu.User)); n != free {
		t.Errorf("%d failed logins logged, want %d:\n%s", n, free, logged)
	}
	if strings.Count(logged, `msg="login throttled: repeated failures"`) != 1 || strings.Contains(logged, "pas le bon") {
		t.Errorf("the log does not say the back-off once, or shows a password:\n%s", logged)
	}
}

// platformCounts returns each layer's features and those with a geometry,
// as the platform stores them.
func platformCounts(t *testing.T, st server.Storage) map[string]layerCount {
	t.Helper()
	ctx := context.Background()
	layers, err := st.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]layerCount{}
	for _, l := range layers {
		var c layerCount
		for offset := 0; ; {
			page, matched, err := st.QueryItems(ctx, l.Schema.Name, server.ItemsQuery{Limit: 1000, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range page {
				if f.Geometry != nil {
					c.geometries++
				}
			}
			c.features, offset = matched, offset+len(page)
			if len(page) == 0 || offset >= matched {
				break
			}
		}
		out[l.Schema.Name] = c
	}
	return out
}

// runQGIS runs testdata/qgis_basic.py with spec in PyQGIS, its settings
// and authentication database in a temporary folder.
func runQGIS(t *testing.T, spec qgisSpec) qgisSeen {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "qgis")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(dir, "spec.json")
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(specFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "qgis_basic.py"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"QT_QPA_PLATFORM=offscreen", "HOME=" + dir, "XDG_RUNTIME_DIR=" + dir, "QGIS_AUTH_DB_DIR_PATH=" + dir}
	out := runBounded(t, env, "/usr/bin/python3", script, specFile)
	var seen qgisSeen
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &seen); err != nil {
		t.Fatalf("PyQGIS's output: %v\n%s", err, out)
	}
	return seen
}

// runBounded runs a program with more environment, stopped (its process
// group, by its id) after qgisTimeout, and returns its standard output;
// it fails the test when the program fails.
func runBounded(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), qgisTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("stopped after %v: %w", qgisTimeout, err)
		}
		t.Fatalf("%s %v: %v\n%s\n--- stderr ---\n%s", name, args, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// lockedLog is the platform's log, written by its handlers and read by
// the test.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
