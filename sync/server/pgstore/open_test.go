package pgstore

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"terrimap/internal/pgtest"
)

func TestIsURL(t *testing.T) {
	for db, want := range map[string]bool{
		"postgres://terrimap@localhost/plateforme":   true,
		"postgresql://terrimap@localhost/plateforme": true,
		"/srv/terrimap/plateforme.gpkg":              false,
		"plateforme.gpkg":                            false,
		"postgres.gpkg":                              false,
		"":                                           false,
	} {
		if got := IsURL(db); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", db, got, want)
		}
	}
}

// Opening a database without PostGIS, as a role that may not install it,
// fails and says what the administrator must run; opening one where it
// is there installs the platform's tables, and again changes nothing.
func TestOpenNeedsPostGIS(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Primary(t)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`DROP DATABASE IF EXISTS pgcore_no_postgis`, `DROP ROLE IF EXISTS pgcore_plain`,
		`CREATE ROLE pgcore_plain LOGIN`, `CREATE DATABASE pgcore_no_postgis OWNER pgcore_plain TEMPLATE template0`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), `DROP DATABASE IF EXISTS pgcore_no_postgis WITH (FORCE)`)
		conn.Exec(context.Background(), `DROP ROLE IF EXISTS pgcore_plain`)
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User, u.Path = url.User("pgcore_plain"), "/pgcore_no_postgis"
	st, err := Open(ctx, u.String(), Options{})
	if err == nil {
		st.Close()
		t.Fatal("Open succeeded in a database without PostGIS")
	}
	if !errors.Is(err, ErrNoPostGIS) || !strings.Contains(err.Error(), "CREATE EXTENSION postgis") {
		t.Errorf("Open = %v; want ErrNoPostGIS saying what to run", err)
	}

	db := pgtest.NewDatabase(t)
	for range 2 {
		st, err := Open(ctx, db, Options{DataSchema: "reseau_test"})
		if err != nil {
			t.Fatal(err)
		}
		var tables int
		err = st.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'terrimap'`).Scan(&tables)
		var schemas int
		err2 := st.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'reseau_test'`).Scan(&schemas)
		st.Close()
		if err != nil || err2 != nil || tables < 14 || schemas != 1 {
			t.Fatalf("after Open: %d terrimap tables, data schema %d (%v, %v)", tables, schemas, err, err2)
		}
	}
}

// A pool is sized by Options.MaxConns, else by the URL's pool_max_conns,
// else by defaultMaxConns (not pgxpool's 4 on a small server).
func TestPoolSize(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, c := range []struct {
		name string
		url  string
		opts Options
		want int32
	}{
		{"default", url, Options{}, defaultMaxConns()},
		{"options", url, Options{MaxConns: 7}, 7},
		{"url", url + sep + "pool_max_conns=5", Options{}, 5},
	} {
		st, err := Open(ctx, c.url, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := st.Pool().Config().MaxConns
		st.Close()
		if got != c.want {
			t.Errorf("%s: pool of %d connections, want %d", c.name, got, c.want)
		}
	}
	if defaultMaxConns() < 16 {
		t.Errorf("defaultMaxConns() = %d", defaultMaxConns())
	}
}
