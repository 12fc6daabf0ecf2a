package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

func TestPushMergeAndFeed(t *testing.T) {
	f := newPlatformFixture(t)
	id := newID()
	r := f.push("tournus", createHydrant(id, orb.Point{4.9, 46.55}, map[string]any{"numero": "T-01", "debit": 60}))[0]
	if r.Status != protocol.StatusApplied || r.Version != 1 || r.Seq == 0 {
		t.Fatalf("create: %+v", r)
	}
	// Two edits on version 1: other fields → merged; same field → conflict.
	upd := func(props map[string]any) protocol.PushChange {
		return protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: id, Op: protocol.OpUpdate, BaseVersion: 1, Properties: props}
	}
	if r := f.push("agent", upd(map[string]any{"debit": 75}))[0]; r.Status != protocol.StatusApplied || r.Version != 2 {
		t.Fatalf("first update: %+v", r)
	}
	if r := f.push("tournus", upd(map[string]any{"numero": "T-01b"}))[0]; r.Status != protocol.StatusMerged || r.Version != 3 || r.Current == nil {
		t.Fatalf("other field: %+v", r)
	} else if fmt.Sprint(r.Current.Properties["debit"]) != "75" || r.Current.Properties["numero"] != "T-01b" {
		t.Errorf("merged feature: %+v", r.Current.Properties)
	}
	conflicting := upd(map[string]any{"debit": 90})
	r = f.push("tournus", conflicting)[0]
	if r.Status != protocol.StatusConflict || len(r.ConflictFields) != 1 || r.ConflictFields[0] != "debit" || fmt.Sprint(r.Current.Properties["debit"]) != "75" {
		t.Fatalf("same field: %+v", r)
	}
	// Re-sending a change id gives the first answer and writes nothing.
	again := f.push("tournus", conflicting)[0]
	if again.Status != r.Status || again.Code != r.Code {
		t.Errorf("re-sent: %+v, first: %+v", again, r)
	}
	var feed protocol.ChangesResponse
	if code := f.do("elu", http.MethodGet, protocol.ChangesPath(0, 100), nil, &feed); code != 200 {
		t.Fatalf("changes: %d", code)
	}
	if len(feed.Changes) != 1 || feed.Changes[0].Version != 3 || feed.More {
		t.Fatalf("feed: %+v", feed)
	}
	var hist protocol.HistoryResponse
	if code := f.do("elu", http.MethodGet, protocol.HistoryPath(id), nil, &hist); code != 200 || len(hist.Versions) != 3 {
		t.Fatalf("history: %d %+v", code, hist)
	}
	if hist.Versions[1].Author != "agent" || strings.Join(hist.Versions[2].Changed, ",") != "numero" {
		t.Errorf("history: %+v", hist.Versions)
	}
	// Delete vs edit, then delete of a deleted feature.
	del := protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: id, Op: protocol.OpDelete, BaseVersion: 2}
	if r := f.push("agent", del)[0]; r.Status != protocol.StatusConflict {
		t.Errorf("delete vs edit: %+v", r)
	}
	del.ChangeID, del.BaseVersion = newID(), 3
	if r := f.push("agent", del)[0]; r.Status != protocol.StatusApplied {
		t.Errorf("delete: %+v", r)
	}
	del.ChangeID = newID()
	if r := f.push("tournus", del)[0]; r.Status != protocol.StatusApplied {
		t.Errorf("delete of a deleted feature: %+v", r)
	}
	edit := upd(map[string]any{"debit": 10})
	edit.BaseVersion = 3
	if r := f.push("tournus", edit)[0]; r.Status != protocol.StatusConflict || r.Code != protocol.CodeEditDeleted {
		t.Errorf("edit vs delete: %+v", r)
	}
}

func TestPermissions(t *testing.T) {
	f := newPlatformFixture(t)
	inTournus, inUchizy := orb.Point{4.9, 46.55}, orb.Point{5.0, 46.55}
	cases := []struct {
		name   string
		user   string
		change protocol.PushChange
		code   string
	}{
		{"viewer writes", "elu", createHydrant(newID(), inTournus, nil), protocol.CodeForbidden},
		{"editor outside commune", "tournus", createHydrant(newID(), inUchizy, nil), protocol.CodeOutsideTerritory},
		{"editor on admin layer", "tournus", protocol.PushChange{ChangeID: newID(), Layer: "zones", ID: newID(), Op: protocol.OpCreate,
			GeometryChanged: true, Geometry: orb.Polygon{{{4.9, 46.55}, {4.91, 46.55}, {4.91, 46.56}, {4.9, 46.55}}}}, protocol.CodeForbidden},
		{"bad code", "tournus", createHydrant(newID(), inTournus, map[string]any{"type_pei": "XX"}), protocol.CodeInvalidValue},
		{"unknown layer", "tournus", protocol.PushChange{ChangeID: newID(), Layer: "nope", ID: newID(), Op: protocol.OpCreate}, protocol.CodeUnknownLayer},
		{"line as hydrant", "tournus", protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: newID(), Op: protocol.OpCreate,
			GeometryChanged: true, Geometry: orb.LineString{{4.9, 46.55}, {4.91, 46.55}}}, protocol.CodeInvalidGeometry},
		{"SQL in values", "tournus", createHydrant(newID(), inTournus, map[string]any{"numero": "'); DROP TABLE pei; --"}), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.push(c.user, c.change)[0]
			if c.code == "" {
				if r.Status != protocol.StatusApplied {
					t.Fatalf("%+v", r)
				}
				return
			}
			if r.Status != protocol.StatusRejected || r.Code != c.code || r.Message == "" {
				t.Fatalf("result %+v, want rejected %s", r, c.code)
			}
		})
	}
	// Moving a Tournus hydrant into Uchizy is refused for the Tournus editor.
	id := newID()
	f.push("tournus", createHydrant(id, inTournus, nil))
	move := protocol.PushChange{ChangeID: newID(), Layer: "pei", ID: id, Op: protocol.OpUpdate, BaseVersion: 1, GeometryChanged: true, Geometry: inUchizy}
	if r := f.push("tournus", move)[0]; r.Code != protocol.CodeOutsideTerritory {
		t.Errorf("move out of the commune: %+v", r)
	}
	// The Uchizy editor cannot touch it where it is.
	move.ChangeID = newID()
	if r := f.push("uchizy", move)[0]; r.Code != protocol.CodeOutsideTerritory {
		t.Errorf("other commune's editor: %+v", r)
	}
	// The intercommunality's agent can.
	move.ChangeID = newID()
	if r := f.push("agent", move)[0]; r.Status != protocol.StatusApplied {
		t.Errorf("intercommunality agent: %+v", r)
	}
	// The table survived the SQL metacharacters.
	var feed protocol.ChangesResponse
	f.do("elu", http.MethodGet, protocol.ChangesPath(0, 100), nil, &feed)
	if len(feed.Changes) != 2 {
		t.Errorf("feed has %d changes", len(feed.Changes))
	}
}

func TestLayersShowAccess(t *testing.T) {
	f := newPlatformFixture(t)
	var resp protocol.LayersResponse
	if code := f.do("tournus", http.MethodGet, protocol.PathLayers, nil, &resp); code != 200 || len(resp.Layers) != 3 {
		t.Fatalf("layers: %d %+v", code, resp)
	}
	for _, l := range resp.Layers {
		switch l.Schema.Name {
		case "pei":
			if !l.Access.Create || l.Access.Territory == nil || string(l.Style) != `{"color":"#d00"}` {
				t.Errorf("pei access for the Tournus editor: %+v", l.Access)
			}
		case "zones":
			if l.Access.CanEdit() || l.Access.Reason == "" {
				t.Errorf("zones access: %+v", l.Access)
			}
		}
	}
	f.do("elu", http.MethodGet, protocol.PathLayers, nil, &resp)
	for _, l := range resp.Layers {
		if l.Access.CanEdit() || !l.Access.Read {
			t.Errorf("viewer access on %s: %+v", l.Schema.Name, l.Access)
		}
	}
}

func TestSecurity(t *testing.T) {
	f := newPlatformFixture(t)
	for _, path := range []string{protocol.PathLayers, protocol.ChangesPath(0, 10), protocol.HistoryPath(newID())} {
		if code := f.do("", http.MethodGet, path, nil, nil); code != http.StatusUnauthorized {
			t.Errorf("%s without token: %d", path, code)
		}
	}
	f.tokens["forged"] = "not-a-token"
	if code := f.do("forged", http.MethodGet, protocol.PathLayers, nil, nil); code != http.StatusUnauthorized {
		t.Errorf("forged token: %d", code)
	}
	if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: "tournus", Password: "mauvais"}, nil); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", code)
	}
	if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: "' OR 1=1 --", Password: "x"}, nil); code != http.StatusUnauthorized {
		t.Errorf("SQL in user name: %d", code)
	}
	// Tokens expire.
	f.now = f.now.Add(31 * 24 * time.Hour)
	if code := f.do("tournus", http.MethodGet, protocol.PathLayers, nil, nil); code != http.StatusUnauthorized {
		t.Errorf("expired token: %d", code)
	}
}
