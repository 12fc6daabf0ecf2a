package server

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// layer returns a layer of the fixture as stored.
func (f *platformFixture) layer(name string) LayerRecord {
	f.t.Helper()
	layers, err := f.st.Layers(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, l := range layers {
		if l.Schema.Name == name {
			return l
		}
	}
	f.t.Fatalf("no layer %s", name)
	return LayerRecord{}
}

// zoneBody is a GeoJSON flood zone inside Tournus.
func zoneBody() map[string]any {
	return map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{4.90, 46.55}, {4.91, 46.55}, {4.91, 46.56}, {4.90, 46.55}}}},
		"properties": map[string]any{"alea": "fort"}}
}

func TestRepublishKeepsWhoMayEdit(t *testing.T) {
	f := newPlatformFixture(t)
	zones := f.layer("zones")
	// The admin re-publishes the reference layer as it is.
	info := protocol.LayerInfo{Schema: zones.Schema, Style: zones.Style}
	if code := f.do("admin", http.MethodPut, protocol.LayerPath("zones"), info, nil); code != http.StatusOK {
		t.Fatalf("republish: HTTP %d", code)
	}
	if got := f.layer("zones").EditBy; got != EditByAdmins {
		t.Fatalf("after a republish without edit_by, zones are edited by %q", got)
	}
	// The Tournus editor still cannot create or change flood zones, through either API.
	if code := f.do("tournus", http.MethodPost, "/ogc/collections/zones/items", zoneBody(), nil); code != http.StatusForbidden {
		t.Errorf("OGC create by an editor after republish: HTTP %d", code)
	}
	var created ogcGotFeature
	if code := f.do("admin", http.MethodPost, "/ogc/collections/zones/items", zoneBody(), &created); code != http.StatusCreated {
		t.Fatalf("OGC create by the admin: HTTP %d", code)
	}
	if r := f.push("tournus", protocol.PushChange{ChangeID: newID(), Layer: "zones", ID: created.ID, Op: protocol.OpUpdate, BaseVersion: 1,
		Properties: map[string]any{"alea": "faible"}})[0]; r.Code != protocol.CodeForbidden {
		t.Errorf("push update by an editor after republish: %+v", r)
	}
	// Evolving the schema keeps it too.
	info.Schema.Fields = append(info.Schema.Fields, schema.Field{Name: "source", Type: schema.Text})
	if code := f.do("admin", http.MethodPut, protocol.LayerPath("zones"), info, nil); code != http.StatusOK {
		t.Fatalf("evolve: HTTP %d", code)
	}
	if got := f.layer("zones").EditBy; got != EditByAdmins {
		t.Fatalf("after a schema change, zones are edited by %q", got)
	}
	// Only an explicit edit_by changes it, and an unknown one is refused.
	info.EditBy = "everyone"
	if code := f.do("admin", http.MethodPut, protocol.LayerPath("zones"), info, nil); code != http.StatusBadRequest {
		t.Errorf("edit_by everyone: HTTP %d", code)
	}
	info.EditBy = string(EditByEditors)
	var got protocol.LayerInfo
	if code := f.do("admin", http.MethodPut, protocol.LayerPath("zones"), info, &got); code != http.StatusOK || got.EditBy != "editor" {
		t.Fatalf("explicit edit_by editor: HTTP %d, %+v", code, got)
	}
	if code := f.do("tournus", http.MethodPost, "/ogc/collections/zones/items", zoneBody(), nil); code != http.StatusCreated {
		t.Errorf("OGC create by an editor once opened: HTTP %d", code)
	}
	// The commands' way (storage without an edit right) keeps it as well.
	rec := f.layer("pei")
	rec.EditBy = EditByAdmins
	if err := f.st.PutLayer(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	rec.EditBy = ""
	rec.Schema.Title = "PEI"
	if err := f.st.PutLayer(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if got := f.layer("pei").EditBy; got != EditByAdmins {
		t.Errorf("PutLayer without an edit right: %q", got)
	}
}

func TestFeatureWithoutPositionIsNoEscape(t *testing.T) {
	f := newPlatformFixture(t)
	inTournus, inUchizy := orb.Point{4.9, 46.55}, orb.Point{5.0, 46.55}
	// A created hydrant without a position, through push or OGC, is refused.
	noGeom := createHydrant(newID(), orb.Point{}, nil)
	noGeom.Geometry = nil
	if r := f.push("tournus", noGeom)[0]; r.Code != protocol.CodeInvalidGeometry || !strings.Contains(r.Message, "position") {
		t.Errorf("create without geometry: %+v", r)
	}
	noGeom.ChangeID, noGeom.GeometryChanged = newID(), false
	if r := f.push("tournus", noGeom)[0]; r.Code != protocol.CodeInvalidGeometry {
		t.Errorf("create without geometry member: %+v", r)
	}
	if code := f.do("tournus", http.MethodPost, "/ogc/collections/pei/items", map[string]any{"type": "Feature", "properties": map[string]any{}}, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("OGC create without geometry: HTTP %d", code)
	}
	empty := createHydrant(newID(), orb.Point{}, nil)
	empty.Geometry = orb.Collection{}
	if r := f.push("admin", empty)[0]; r.Code != protocol.CodeInvalidGeometry {
		t.Errorf("create with an empty geometry: %+v", r)
	}
	// Nor can a hydrant lose its position.
	id := newID()
	f.push("tournus", createHydrant(id, inTournus, nil))
	if r := f.push("tournus", protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: id, Op: protocol.OpUpdate, BaseVersion: 1,
		GeometryChanged: true})[0]; r.Code != protocol.CodeInvalidGeometry {
		t.Errorf("update to a null geometry: %+v", r)
	}
	// A feature stored without a position (an old import) is outside every
	// commune: its editors cannot touch it, the admin can.
	lost := newID()
	if err := f.st.SeedFeatures(context.Background(), "pei", "import", []store.RemoteFeature{{UUID: lost, Properties: map[string]any{"type_pei": "PI"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []protocol.PushChange{
		{ChangeID: newID(), Layer: "pei", ID: lost, Op: protocol.OpUpdate, BaseVersion: 1, Properties: map[string]any{"numero": "U-1"}},
		{ChangeID: newID(), Layer: "pei", ID: lost, Op: protocol.OpUpdate, BaseVersion: 1, GeometryChanged: true, Geometry: inUchizy},
		{ChangeID: newID(), Layer: "pei", ID: lost, Op: protocol.OpDelete, BaseVersion: 1},
	} {
		if r := f.push("uchizy", c)[0]; r.Code != protocol.CodeOutsideTerritory {
			t.Errorf("editor's %s of a feature without position: %+v", c.Op, r)
		}
	}
	if r := f.push("admin", protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: lost, Op: protocol.OpUpdate, BaseVersion: 1,
		GeometryChanged: true, Geometry: inUchizy})[0]; r.Status != protocol.StatusApplied {
		t.Errorf("admin gives it a position: %+v", r)
	}
}

func TestTerritoryMeansLiesIn(t *testing.T) {
	f := newPlatformFixture(t)
	ctx := context.Background()
	secteurs := LayerRecord{Schema: schema.Layer{Name: "secteurs", GeometryType: schema.AnyGeometry}}
	if err := f.st.PutLayer(ctx, secteurs); err != nil {
		t.Fatal(err)
	}
	create := func(layer string, g orb.Geometry) protocol.PushChange {
		return protocol.PushChange{ChangeID: newID(), Layer: layer, ID: newID(), Op: protocol.OpCreate, Properties: map[string]any{}, GeometryChanged: true, Geometry: g}
	}
	world := orb.Polygon{{{-179, -89}, {179, -89}, {179, 89}, {-179, 89}, {-179, -89}}}
	cases := []struct {
		name string
		c    protocol.PushChange
		code string
	}{
		{"whole-world polygon", create("secteurs", world), protocol.CodeOutsideTerritory},
		{"pipe from Tournus to Uchizy", create("canalaep", orb.LineString{{4.90, 46.55}, {5.00, 46.55}}), protocol.CodeOutsideTerritory},
		{"pipe leaving and coming back", create("canalaep", orb.LineString{{4.90, 46.55}, {4.99, 46.56}, {4.90, 46.57}}), protocol.CodeOutsideTerritory},
		{"multipoint, one in Uchizy", create("secteurs", orb.MultiPoint{{4.90, 46.55}, {5.0, 46.55}}), protocol.CodeOutsideTerritory},
		{"pipe inside", create("canalaep", orb.LineString{{4.90, 46.55}, {4.94, 46.56}}), ""},
		{"pipe along the boundary", create("canalaep", orb.LineString{{4.95, 46.52}, {4.95, 46.58}}), ""},
		{"hydrant 2 m across the boundary", create("pei", orb.Point{4.95002, 46.55}), ""},
		{"hydrant 100 m across the boundary", create("pei", orb.Point{4.9513, 46.55}), protocol.CodeOutsideTerritory},
	}
	for _, c := range cases {
		r := f.push("tournus", c.c)[0]
		if c.code == "" && r.Status != protocol.StatusApplied || c.code != "" && r.Code != c.code {
			t.Errorf("%s: %+v, want %q", c.name, r, c.code)
		}
	}
	// Through the OGC API too.
	pipe := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{{4.90, 46.55}, {5.00, 46.55}}}, "properties": map[string]any{}}
	if code := f.do("tournus", http.MethodPost, "/ogc/collections/canalaep/items", pipe, nil); code != http.StatusForbidden {
		t.Errorf("OGC pipe from Tournus to Uchizy: HTTP %d", code)
	}
	// A pipe the intercommunality laid across both communes: neither
	// commune's editor may change or delete it, the agent may.
	across := create("canalaep", orb.LineString{{4.90, 46.55}, {5.00, 46.55}})
	if r := f.push("agent", across)[0]; r.Status != protocol.StatusApplied {
		t.Fatalf("agent's pipe: %+v", r)
	}
	for _, c := range []protocol.PushChange{
		{ChangeID: newID(), Layer: "canalaep", ID: across.ID, Op: protocol.OpUpdate, BaseVersion: 1, Properties: map[string]any{"diametre": 100}},
		{ChangeID: newID(), Layer: "canalaep", ID: across.ID, Op: protocol.OpUpdate, BaseVersion: 1, GeometryChanged: true, Geometry: orb.LineString{{4.90, 46.55}, {4.91, 46.55}}},
		{ChangeID: newID(), Layer: "canalaep", ID: across.ID, Op: protocol.OpDelete, BaseVersion: 1},
	} {
		if r := f.push("tournus", c)[0]; r.Code != protocol.CodeOutsideTerritory {
			t.Errorf("Tournus editor's %s of a pipe across communes: %+v", c.Op, r)
		}
	}
}

func TestChangeIDsBelongToTheirUser(t *testing.T) {
	f := newPlatformFixture(t)
	shared := newID()
	mine := createHydrant(newID(), orb.Point{4.9, 46.55}, nil)
	mine.ChangeID = shared
	first := f.push("tournus", mine)[0]
	if first.Status != protocol.StatusApplied {
		t.Fatalf("tournus: %+v", first)
	}
	theirs := createHydrant(newID(), orb.Point{5.0, 46.55}, map[string]any{"numero": "U-1"})
	theirs.ChangeID = shared
	r := f.push("uchizy", theirs)[0]
	if r.Status != protocol.StatusApplied || r.Seq == first.Seq {
		t.Fatalf("uchizy's change with tournus's change id: %+v (tournus's: %+v)", r, first)
	}
	if st, err := f.st.Feature(context.Background(), "pei", theirs.ID); err != nil || !st.Exists {
		t.Fatalf("uchizy's hydrant was dropped: %+v %v", st, err)
	}
	// Each re-send gets its own user's first answer.
	if again := f.push("tournus", mine)[0]; again.Seq != first.Seq {
		t.Errorf("tournus re-send: %+v, first %+v", again, first)
	}
	if again := f.push("uchizy", theirs)[0]; again.Seq != r.Seq {
		t.Errorf("uchizy re-send: %+v, first %+v", again, r)
	}
}

func TestIdempotencyRecordsUpgradeOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.gpkg")
	ws, err := store.OpenOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	shared := newID()
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `CREATE TABLE srv_pushes (change_id TEXT PRIMARY KEY, user TEXT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL)`); err != nil {
			return err
		}
		_, err := tx.SQL().ExecContext(ctx, `INSERT INTO srv_pushes VALUES (?, 'tournus', ?, '2025-01-01T00:00:00Z')`,
			shared, fmt.Sprintf(`{"change_id":%q,"status":"applied","version":1,"seq":7}`, shared))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	for range 2 { // the upgrade happens once, and opening again is harmless
		st, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		err = st.Write(ctx, func(tx WriteTx) error {
			r, found, err := tx.PushResult("tournus", shared)
			if err != nil || !found || r.Seq != 7 {
				return fmt.Errorf("tournus's old record: %+v %v %v", r, found, err)
			}
			if _, found, err := tx.PushResult("uchizy", shared); err != nil || found {
				return fmt.Errorf("uchizy sees tournus's record: %v %v", found, err)
			}
			return nil
		})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestLayerPublishingRefusesInternalNamesAndTooManyFields(t *testing.T) {
	f := newPlatformFixture(t)
	put := func(s schema.Layer) int {
		return f.do("admin", http.MethodPut, protocol.LayerPath(s.Name), protocol.LayerInfo{Schema: s}, nil)
	}
	for _, name := range []string{"srv_users", "SRV_Pushes", "sqlite_master", "sqlite_sequence", "rtree_pei_geom", "gpkg_contents", "tm_journal"} {
		if code := put(schema.Layer{Name: name, GeometryType: schema.Point}); code != http.StatusBadRequest {
			t.Errorf("layer %s: HTTP %d, want 400", name, code)
		}
	}
	fields := func(n int) []schema.Field {
		out := make([]schema.Field, n)
		for i := range out {
			out[i] = schema.Field{Name: fmt.Sprintf("f%d", i), Type: schema.Text}
		}
		return out
	}
	if code := put(schema.Layer{Name: "large", GeometryType: schema.Point, Fields: fields(3000)}); code != http.StatusBadRequest {
		t.Errorf("3000 fields: HTTP %d, want 400", code)
	}
	if code := put(schema.Layer{Name: "wide", GeometryType: schema.Point, Fields: fields(protocol.MaxLayerFields)}); code != http.StatusOK {
		t.Errorf("%d fields: HTTP %d, want 200", protocol.MaxLayerFields, code)
	}
	if code := put(schema.Layer{Name: "wide", GeometryType: schema.Point, Fields: fields(protocol.MaxLayerFields + 1)}); code != http.StatusBadRequest {
		t.Errorf("growing past %d fields: HTTP %d, want 400", protocol.MaxLayerFields, code)
	}
	// The storage refuses them too (imports and commands).
	if err := f.st.PutLayer(context.Background(), LayerRecord{Schema: schema.Layer{Name: "srv_tokens", GeometryType: schema.Point}}); err == nil {
		t.Error("PutLayer srv_tokens")
	}
	if code := f.do("tournus", http.MethodGet, protocol.PathLayers, nil, nil); code != http.StatusOK {
		t.Errorf("layers after the refusals: HTTP %d", code)
	}
}

// A commune whose outline is not an area (a bad import) leaves its editors
// nothing to edit, rather than everywhere.
func TestUnusableTerritoryRefusesAll(t *testing.T) {
	f := newPlatformFixture(t)
	if err := f.st.PutOrganisation(context.Background(), Organisation{ID: "71550", Name: "Uchizy", Territory: orb.Point{5.0, 46.55}}); err != nil {
		t.Fatal(err)
	}
	if r := f.push("uchizy", createHydrant(newID(), orb.Point{5.0, 46.55}, nil))[0]; r.Code != protocol.CodeOutsideTerritory {
		t.Errorf("editor of a commune without an area: %+v", r)
	}
}
