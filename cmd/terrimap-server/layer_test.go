package main

import (
	"bytes"
	"context"
	"testing"

	"terrimap/store/schema"
	"terrimap/sync/server"
)

// The layer commands keep who may edit a layer; only edit-by changes it.
func TestLayerCommandsKeepWhoMayEdit(t *testing.T) { forEachStorage(t, testLayerCommands) }

func testLayerCommands(t *testing.T, db string) {
	ctx := context.Background()
	onPlatform(t, db, func(st platform) {
		zones := schema.Layer{Name: "zone_inondable", GeometryType: schema.MultiPolygon, Fields: []schema.Field{{Name: "alea", Type: schema.Text}}}
		if err := st.PutLayer(ctx, server.LayerRecord{Schema: zones, EditBy: server.EditByAdmins}); err != nil {
			t.Fatal(err)
		}
	})
	editBy := func() (e server.EditRight) {
		t.Helper()
		onPlatform(t, db, func(st platform) {
			layers, err := st.Layers(ctx)
			if err != nil || len(layers) != 1 {
				t.Fatalf("layers: %v %v", layers, err)
			}
			e = layers[0].EditBy
		})
		return e
	}
	layer := func(args ...string) (int, string) {
		var out, errs bytes.Buffer
		code := run(ctx, append([]string{"layer"}, append(args, "--db", db, "--layer", "zone_inondable")...), nil, &out, &errs)
		return code, errs.String()
	}
	for _, args := range [][]string{{"add-field", "--name", "source"}, {"title", "--title", "Zones inondables"}, {"add-code", "--field", "alea", "--code", "fort"}} {
		if code, errs := layer(args...); code != 0 {
			t.Fatalf("layer %v: exit %d: %s", args, code, errs)
		}
		if got := editBy(); got != server.EditByAdmins {
			t.Errorf("after layer %s, edited by %q", args[0], got)
		}
	}
	temporal := func() (name string) {
		onPlatform(t, db, func(st platform) {
			layers, err := st.Layers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			name = layers[0].Schema.Temporal
		})
		return name
	}
	if code, errs := layer("add-field", "--name", "date_arrete", "--type", "date"); code != 0 {
		t.Fatalf("add-field date: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		field string
		ok    bool
		want  string
	}{{"date_arrete", true, "date_arrete"}, {"alea", false, "date_arrete"}, {"nulle", false, "date_arrete"}, {"none", true, ""}} {
		code, errs := layer("temporal", "--field", c.field)
		if (code == 0) != c.ok || temporal() != c.want || editBy() != server.EditByAdmins {
			t.Errorf("temporal --field %s: exit %d (%s), temporal %q, edited by %q", c.field, code, errs, temporal(), editBy())
		}
	}
	if code, _ := layer("edit-by", "--by", "everyone"); code == 0 {
		t.Error("edit-by everyone accepted")
	}
	if code, errs := layer("edit-by"); code != 2 {
		t.Errorf("edit-by without --by: exit %d: %s", code, errs)
	}
	if code, errs := layer("edit-by", "--by", "editor"); code != 0 || editBy() != server.EditByEditors {
		t.Errorf("edit-by editor: exit %d (%s), edited by %q", code, errs, editBy())
	}
}
