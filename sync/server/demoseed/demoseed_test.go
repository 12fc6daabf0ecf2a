package demoseed

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"terrimap/internal/pgtest"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/pgstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// A small demo platform, on a file and on PostgreSQL: the reference
// layers — communes, flood zones, the generated streets — are edited by
// admins only, the networks by editors; each user signs in with the
// password printed once, in the role and commune said.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		open func(t *testing.T) server.Seeder
	}{
		{"sqlite", func(t *testing.T) server.Seeder {
			st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "demo.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"postgres", func(t *testing.T) server.Seeder {
			st, err := pgstore.Open(ctx, pgtest.NewDatabase(t), pgstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := c.open(t)
			defer st.Close()
			steps := 0
			users, err := Seed(ctx, st, demo.GenerateOptions{Scale: 0.01}, func(string, int) { steps++ })
			if err != nil {
				t.Fatal(err)
			}
			if steps == 0 {
				t.Error("no progress reported")
			}
			layers, err := st.Layers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]server.EditRight{demo.LayerVoies: server.EditByAdmins, demo.LayerCommunes: server.EditByAdmins,
				demo.LayerZoneInondable: server.EditByAdmins, demo.LayerPEI: server.EditByEditors}
			for _, l := range layers {
				if w, ok := want[l.Schema.Name]; ok {
					if l.EditBy != w {
						t.Errorf("%s: edited by %q, want %q", l.Schema.Name, l.EditBy, w)
					}
					delete(want, l.Schema.Name)
				}
			}
			if len(want) != 0 {
				t.Errorf("layers missing from the demo platform: %v", want)
			}
			if len(users) != 4 {
				t.Fatalf("%d demo users, want 4", len(users))
			}
			for _, u := range users {
				got, err := st.User(ctx, u.Name)
				if err != nil {
					t.Fatal(err)
				}
				if bcrypt.CompareHashAndPassword([]byte(got.PasswordHash), []byte(u.Password)) != nil {
					t.Errorf("%s: the printed password does not sign in", u.Name)
				}
				if len(got.Memberships) != 1 || got.Memberships[0].Org != u.Org || got.Memberships[0].Role != protocol.Role(u.Role) {
					t.Errorf("%s: memberships %+v, want %s of %s", u.Name, got.Memberships, u.Role, u.Org)
				}
			}
		})
	}
}
