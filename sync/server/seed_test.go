package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
	"terrimap/sync/server/demo"
)

// TestDemoReferenceLayersAreAdminOnly seeds a small demo platform and checks
// that the Tournus editor may not edit its reference layers — the communes,
// the flood zones and the generated streets — while she still edits the
// hydrants; a push on a street is refused.
func TestDemoReferenceLayersAreAdminOnly(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	users, err := SeedDemo(ctx, st, demo.GenerateOptions{Scale: 0.01}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(st, Options{}))
	t.Cleanup(ts.Close)
	f := &platformFixture{t: t, st: st, http: ts, tokens: map[string]string{}}
	for _, u := range users {
		var resp protocol.TokenResponse
		if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: u.Name, Password: u.Password}, &resp); code != 200 {
			t.Fatalf("token for %s: %d", u.Name, code)
		}
		f.tokens[u.Name] = resp.Token
	}
	var layers protocol.LayersResponse
	if code := f.do("tournus", http.MethodGet, protocol.PathLayers, nil, &layers); code != 200 {
		t.Fatalf("layers: HTTP %d", code)
	}
	want := map[string]bool{demo.LayerVoies: false, demo.LayerCommunes: false, demo.LayerZoneInondable: false, demo.LayerPEI: true}
	for _, l := range layers.Layers {
		w, ok := want[l.Schema.Name]
		if !ok {
			continue
		}
		delete(want, l.Schema.Name)
		if got := l.Access.Create || l.Access.Update || l.Access.Delete; got != w {
			t.Errorf("%s: editor may edit = %v, want %v (access %+v, edit_by %q)", l.Schema.Name, got, w, l.Access, l.EditBy)
		}
	}
	if len(want) != 0 {
		t.Fatalf("layers missing from the demo platform: %v", want)
	}
	res := f.push("tournus", protocol.PushChange{ChangeID: newID(), Layer: demo.LayerVoies, ID: newID(), Op: protocol.OpCreate,
		Properties: map[string]any{"nom": "Rue inventée"}, GeometryChanged: true,
		Geometry: orb.LineString{{4.9085, 46.5630}, {4.9095, 46.5635}}})
	if res[0].Status == protocol.StatusApplied {
		t.Fatalf("the Tournus editor created a street: %+v", res[0])
	}
}
