package server

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"terrimap/sync/protocol"
)

// hydrant is a GeoJSON Feature body for the pei layer.
func hydrant(lon, lat float64, props map[string]any) map[string]any {
	return map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{lon, lat}},
		"properties": props}
}

// changes reads the whole change feed as user.
func (e *ogcEnv) changes(user string) []protocol.Change {
	e.t.Helper()
	r := e.do(http.MethodGet, protocol.ChangesPath(0, 0), user, nil).expect(e.t, http.StatusOK)
	resp, err := protocol.DecodeChangesResponse(bytes.NewReader(r.body), protocol.MaxChangesBytes)
	ogcMust(e.t, err)
	return resp.Changes
}

// history reads the versions of a feature as user.
func (e *ogcEnv) history(user, id string) []protocol.Version {
	e.t.Helper()
	r := e.do(http.MethodGet, protocol.HistoryPath(id), user, nil).expect(e.t, http.StatusOK)
	resp, err := protocol.DecodeHistoryResponse(bytes.NewReader(r.body), protocol.MaxHistoryBytes)
	ogcMust(e.t, err)
	return resp.Versions
}

func TestOGCCreate(t *testing.T) {
	e := newOGCEnv(t)
	r := e.do(http.MethodPost, "/ogc/collections/pei/items", "agent",
		hydrant(4.91, 46.57, map[string]any{"type_pei": "BI", "debit": 90, "date_ct": "01/06/2025"})).expect(t, http.StatusCreated)
	loc := r.header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if !strings.HasPrefix(loc, e.srv.URL+"/ogc/collections/pei/items/") || !protocol.ValidUUID(id) || id[14] != '4' {
		t.Fatalf("Location %q: want the item URL with a new UUID v4", loc)
	}
	if r.header.Get("ETag") != `"1"` {
		t.Errorf("ETag %q", r.header.Get("ETag"))
	}
	var f ogcGotFeature
	r.json(t, &f)
	if f.ID != id || f.Properties["debit"] != 90.0 || f.Properties["date_ct"] != "2025-06-01" || f.Properties["press_dyn"] != nil {
		t.Errorf("created %+v", f)
	}
	e.do(http.MethodGet, loc, "elu", nil).expect(t, http.StatusOK)

	// In the change feed and the history, by its author.
	var found bool
	for _, c := range e.changes("elu") {
		if c.ID == id {
			found = c.Layer == "pei" && c.Version == 1 && c.ModifiedBy == "agent" && !c.Deleted
		}
	}
	if !found {
		t.Errorf("created feature %s is not in the change feed", id)
	}
	if h := e.history("elu", id); len(h) != 1 || h[0].Op != protocol.OpCreate || h[0].Author != "agent" || h[0].Version != 1 {
		t.Errorf("history %+v", h)
	}

	// A client-made UUID is kept; sending it again is a conflict.
	mine := "0191d5c2-7a1b-7c3d-8e4f-0123456789ab"
	body := hydrant(4.92, 46.55, map[string]any{"type_pei": "PI"})
	body["id"] = strings.ToUpper(mine)
	r = e.do(http.MethodPost, "/ogc/collections/pei/items", "admin", body).expect(t, http.StatusCreated)
	if !strings.HasSuffix(r.header.Get("Location"), "/"+mine) {
		t.Errorf("Location %q does not keep the id sent", r.header.Get("Location"))
	}
	e.do(http.MethodPost, "/ogc/collections/pei/items", "admin", body).expect(t, http.StatusConflict)
}

func TestOGCWriteRules(t *testing.T) {
	e := newOGCEnv(t)
	items := "/ogc/collections/pei/items"
	inside := map[string]any{"type_pei": "PI"}
	cases := []struct {
		name, user, path string
		body             any
		status           int
		code             string
	}{
		{"viewer cannot create", "elu", items, hydrant(4.91, 46.57, inside), http.StatusForbidden, protocol.CodeForbidden},
		{"editor outside territory", "agent", items, hydrant(4.80, 46.57, inside), http.StatusForbidden, protocol.CodeOutsideTerritory},
		{"reference layer", "agent", "/ogc/collections/communes/items",
			map[string]any{"type": "Feature", "geometry": nil, "properties": map[string]any{"nom": "X"}}, http.StatusForbidden, protocol.CodeForbidden},
		{"no organisation", "orphan", items, hydrant(4.91, 46.57, inside), http.StatusNotFound, protocol.CodeNotFound},
		{"unknown layer", "admin", "/ogc/collections/nope/items", hydrant(4.91, 46.57, inside), http.StatusNotFound, protocol.CodeNotFound},
		{"code outside the list", "agent", items, hydrant(4.91, 46.57, map[string]any{"type_pei": "XX"}), http.StatusUnprocessableEntity, protocol.CodeInvalidValue},
		{"unknown field", "agent", items, hydrant(4.91, 46.57, map[string]any{"type_pei": "PI", "couleur": "rouge"}), http.StatusUnprocessableEntity, protocol.CodeInvalidValue},
		{"wrong geometry type", "agent", items, map[string]any{"type": "Feature", "properties": inside,
			"geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{{4.91, 46.57}, {4.92, 46.57}}}}, http.StatusUnprocessableEntity, protocol.CodeInvalidGeometry},
		{"not JSON", "agent", items, "{", http.StatusBadRequest, protocol.CodeMalformed},
		{"a collection", "agent", items, `{"type":"FeatureCollection","features":[]}`, http.StatusBadRequest, protocol.CodeMalformed},
		{"bad coordinates", "agent", items, `{"type":"Feature","geometry":{"type":"Point","coordinates":["a","b"]},"properties":{}}`, http.StatusBadRequest, protocol.CodeMalformed},
		{"nested property", "agent", items, `{"type":"Feature","geometry":null,"properties":{"type_pei":{"a":1}}}`, http.StatusBadRequest, protocol.CodeMalformed},
	}
	for _, c := range cases {
		r := e.do(http.MethodPost, c.path, c.user, c.body)
		var ex ogcException
		r.json(t, &ex)
		if r.status != c.status || ex.Code != c.code || ex.Message == "" || ex.Description != ex.Message {
			t.Errorf("%s: %d %+v, want %d %s", c.name, r.status, ex, c.status, c.code)
		}
	}
	// The field at fault is named, in French.
	var ex ogcException
	e.do(http.MethodPost, items, "agent", hydrant(4.91, 46.57, map[string]any{"debit": 5})).expect(t, http.StatusUnprocessableEntity).json(t, &ex)
	if len(ex.Fields) != 1 || ex.Fields[0].Field != "type_pei" || !strings.Contains(ex.Message, "obligatoire") {
		t.Errorf("missing required field: %+v", ex)
	}
	e.do(http.MethodPost, items, "agent", `{"type":"Feature"}`, "Content-Type", "text/xml").expect(t, http.StatusUnsupportedMediaType)
	huge := `{"type":"Feature","properties":{"type_pei":"` + strings.Repeat("P", protocol.MaxPushBytes) + `"}}`
	e.do(http.MethodPost, items, "agent", huge).expect(t, http.StatusRequestEntityTooLarge)
	// Nothing of the above reached the platform.
	if n := len(e.changes("admin")); n != 25+2+1 {
		t.Errorf("%d changes in the feed after refused writes, want the 28 seeded", n)
	}
}

func TestOGCIfMatch(t *testing.T) {
	e := newOGCEnv(t)
	item := "/ogc/collections/pei/items/" + ogcPEIID(2)
	patch := map[string]any{"properties": map[string]any{"debit": 120}}
	e.do(http.MethodPatch, item, "agent", patch).expect(t, http.StatusPreconditionRequired)
	e.do(http.MethodPut, item, "agent", hydrant(4.9, 46.56, map[string]any{"type_pei": "PI"})).expect(t, http.StatusPreconditionRequired)
	e.do(http.MethodDelete, item, "agent", nil).expect(t, http.StatusPreconditionRequired)
	r := e.do(http.MethodPatch, item, "agent", patch, "If-Match", `"7"`).expect(t, http.StatusPreconditionFailed)
	if r.header.Get("ETag") != `"1"` {
		t.Errorf("412 ETag %q, want the current version", r.header.Get("ETag"))
	}

	r = e.do(http.MethodPatch, item, "agent", patch, "If-Match", `"1"`).expect(t, http.StatusOK)
	if r.header.Get("ETag") != `"2"` {
		t.Errorf("ETag after PATCH %q", r.header.Get("ETag"))
	}
	// The version read before the PATCH is stale now.
	e.do(http.MethodPatch, item, "agent", map[string]any{"properties": map[string]any{"debit": 1}}, "If-Match", `"1"`).expect(t, http.StatusPreconditionFailed)
	e.do(http.MethodDelete, item, "agent", nil, "If-Match", `"1"`).expect(t, http.StatusPreconditionFailed)
	r = e.do(http.MethodDelete, item, "agent", nil, "If-Match", `W/"2"`).expect(t, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("204 with a body: %s", r.body)
	}
	e.do(http.MethodGet, item, "elu", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodDelete, item, "agent", nil, "If-Match", `"3"`).expect(t, http.StatusNotFound)

	h := e.history("elu", ogcPEIID(2))
	if len(h) != 3 || h[1].Author != "agent" || !slices.Equal(h[1].Changed, []string{"debit"}) || h[2].Op != protocol.OpDelete {
		t.Errorf("history %+v", h)
	}
	var tomb bool
	for _, c := range e.changes("elu") {
		if c.ID == ogcPEIID(2) {
			tomb = c.Deleted && c.Version == 3
		}
	}
	if !tomb {
		t.Error("the deletion is not in the change feed")
	}
}

func TestOGCReplaceAndPatch(t *testing.T) {
	e := newOGCEnv(t)
	item := "/ogc/collections/pei/items/" + ogcPEIID(5)
	var f ogcGotFeature
	e.do(http.MethodGet, item, "agent", nil).expect(t, http.StatusOK).json(t, &f)

	// PUT what was read, with one change: passes, read-only field included.
	f.Properties["debit"] = 200
	body := map[string]any{"type": "Feature", "id": f.ID, "geometry": f.Geometry, "properties": f.Properties}
	e.do(http.MethodPut, item, "agent", body, "If-Match", `"1"`).expect(t, http.StatusOK).json(t, &f)
	if f.Properties["debit"] != 200.0 || f.Properties["ref_sdis"] != "SDIS-005" {
		t.Errorf("after PUT %+v", f.Properties)
	}
	// PUT replaces: fields left out are emptied, the read-only one is kept.
	r := e.do(http.MethodPut, item, "agent", hydrant(4.91, 46.56, map[string]any{"type_pei": "BI"}), "If-Match", `"2"`).expect(t, http.StatusOK)
	r.json(t, &f)
	if f.Properties["type_pei"] != "BI" || f.Properties["debit"] != nil || f.Properties["date_ct"] != nil || f.Properties["ref_sdis"] != "SDIS-005" {
		t.Errorf("after replacing PUT %+v", f.Properties)
	}
	// A read-only field cannot be changed, a foreign id is refused.
	e.do(http.MethodPut, item, "agent", hydrant(4.91, 46.56, map[string]any{"type_pei": "BI", "ref_sdis": "X"}), "If-Match", `"3"`).
		expect(t, http.StatusUnprocessableEntity)
	other := hydrant(4.91, 46.56, map[string]any{"type_pei": "BI"})
	other["id"] = ogcPEIID(6)
	e.do(http.MethodPut, item, "agent", other, "If-Match", `"3"`).expect(t, http.StatusBadRequest)

	// PATCH: only what is sent changes; null empties; the geometry moves.
	r = e.do(http.MethodPatch, item, "agent", map[string]any{"properties": map[string]any{"debit": 45, "press_dyn": nil},
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{4.93, 46.58}}}, "If-Match", `"3"`, "Content-Type", "application/merge-patch+json")
	r.expect(t, http.StatusOK).json(t, &f)
	if f.Properties["debit"] != 45.0 || f.Properties["type_pei"] != "BI" || !strings.Contains(string(f.Geometry), "4.93") {
		t.Errorf("after PATCH %+v %s", f.Properties, f.Geometry)
	}
	if h := e.history("admin", ogcPEIID(5)); !slices.Equal(h[len(h)-1].Changed, []string{"debit", "geom"}) {
		t.Errorf("PATCH recorded changes %v", h[len(h)-1].Changed)
	}
	// An empty patch changes nothing; "properties": null is refused.
	e.do(http.MethodPatch, item, "agent", map[string]any{}, "If-Match", `"4"`).expect(t, http.StatusOK)
	e.do(http.MethodPatch, item, "agent", `{"properties":null}`, "If-Match", `"4"`).expect(t, http.StatusBadRequest)

	// The territory holds for moves and for features outside it.
	e.do(http.MethodPatch, item, "agent", map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{4.80, 46.56}}},
		"If-Match", `"4"`).expect(t, http.StatusForbidden)
	outside := "/ogc/collections/pei/items/" + ogcPEIID(20)
	e.do(http.MethodPatch, outside, "agent", map[string]any{"properties": map[string]any{"debit": 1}}, "If-Match", `"1"`).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, outside, "agent", nil, "If-Match", `"1"`).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, outside, "elu", nil, "If-Match", `"1"`).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, outside, "admin", nil, "If-Match", `"1"`).expect(t, http.StatusNoContent)
}
