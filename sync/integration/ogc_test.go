package integration

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// ogrinfo runs GDAL's ogrinfo with a bearer token (GDAL_HTTP_HEADERS) and
// returns its output. GDAL is a required tool of the suite (make test
// installs gdal-bin): without it the test fails, it does not skip.
func ogrinfo(t *testing.T, token string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatalf("ogrinfo (GDAL) is missing: install Debian's gdal-bin (make test does): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := []string{"--config", "GDAL_HTTP_TIMEOUT", "60", "--config", "GDAL_HTTP_MAX_RETRY", "0",
		"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + token}
	cmd := exec.CommandContext(ctx, bin, append(cfg, args...)...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if exit, ok := err.(*exec.ExitError); ok {
			stderr = string(exit.Stderr)
		}
		t.Fatalf("ogrinfo %v: %v\n%s\n%s", args, err, out, stderr)
	}
	return string(out)
}

// gdalFeature is one feature as ogrinfo lists it: its fields as printed
// ("debit (Real)" → "60"), and its geometry's WKT.
type gdalFeature struct {
	fields map[string]string
	wkt    string
}

// field returns the value of the field named name, whatever GDAL typed it.
func (f gdalFeature) field(name string) string {
	for k, v := range f.fields {
		if strings.HasPrefix(k, name+" (") {
			return v
		}
	}
	return ""
}

var (
	gdalFieldLine = regexp.MustCompile(`^  (\S+ \([^)]*\)) = (.*)$`)
	gdalGeomLine  = regexp.MustCompile(`^  ((?:MULTI)?(?:POINT|LINESTRING|POLYGON) .*)$`)
)

// gdalFeatures reads ogrinfo -al's listing of a layer, by the features' id.
func gdalFeatures(t *testing.T, out, layer string) map[string]gdalFeature {
	t.Helper()
	feats := map[string]gdalFeature{}
	var cur *gdalFeature
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "OGRFeature("+layer+")"):
			cur = &gdalFeature{fields: map[string]string{}}
		case cur == nil:
		case gdalFieldLine.MatchString(line):
			m := gdalFieldLine.FindStringSubmatch(line)
			cur.fields[m[1]] = m[2]
			if strings.HasPrefix(m[1], "id (") {
				feats[m[2]] = *cur
			}
		case gdalGeomLine.MatchString(line):
			cur.wkt = gdalGeomLine.FindStringSubmatch(line)[1]
			feats[cur.field("id")] = *cur
		}
	}
	return feats
}

// fieldTypes lists the "name (Type)" declarations of a listing, sorted.
func fieldTypes(feats map[string]gdalFeature) []string {
	seen := map[string]bool{}
	for _, f := range feats {
		for k := range f.fields {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ogcHydrant is one hydrant the OGC test expects GDAL to read.
type ogcHydrant struct {
	numero, typePEI, date string
	debit                 float64
	at                    orb.Point
}

// Hydrants made, updated, moved and deleted by a desk are read by GDAL's
// OGC API – Features driver as they are on the platform, over several
// pages, with a bounding box and an attribute filter sent to the server;
// both storages give GDAL the same fields with the same types.
func TestOGCAPIWithGDAL(t *testing.T) {
	t.Parallel()
	types := map[storageKind][]string{}
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := p.newDesk("agent")
		want := map[string]ogcHydrant{}
		ids := make([]string, 20)
		for i := range ids {
			h := ogcHydrant{numero: fmt.Sprintf("H-%02d", i), typePEI: []string{"BI", "PI", "PI"}[i%3], date: "2024-03-01",
				debit: float64(30 + 5*i), at: orb.Point{float64(486000+950*i) / 1e5, 46.55}}
			ids[i] = d.create("pei", h.at, map[string]any{"numero": h.numero, "type_pei": h.typePEI, "debit": h.debit, "date_ct": h.date})
			want[ids[i]] = h
		}
		d.sync()
		d.edit(func(tx *store.Tx) error { return tx.Delete("pei", ids[3]) })
		delete(want, ids[3])
		d.update("pei", ids[5], map[string]any{"debit": 120.5, "type_pei": "BI"}, nil)
		h := want[ids[5]]
		h.debit, h.typePEI = 120.5, "BI"
		want[ids[5]] = h
		d.update("pei", ids[12], nil, orb.Point{4.9, 46.57})
		h = want[ids[12]]
		h.at = orb.Point{4.9, 46.57}
		want[ids[12]] = h
		if s := d.sync(); s.Push.Applied != 3 {
			t.Fatalf("push: %+v", s.Push)
		}
		token, err := d.ws.Meta(ctx, "platform.token")
		if err != nil || token == "" {
			t.Fatalf("token: %q %v", token, err)
		}
		root := "OAPIF:" + p.http.URL + "/ogc"

		out := ogrinfo(t, token, "-ro", "-so", root)
		for _, layer := range []string{"pei", "canalaep"} {
			if !regexp.MustCompile(`(?m)^\d+: ` + layer + `\b`).MatchString(out) {
				t.Errorf("ogrinfo does not list layer %s:\n%s", layer, out)
			}
		}

		// Every hydrant, over pages of 7, as the platform has it.
		all := gdalFeatures(t, ogrinfo(t, token, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=7", root+"/collections/pei"), "pei")
		if len(all) != len(want) {
			t.Errorf("GDAL read %d hydrants, want %d", len(all), len(want))
		}
		for id, w := range want {
			g, ok := all[id]
			debit, _ := strconv.ParseFloat(g.field("debit"), 64)
			switch {
			case !ok:
				t.Errorf("hydrant %s (%s) missing from GDAL's listing", id, w.numero)
			case g.field("numero") != w.numero || g.field("type_pei") != w.typePEI || debit != w.debit ||
				strings.ReplaceAll(g.field("date_ct"), "/", "-") != w.date:
				t.Errorf("hydrant %s: GDAL read %v, want %+v", w.numero, g.fields, w)
			case g.wkt != fmt.Sprintf("POINT (%g %g)", w.at[0], w.at[1]):
				t.Errorf("hydrant %s: GDAL read %s, want %v", w.numero, g.wkt, w.at)
			}
		}
		types[kind] = fieldTypes(all)

		// A bounding box (west of 4.95°: Tournus) and an equality reach
		// the platform; GDAL keeps what they select.
		west := gdalFeatures(t, ogrinfo(t, token, "-ro", "-al", "-q", "-spat", "4.85", "46.5", "4.95", "46.6", root+"/collections/pei"), "pei")
		bi := gdalFeatures(t, ogrinfo(t, token, "-ro", "-al", "-q", "-where", "type_pei = 'BI'", root, "pei"), "pei")
		wantWest, wantBI := 0, 0
		for _, w := range want {
			if w.at[0] < 4.95 {
				wantWest++
			}
			if w.typePEI == "BI" {
				wantBI++
			}
		}
		if len(west) != wantWest || len(bi) != wantBI {
			t.Errorf("GDAL read %d hydrants west of 4.95° (want %d), %d of type BI (want %d)", len(west), wantWest, len(bi), wantBI)
		}
	})
	if len(types) == len(storageKinds) {
		for _, kind := range storageKinds[1:] {
			if !slices.Equal(types[kind], types[storageKinds[0]]) {
				t.Errorf("GDAL reads the fields %v from %s, %v from %s", types[kind], kind, types[storageKinds[0]], storageKinds[0])
			}
		}
	}
}
