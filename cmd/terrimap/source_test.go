package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/internal/ogcserve"
)

// TestSourceWFSAndSyncWithoutPlatform: `terrimap source types` lists QGIS
// Server's layers, `source add --wfs` subscribes, and `terrimap sync
// --workspace WS` refreshes a workspace that has no platform (it asked for
// --server and --user).
func TestSourceWFSAndSyncWithoutPlatform(t *testing.T) {
	gpkg := ogcserve.CopyCommunes(t)
	srv := ogcserve.QGIS(t, gpkg, ogcserve.CommunesLayer)
	ws := filepath.Join(t.TempDir(), "ws.gpkg")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"source", "types", "--wfs", srv.WFS}, ogcserve.CommunesLayer + "\t" + ogcserve.QGISTitle},
		{[]string{"source", "add", "--workspace", ws, "--wfs", srv.WFS, "--typename", ogcserve.CommunesLayer, "--bbox", "4.85,46.5,4.95,46.6"}, "from " + srv.WFS},
		{[]string{"source", "list", "--workspace", ws}, "WFS type " + ogcserve.CommunesLayer},
		{[]string{"sync", "--workspace", ws}, "Source communes_71 refreshed."},
	} {
		var stdout, stderr bytes.Buffer
		if code := runCommand(tc.args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), tc.want) {
			t.Errorf("terrimap %s: status %d, %q not in %q; stderr %q", strings.Join(tc.args, " "), code, tc.want, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := runCommand([]string{"source", "add", "--workspace", ws, "--wfs", srv.WFS}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "--typename") {
		t.Errorf("add --wfs without --typename: status %d, %q", code, stderr.String())
	}
}
