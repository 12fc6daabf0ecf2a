package testplatform

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// A desk of Start's platform holds the 24 communes and the layer given
// with its feature, and its user has the membership given.
func TestStartAndDesk(t *testing.T) {
	ctx := context.Background()
	points := schema.Layer{Name: "points", Title: "Points", GeometryType: schema.Point, Fields: []schema.Field{{Name: "nom", Type: schema.Text}}}
	url := Start(t, []Layer{{Schema: points, EditBy: server.EditByEditors, Features: []store.RemoteFeature{
		{UUID: store.NewID(), Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"nom": "Mairie"}}}}},
		map[string]protocol.Membership{"tournus": {Org: "71543", Role: protocol.RoleEditor}})
	ws, c := Desk(t, url, "tournus")
	for layer, want := range map[string]int{"communes": 24, "points": 1} {
		got, err := ws.Query(ctx, store.Query{Layer: layer})
		if err != nil || len(got) != want {
			t.Errorf("%s: %d features (%v), want %d", layer, len(got), err, want)
		}
	}
	if ms := c.Memberships(ctx); len(ms) != 1 || ms[0].Org != "71543" || ms[0].Role != protocol.RoleEditor {
		t.Errorf("memberships %v", ms)
	}
}
