package server

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ogrinfo runs GDAL's ogrinfo against the test platform with user's token
// in GDAL_HTTP_HEADERS (GDAL ≥ 3.6), and returns its output. GDAL is a
// required tool of the suite (make test installs gdal-bin): without it the
// test fails, it does not skip.
func (e *ogcEnv) ogrinfo(user string, args ...string) (string, error) {
	e.t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		e.t.Fatalf("ogrinfo (GDAL) is missing: install Debian's gdal-bin (make test does); the OGC API is checked with a real GDAL client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cfg := []string{"--config", "GDAL_HTTP_TIMEOUT", "60", "--config", "GDAL_HTTP_MAX_RETRY", "0"}
	if user != "" {
		cfg = append(cfg, "--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer "+e.token(user))
	}
	cmd := exec.CommandContext(ctx, bin, append(cfg, args...)...)
	// The test server is local: no proxy, no user GDAL settings.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil || stderr.Len() > 0 {
		// GDAL reports on stderr; keep it apart so that it cannot split
		// the listing read by the test.
		return stdout.String() + "\n--- stderr ---\n" + stderr.String(), err
	}
	return stdout.String(), nil
}

func TestOGCWithGDAL(t *testing.T) {
	e := newOGCEnv(t)
	root := "OAPIF:" + e.srv.URL + "/ogc"

	out, err := e.ogrinfo("elu", "-ro", "-so", root)
	if err != nil {
		t.Fatalf("ogrinfo -so %s: %v\n%s", root, err, out)
	}
	for _, layer := range []string{"pei", "canalaep", "communes"} {
		if !regexp.MustCompile(`(?m)^\d+: ` + layer + `\b`).MatchString(out) {
			t.Errorf("ogrinfo does not list layer %s:\n%s", layer, out)
		}
	}

	// Every feature of the hydrant layer, over several pages, with typed
	// attributes and the UUID as id.
	out, err = e.ogrinfo("elu", "-ro", "-al", "-q", "-oo", "PAGE_SIZE=7", root+"/collections/pei")
	if err != nil {
		t.Fatalf("ogrinfo -al pei: %v\n%s", err, out)
	}
	if n := strings.Count(out, "OGRFeature(pei)"); n != 25 {
		t.Errorf("ogrinfo read %d hydrants, want 25:\n%s", n, out)
	}
	for _, want := range []string{
		"id (String) = " + ogcPEIID(4),
		"type_pei (String) = BI",
		"debit (Integer) = 64",
		"press_dyn (Real) = 1.5",
		"date_ct (Date) = 2024/05/01",
		"ref_sdis (String) = SDIS-004",
		"POINT (4.902 46.56)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, out)
		}
	}

	// A spatial filter reaches the server as bbox; the extent is the layer's.
	out, err = e.ogrinfo("elu", "-ro", "-al", "-so", "-spat", "4.79", "46.5", "4.87", "46.6", root+"/collections/pei")
	if err != nil {
		t.Fatalf("ogrinfo -spat: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Feature Count: 10") {
		t.Errorf("ogrinfo -spat west of Tournus:\n%s", out)
	}
	m := regexp.MustCompile(`Extent: \(([0-9.]+), ([0-9.]+)\) - \(([0-9.]+), ([0-9.]+)\)`).FindStringSubmatch(out)
	want := []float64{4.80, 46.56, 4.932, 46.56} // the index rounds outward to float32
	for i := range want {
		if m == nil {
			t.Fatalf("no extent in:\n%s", out)
		}
		if got, _ := strconv.ParseFloat(m[i+1], 64); math.Abs(got-want[i]) > 1e-5 {
			t.Errorf("extent %v, want %v", m[1:], want)
		}
	}

	// An equality in -where is sent to the platform (the API definition
	// lists the fields as query parameters); the rest GDAL filters itself.
	out, err = e.ogrinfo("elu", "-ro", "-al", "-q", "-where", "type_pei = 'BI' AND debit > 70", root, "pei")
	if err != nil {
		t.Fatalf("ogrinfo -where: %v\n%s", err, out)
	}
	if n := strings.Count(out, "OGRFeature(pei)"); n != 4 || strings.Contains(out, "type_pei (String) = PI") {
		t.Errorf("ogrinfo -where read %d hydrants, want 4 (13, 16, 19, 22):\n%s", n, out)
	}

	// A user of no organisation sees no layer; without a token GDAL is refused.
	if out, err := e.ogrinfo("orphan", "-ro", "-so", root); err == nil || strings.Contains(out, "1: pei") {
		t.Errorf("ogrinfo as a user of no organisation:\n%s", out)
	}
	if out, err := e.ogrinfo("", "-ro", "-so", root); err == nil {
		t.Errorf("ogrinfo without a token succeeded:\n%s", out)
	}
}
