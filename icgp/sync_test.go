package icgp

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// declarationsPlatform runs a real platform (SQLite file, over HTTP) with
// the demo's communes, a water main at the centre of Tournus and the
// icgp_declarations layer as the demo publishes it (editors), and three
// users: "tournus" and "uchizy", editors of their communes, and "elu", a
// viewer of Tournus.
func declarationsPlatform(t *testing.T) string {
	t.Helper()
	communes, err := demo.Communes()
	if err != nil {
		t.Fatal(err)
	}
	var pipes []store.RemoteFeature
	for _, c := range communes {
		if c.INSEE == "71543" {
			at := c.Centre
			pipes = append(pipes, store.RemoteFeature{UUID: store.NewID(), Geometry: orb.LineString{at, {at[0] + 0.002, at[1]}},
				Properties: map[string]any{"idcana": "C1", "branchemnt": "N", "materiau": "11", "diametre": int64(100)}})
		}
	}
	var layers []testplatform.Layer
	for _, l := range demo.Layers() {
		switch l.Name {
		case demo.LayerCanalAEP:
			layers = append(layers, testplatform.Layer{Schema: l, EditBy: server.EditByEditors, Features: pipes})
		case demo.LayerICGPDeclarations:
			layers = append(layers, testplatform.Layer{Schema: l, EditBy: server.EditByEditors})
		}
	}
	return testplatform.Start(t, layers, map[string]protocol.Membership{
		"tournus": {Org: "71543", Role: protocol.RoleEditor},
		"uchizy":  {Org: "71550", Role: protocol.RoleEditor},
		"elu":     {Org: "71543", Role: protocol.RoleViewer},
	})
}

// TestDeclarationsSync declares Tournus's update procedure on the desk of
// Tournus's editor, syncs, and finds it on the élu's desk with who
// declared it and when; Uchizy's editor may not declare for Tournus (the
// declaration lies in Tournus: the platform rejects it), but may for
// Uchizy.
func TestDeclarationsSync(t *testing.T) {
	url := declarationsPlatform(t)
	ctx := context.Background()
	ws, c := testplatform.Desk(t, url, "tournus")
	on := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if err := Declare(ctx, ws, Declaration{INSEE: "71543", Service: Water, Item: ItemUpdateProcedure, Value: true, Year: 2026, By: "J. Martin", On: on, Comment: "procédure écrite du 2 mars"}); err != nil {
		t.Fatal(err)
	}
	if sum, err := c.Sync(ctx); err != nil || sum.Rejected != 0 || sum.Conflicts != 0 {
		t.Fatalf("sync of the declaration: %+v, %v", sum, err)
	}
	elu, _ := testplatform.Desk(t, url, "elu")
	rep, err := Compute(ctx, elu, Options{INSEE: "71543", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	it := item(t, rep.Water, ItemUpdateProcedure)
	if it.Points != 5 || it.DeclaredBy != "J. Martin" || !it.DeclaredOn.Equal(on) || rep.Water.Length < 100 {
		t.Errorf("on the élu's desk: %+v (water %.0f m)", it, rep.Water.Length)
	}

	ucz, cu := testplatform.Desk(t, url, "uchizy")
	if err := Declare(ctx, ucz, Declaration{INSEE: "71543", Service: Water, Item: ItemModel, Value: true, By: "intrus"}); err != nil {
		t.Fatal(err)
	}
	if err := Declare(ctx, ucz, Declaration{INSEE: "71550", Service: Water, Item: ItemModel, Value: true, By: "C. Bernard"}); err != nil {
		t.Fatal(err)
	}
	sum, err := cu.Sync(ctx)
	if err != nil || sum.Rejected != 1 {
		t.Fatalf("Uchizy's sync: %+v, %v; want Tournus's declaration rejected", sum, err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err = Compute(ctx, ws, Options{INSEE: "71543", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if it := item(t, rep.Water, ItemModel); it.Points != 0 {
		t.Errorf("Uchizy declared Tournus's model: %+v", it)
	}
	rep, err = Compute(ctx, ws, Options{INSEE: "71550", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if it := item(t, rep.Water, ItemModel); it.Points != 5 || it.DeclaredBy != "C. Bernard" {
		t.Errorf("Uchizy's own declaration, on Tournus's desk: %+v", it)
	}
}

// TestDeclareRefuses checks what Declare refuses, changing nothing.
func TestDeclareRefuses(t *testing.T) {
	n := newTestNet(t)
	for _, d := range []Declaration{
		{INSEE: "", Service: Water, Item: ItemModel},
		{INSEE: "99001", Service: "gaz", Item: ItemModel},
		{INSEE: "99001", Service: Water, Item: ItemMaterialDiameter}, // computed, not declared
		{INSEE: "99001", Service: Sewer, Item: ItemModel},            // a water item
	} {
		if err := Declare(context.Background(), n.ws, d); err == nil {
			t.Errorf("%+v declared", d)
		}
	}
	if err := Declare(context.Background(), n.ws, Declaration{INSEE: "12345", Service: Water, Item: ItemModel}); err == nil {
		t.Error("a commune the workspace lacks was declared")
	}
	counts, err := n.ws.LayerCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[DeclarationsLayer] != 0 {
		t.Errorf("%d declarations written", counts[DeclarationsLayer])
	}
}
