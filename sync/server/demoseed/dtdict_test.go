package demoseed

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/pgstore"
)

// The DT-DICT layers of the demo platform, on a file and on PostgreSQL:
// the settings (rows without geometry, edited by admins) reach a desk
// whole and readable; the register (any geometry, edited by editors)
// takes a Tournus editor's zone and commune point, and another desk reads
// them back.
func TestDTDictLayersSync(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		open func(t *testing.T) (server.Seeder, func(t *testing.T) string)
	}{
		{"sqlite", func(t *testing.T) (server.Seeder, func(t *testing.T) string) {
			st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "demo.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			return st, nil
		}},
		{"postgres", func(t *testing.T) (server.Seeder, func(t *testing.T) string) {
			db := pgtest.NewDatabase(t)
			st, err := pgstore.Open(ctx, db, pgstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			// The register is a real PostGIS table QGIS opens: any geometry
			// type, in WGS 84.
			return st, func(t *testing.T) string {
				conn, err := pgx.Connect(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(ctx)
				var typ string
				var srid int
				if err := conn.QueryRow(ctx, `SELECT type, srid FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = 'dtdict'`,
					pgstore.DefaultDataSchema).Scan(&typ, &srid); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%s %d", typ, srid)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, pgColumn := c.open(t)
			defer st.Close()
			users, err := Seed(ctx, st, demo.GenerateOptions{Scale: 0.01}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if pgColumn != nil {
				if got := pgColumn(t); got != "GEOMETRY 4326" {
					t.Errorf("reseaux.dtdict's geometry column: %s, want GEOMETRY in 4326", got)
				}
			}
			layers, err := st.Layers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rights := map[string]server.EditRight{}
			for _, l := range layers {
				rights[l.Schema.Name] = l.EditBy
			}
			if rights[demo.LayerDTDictOuvrages] != server.EditByAdmins || rights[demo.LayerDTDict] != server.EditByEditors {
				t.Errorf("edit rights: dtdict_ouvrages %q, dtdict %q", rights[demo.LayerDTDictOuvrages], rights[demo.LayerDTDict])
			}
			srv := httptest.NewServer(server.New(st, server.Options{}))
			defer srv.Close()
			password := map[string]string{}
			for _, u := range users {
				password[u.Name] = u.Password
			}
			tournus := syncedDesk(t, srv.URL, "tournus", password["tournus"])
			settings, err := tournus.Query(ctx, store.Query{Layer: demo.LayerDTDictOuvrages})
			if err != nil {
				t.Fatal(err)
			}
			byCode := map[string]store.Feature{}
			for _, f := range settings {
				if f.Geometry != nil {
					t.Errorf("%v has a geometry %v", f.Properties["code_ouvrage"], f.Geometry)
				}
				byCode[f.Properties["code_ouvrage"].(string)] = f
			}
			water := byCode["EAUPOT71543"]
			if len(settings) != 43 || water.Properties["couches"] != "canalaep,apparaep,ouvraep" ||
				water.Properties["marge_classe_c"] != 5.0 || water.Properties["recommandations"] != demo.DefaultRecommandations {
				t.Fatalf("%d settings rows on the desk; EAUPOT71543 %v", len(settings), water.Properties)
			}

			zone := orb.Polygon{{{4.9088, 46.5618}, {4.9098, 46.5618}, {4.9098, 46.5622}, {4.9088, 46.5622}, {4.9088, 46.5618}}}
			written := map[string]orb.Geometry{"2026061500001": zone, "2026061500002": orb.Point{4.8993, 46.5651}}
			err = tournus.Edit(ctx, func(tx *store.Tx) error {
				for numero, g := range written {
					if _, err := tx.Create(demo.LayerDTDict, store.Feature{Geometry: g, Properties: map[string]any{
						"numero": numero, "type": "DICT", "insee": "71543", "commune": "Tournus", "recu_le": "2026-06-15",
						"echeance": "2026-06-24", "statut": "a_traiter",
					}}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			syncOnce(t, tournus)
			elu := syncedDesk(t, srv.URL, "elu", password["elu"])
			got, err := elu.Query(ctx, store.Query{Layer: demo.LayerDTDict})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(written) {
				t.Fatalf("%d declarations on another desk, want %d", len(got), len(written))
			}
			for _, f := range got {
				want := written[f.Properties["numero"].(string)]
				if !schema.GeometryEqual(f.Geometry, want) || f.Properties["statut"] != "a_traiter" || f.Properties["echeance"] != "2026-06-24" {
					t.Errorf("declaration %v: %v %v, want %v", f.Properties["numero"], f.Geometry, f.Properties, want)
				}
			}
		})
	}
}

// syncedDesk makes a workspace, signs user in at url and syncs it once.
func syncedDesk(t *testing.T, url, user, password string) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), user+".gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c, err := client.New(ws, url, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, password); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, ws)
	return ws
}

// syncOnce syncs a signed-in desk, which must end with nothing waiting.
func syncOnce(t *testing.T, ws *store.Workspace) {
	t.Helper()
	c, err := client.New(ws, "", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Conflicts != 0 || sum.Rejected != 0 {
		t.Fatalf("sync left %d conflicts, %d rejected changes", sum.Conflicts, sum.Rejected)
	}
}
