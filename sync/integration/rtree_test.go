package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"terrimap/store"
	"terrimap/sync/client"
)

// TestFirstDownloadLeavesASoundRTree downloads a layer in many pages, the
// later ones leaving the GeoPackage R*Tree behind, and checks that at the
// end of the sync the file's R*Tree holds every feature, as QGIS and GDAL
// need it to.
func TestFirstDownloadLeavesASoundRTree(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		ctx := context.Background()
		if err := p.st.SeedFeatures(ctx, "pei", seedAuthor, hydrants(2500, 7)); err != nil {
			t.Fatal(err)
		}
		ws, err := store.Create(filepath.Join(t.TempDir(), "desk.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		c, err := client.New(ws, p.http.URL, client.Options{PullPage: 300, Backoff: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Login(ctx, "agent", password); err != nil {
			t.Fatal(err)
		}
		sum, err := c.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Pull.Received != 2500 {
			t.Fatalf("received %d features, want 2500", sum.Pull.Received)
		}
		var verdict string
		var rows, behind int
		db := ws.DB()
		if err := db.QueryRow(`SELECT rtreecheck('rtree_pei_geom')`).Scan(&verdict); err != nil || verdict != "ok" {
			t.Fatalf("rtreecheck: %q %v", verdict, err)
		}
		db.QueryRow(`SELECT count(*) FROM rtree_pei_geom`).Scan(&rows)
		db.QueryRow(`SELECT count(*) FROM tm_meta WHERE key LIKE 'rtree_behind:%'`).Scan(&behind)
		if rows != 2500 || behind != 0 {
			t.Fatalf("after the sync the R*Tree holds %d of 2500 features, %d layers still marked behind", rows, behind)
		}
		var inside int
		q := fmt.Sprintf(`SELECT count(*) FROM pei WHERE fid IN (SELECT id FROM rtree_pei_geom WHERE minx <= %f AND maxx >= %f AND miny <= %f AND maxy >= %f)`, 180.0, -180.0, 90.0, -90.0)
		if err := db.QueryRow(q).Scan(&inside); err != nil || inside != 2500 {
			t.Fatalf("a window over the world through the R*Tree finds %d features (%v)", inside, err)
		}
	})
}
