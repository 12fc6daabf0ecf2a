package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestDatabaseAndReplica checks that a test database has PostGIS, that
// two are apart, and that a row written on the primary is read on the
// replica.
func TestDatabaseAndReplica(t *testing.T) {
	ctx := context.Background()
	a, b := NewDatabase(t), NewDatabase(t)
	if a == b {
		t.Fatalf("two tests share database %s", redact(a))
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var wkt string
	if err := conn.QueryRow(ctx, `SELECT ST_AsText(ST_SetSRID(ST_MakePoint(4.91, 46.56), 4326))`).Scan(&wkt); err != nil {
		t.Fatalf("PostGIS: %v", err)
	}
	if wkt != "POINT(4.91 46.56)" {
		t.Fatalf("ST_AsText = %q", wkt)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE pei (numero text); INSERT INTO pei VALUES ('PI-12')`); err != nil {
		t.Fatal(err)
	}
	other, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var n int
	if err := other.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'pei'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the second database sees the first one's table: n=%d err=%v", n, err)
	}
	rconn, err := pgx.Connect(ctx, ReplicaOf(t, a))
	if err != nil {
		t.Fatal(err)
	}
	defer rconn.Close(ctx)
	var numero string
	for i := 0; i < 200; i++ {
		if err = rconn.QueryRow(ctx, `SELECT numero FROM pei`).Scan(&numero); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if numero != "PI-12" {
		t.Fatalf("replica read %q, err %v", numero, err)
	}
	var recovery bool
	if err := rconn.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&recovery); err != nil || !recovery {
		t.Fatalf("the replica is not a standby: %v %v", recovery, err)
	}
}
