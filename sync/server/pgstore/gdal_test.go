package pgstore

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
)

// gdalSource is the GDAL PostgreSQL driver's name for the database at url
// (libpq keywords: GDAL does not take a URL with a query).
func gdalSource(t *testing.T, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("PG:host=%s port=%d dbname=%s user=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
}

// GDAL (as QGIS and Lizmap do) opens a layer's table as it is: typed
// columns, a Point geometry in EPSG:4326, the layer's title (the table's
// comment), the features the platform wrote. (GDAL takes only an integer
// key for its FID: the uuid key is a String(UUID) field to it.)
func TestOgrinfoOpensTheLayerTable(t *testing.T) {
	st := newFeedStorage(t)
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1), testID(2): hydrant(2, 1), testID(3): hydrant(3, 1)})
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(3): {Version: 2}})
	src := gdalSource(t, st.pool.Config().ConnString())
	out, err := exec.CommandContext(context.Background(), "ogrinfo", "-ro", "-so", src, "reseaux.hydrants").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Layer name: reseaux.hydrants", "DESCRIPTION=Points d'eau incendie", "Geometry: Point", "Feature Count: 2",
		`ID["EPSG",4326]`, "Geometry Column = geom", "uuid: String(UUID)",
		"numero: String", "debit: Real", "pression: Integer64", "disponible: Integer(Boolean)", "date_ct: Date", "maj: DateTime",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, out)
		}
	}
	out, err = exec.CommandContext(context.Background(), "ogrinfo", "-ro", "-q", src, "-sql",
		"SELECT numero, debit, date_ct, maj, geom FROM reseaux.hydrants WHERE uuid = '"+testID(2)+"'").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo -sql: %v\n%s", err, out)
	}
	for _, want := range []string{"numero (String) = PEI-002", "debit (Real) = 60.5", "date_ct (Date) = 2024/05/01", "POINT (4.902 46.56)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the feature as GDAL reads it lacks %q:\n%s", want, out)
		}
	}
}
