// Package demoseed fills a new platform with the demonstration
// territory: the 24 communes of the Communauté de Communes du
// Mâconnais-Tournugeois, the generated networks and four users. It sits
// beside the platform's API (package server), which does not carry the
// demo generator, and works on either storage (server.Seeder).
package demoseed

import (
	"context"
	"fmt"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// User is a demo account with its password, printed once.
type User struct {
	Name, Password, Org, Role, Description string
}

// seedBatch is how many generated features go to the store at once.
const seedBatch = 50_000

// Seed fills an empty platform with the demo territory: the 24 communes
// as organisations with their territory, the layer schemas (communes, flood
// zones and the generated streets are reference data edited by admins
// only, as are the DT-DICT settings), the generated networks, and four
// users — an admin of the intercommunality, editors for Tournus and Uchizy,
// a viewer (élu) — whose random passwords it returns.
func Seed(ctx context.Context, st server.Seeder, opts demo.GenerateOptions, progress func(layer string, n int)) ([]User, error) {
	communes, err := demo.Communes()
	if err != nil {
		return nil, fmt.Errorf("demoseed: communes: %w", err)
	}
	if err := st.PutOrganisation(ctx, server.Organisation{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"}); err != nil {
		return nil, fmt.Errorf("demoseed: organisation %s: %w", protocol.OrgCCMT, err)
	}
	for _, c := range communes {
		if err := st.PutOrganisation(ctx, server.Organisation{ID: c.INSEE, Name: c.Name, Territory: c.Territory}); err != nil {
			return nil, fmt.Errorf("demoseed: organisation %s: %w", c.INSEE, err)
		}
	}
	for _, l := range demo.Layers() {
		if err := st.PutLayer(ctx, layerRecord(l)); err != nil {
			return nil, fmt.Errorf("demoseed: layer %s: %w", l.Name, err)
		}
	}
	pending := map[string][]store.RemoteFeature{}
	counts := map[string]int{}
	flush := func(layer string) error {
		if len(pending[layer]) == 0 {
			return nil
		}
		if err := st.SeedFeatures(ctx, layer, "demo", pending[layer]); err != nil {
			return fmt.Errorf("demoseed: %s: %w", layer, err)
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
		return nil, err // demo's own, or flush's (already wrapped)
	}
	for _, l := range demo.Layers() {
		if err := flush(l.Name); err != nil {
			return nil, err
		}
	}
	if err := server.FinishSeeding(ctx, st); err != nil {
		return nil, fmt.Errorf("demoseed: finish: %w", err)
	}
	users := []User{
		{Name: "admin", Org: protocol.OrgCCMT, Role: string(protocol.RoleAdmin), Description: "administrateur de la plateforme (intercommunalité)"},
		{Name: "tournus", Org: "71543", Role: string(protocol.RoleEditor), Description: "agent de Tournus (éditeur, territoire de Tournus)"},
		{Name: "uchizy", Org: "71550", Role: string(protocol.RoleEditor), Description: "secrétaire de mairie d'Uchizy (éditrice, territoire d'Uchizy)"},
		{Name: "elu", Org: "71543", Role: string(protocol.RoleViewer), Description: "élu de Tournus (consultation)"},
	}
	for i := range users {
		users[i].Password = server.NewPassword()
		if err := server.AddUser(ctx, st, users[i].Name, users[i].Password, users[i].Org, protocol.Role(users[i].Role)); err != nil {
			return nil, fmt.Errorf("demoseed: user %s: %w", users[i].Name, err)
		}
	}
	return users, nil
}

// layerRecord is how the platform publishes one of the demo's layers: its
// default style, edited by editors within their territory, except the
// reference data and the settings, edited by admins.
func layerRecord(l schema.Layer) server.LayerRecord {
	rec := server.LayerRecord{Schema: l, EditBy: server.EditByEditors, Style: server.DefaultStyle(l.Name)}
	switch l.Name {
	case demo.LayerCommunes, demo.LayerZoneInondable, demo.LayerVoies, demo.LayerDTDictOuvrages:
		rec.EditBy = server.EditByAdmins
	}
	return rec
}
