package server

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server/demo"
)

// DemoUser is a demo account with its password, printed once.
type DemoUser struct {
	Name, Password, Org, Role, Description string
}

// seedBatch is how many generated features go to the store at once.
const seedBatch = 50_000

// SeedDemo fills an empty platform with the demo territory: the 24 communes
// as organisations with their territory, the layer schemas (communes, flood
// zones and the generated streets are reference data edited by admins
// only), the generated networks, and four
// users — an admin of the intercommunality, editors for Tournus and Uchizy,
// a viewer (élu) — whose random passwords it returns.
func SeedDemo(ctx context.Context, st Seeder, opts demo.GenerateOptions, progress func(layer string, n int)) ([]DemoUser, error) {
	communes, err := demo.Communes()
	if err != nil {
		return nil, err
	}
	if err := st.PutOrganisation(ctx, Organisation{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"}); err != nil {
		return nil, err
	}
	for _, c := range communes {
		if err := st.PutOrganisation(ctx, Organisation{ID: c.INSEE, Name: c.Name, Territory: c.Territory}); err != nil {
			return nil, err
		}
	}
	for _, l := range demo.Layers() {
		rec := LayerRecord{Schema: l, EditBy: EditByEditors, Style: DefaultStyle(l.Name)}
		switch l.Name {
		case demo.LayerCommunes, demo.LayerZoneInondable, demo.LayerVoies:
			rec.EditBy = EditByAdmins
		}
		if err := st.PutLayer(ctx, rec); err != nil {
			return nil, fmt.Errorf("server: demo layer %s: %w", l.Name, err)
		}
	}
	pending := map[string][]store.RemoteFeature{}
	counts := map[string]int{}
	flush := func(layer string) error {
		if len(pending[layer]) == 0 {
			return nil
		}
		if err := st.SeedFeatures(ctx, layer, "demo", pending[layer]); err != nil {
			return fmt.Errorf("server: demo %s: %w", layer, err)
		}
		counts[layer] += len(pending[layer])
		if progress != nil {
			progress(layer, counts[layer])
		}
		pending[layer] = pending[layer][:0]
		return nil
	}
	err = demo.Generate(opts, func(layer string, f demo.Feature) error {
		pending[layer] = append(pending[layer], store.RemoteFeature{UUID: f.ID, Geometry: f.Geometry, Properties: f.Properties})
		if len(pending[layer]) >= seedBatch {
			return flush(layer)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, l := range demo.Layers() {
		if err := flush(l.Name); err != nil {
			return nil, err
		}
	}
	if err := finishSeeding(ctx, st); err != nil {
		return nil, fmt.Errorf("server: demo: %w", err)
	}
	users := []DemoUser{
		{Name: "admin", Org: protocol.OrgCCMT, Role: string(protocol.RoleAdmin), Description: "administrateur de la plateforme (intercommunalité)"},
		{Name: "tournus", Org: "71543", Role: string(protocol.RoleEditor), Description: "agent de Tournus (éditeur, territoire de Tournus)"},
		{Name: "uchizy", Org: "71550", Role: string(protocol.RoleEditor), Description: "secrétaire de mairie d'Uchizy (éditrice, territoire d'Uchizy)"},
		{Name: "elu", Org: "71543", Role: string(protocol.RoleViewer), Description: "élu de Tournus (consultation)"},
	}
	for i := range users {
		users[i].Password = NewPassword()
		if err := AddUser(ctx, st, users[i].Name, users[i].Password, users[i].Org, protocol.Role(users[i].Role)); err != nil {
			return nil, err
		}
	}
	return users, nil
}

// NewPassword returns a random password easy to read out and type.
func NewPassword() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12]
}

// AddUser creates a user (or replaces its password) with a role in one organisation.
func AddUser(ctx context.Context, st Storage, name, password, org string, role protocol.Role) error {
	if !role.Valid() {
		return fmt.Errorf("server: role %q is not viewer, editor or admin", role)
	}
	if name == "" || strings.ContainsAny(name, " \t\n:/") {
		return fmt.Errorf("server: %q is not a user name", name)
	}
	if _, err := st.Organisation(ctx, org); err != nil {
		return fmt.Errorf("server: organisation %s: %w (a commune's INSEE code or %q)", org, err, protocol.OrgCCMT)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u := User{Name: name, PasswordHash: hash}
	if old, err := st.User(ctx, name); err == nil {
		for _, m := range old.Memberships {
			if m.Org != org {
				u.Memberships = append(u.Memberships, m)
			}
		}
	}
	u.Memberships = append(u.Memberships, protocol.Membership{Org: org, Role: role})
	return st.PutUser(ctx, u)
}
