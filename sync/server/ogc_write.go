package server

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/google/uuid"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// ogcClientID names the OGC API as the client of the pushes it makes.
const ogcClientID = "ogc-api"

// ogcCreate answers POST /collections/{id}/items (Part 4 create): the
// feature keeps the UUID it was sent with, or gets a new one (v4); 201
// with Location and ETag.
func (s *Server) ogcCreate(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	body, rerr := readFeatureBody(w, r, false)
	if rerr != nil {
		rerr.write(w)
		return
	}
	id := strings.ToLower(body.ID)
	if !protocol.ValidUUID(id) {
		id = uuid.NewString()
	}
	s.ogcPush(w, r, u, l, protocol.PushChange{Layer: l.Schema.Name, ID: id, Op: protocol.OpCreate,
		Properties: body.Properties, GeometryChanged: body.HasGeometry, Geometry: body.Geometry}, http.StatusCreated)
}

// ogcReplace answers PUT /collections/{id}/items/{featureId} (Part 4
// replace): the feature becomes the one sent; fields left out are emptied,
// read-only fields left out or unchanged are kept.
func (s *Server) ogcReplace(w http.ResponseWriter, r *http.Request, u User) {
	l, cur, body, ok := s.ogcEdit(w, r, u, false)
	if !ok {
		return
	}
	s.ogcPush(w, r, u, l, protocol.PushChange{Layer: l.Schema.Name, ID: cur.ID, Op: protocol.OpUpdate, BaseVersion: cur.Version,
		Properties: replacement(&l.Schema, cur.Properties, body.Properties), GeometryChanged: true, Geometry: body.Geometry}, http.StatusOK)
}

// ogcPatch answers PATCH /collections/{id}/items/{featureId} (Part 4
// update, a JSON merge patch): only the properties sent, and the geometry
// when sent, change; null empties a field.
func (s *Server) ogcPatch(w http.ResponseWriter, r *http.Request, u User) {
	l, cur, body, ok := s.ogcEdit(w, r, u, true)
	if !ok {
		return
	}
	if len(body.Properties) == 0 && !body.HasGeometry {
		w.Header().Set("ETag", etag(cur.Version))
		s.writeItem(w, r, l, cur, http.StatusOK) // an empty patch changes nothing
		return
	}
	s.ogcPush(w, r, u, l, protocol.PushChange{Layer: l.Schema.Name, ID: cur.ID, Op: protocol.OpUpdate, BaseVersion: cur.Version,
		Properties: body.Properties, GeometryChanged: body.HasGeometry, Geometry: body.Geometry}, http.StatusOK)
}

// ogcDelete answers DELETE /collections/{id}/items/{featureId}: 204.
func (s *Server) ogcDelete(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	cur, ok := s.ogcCurrent(w, r, l)
	if !ok || !checkIfMatch(w, r, cur) {
		return
	}
	s.ogcPush(w, r, u, l, protocol.PushChange{Layer: l.Schema.Name, ID: cur.ID, Op: protocol.OpDelete, BaseVersion: cur.Version}, http.StatusNoContent)
}

// ogcEdit does what PUT and PATCH share: the layer, the current feature,
// If-Match, and the body, whose id, if any, must be the feature's.
func (s *Server) ogcEdit(w http.ResponseWriter, r *http.Request, u User, patch bool) (LayerRecord, protocol.Change, featureBody, bool) {
	var body featureBody
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return l, protocol.Change{}, body, false
	}
	cur, ok := s.ogcCurrent(w, r, l)
	if !ok || !checkIfMatch(w, r, cur) {
		return l, cur, body, false
	}
	body, rerr := readFeatureBody(w, r, patch)
	if rerr == nil && body.ID != "" && !strings.EqualFold(body.ID, cur.ID) {
		rerr = badBody("L'identifiant « " + clipName(body.ID) + " » du corps n'est pas celui de l'objet modifié (" + cur.ID + ").")
	}
	if rerr != nil {
		rerr.write(w)
		return l, cur, body, false
	}
	return l, cur, body, true
}

// replacement returns the properties a PUT pushes: those sent, every other
// field emptied, and read-only fields dropped when left out or unchanged
// (a PUT of a feature read with GET must pass).
func replacement(l *schema.Layer, current, sent map[string]any) map[string]any {
	out := make(map[string]any, len(l.Fields)+len(sent))
	for k, v := range sent {
		out[k] = v
	}
	for _, f := range l.Fields {
		v, given := out[f.Name]
		switch {
		case f.ReadOnly && (!given || sameFieldValue(l, f.Name, v, current[f.Name])):
			delete(out, f.Name)
		case !given:
			out[f.Name] = nil
		}
	}
	return out
}

// sameFieldValue reports whether v, typed as field name says, is cur.
func sameFieldValue(l *schema.Layer, name string, v, cur any) bool {
	typed, issues := protocol.CoerceProperties(l, map[string]any{name: v})
	return len(issues) == 0 && reflect.DeepEqual(typed[name], cur)
}

// ogcPush sends one change through the sync push (same rules, history,
// feed), under a new change id, and answers with its result: okStatus
// with the feature and its ETag when applied or merged, 412 on a conflict,
// 400/403/404/409/422 when rejected, with the reason in French.
func (s *Server) ogcPush(w http.ResponseWriter, r *http.Request, u User, l LayerRecord, c protocol.PushChange, okStatus int) {
	c.ChangeID = uuid.NewString()
	resp, err := s.push(r.Context(), u, protocol.PushRequest{ClientID: ogcClientID, Changes: []protocol.PushChange{c}})
	if err == nil && len(resp.Results) != 1 {
		err = fmt.Errorf("server: ogc push: %d results for one change", len(resp.Results))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := resp.Results[0]
	switch res.Status {
	case protocol.StatusApplied, protocol.StatusMerged:
		s.ogcPushed(w, r, l, c, res, okStatus)
	case protocol.StatusConflict:
		if res.Current != nil && !res.Current.Deleted {
			w.Header().Set("ETag", etag(res.Current.Version))
		}
		writeException(w, http.StatusPreconditionFailed, ogcException{Code: res.Code, Description: res.Message,
			Message: res.Message, ConflictFields: res.ConflictFields})
	default:
		writeException(w, rejectedStatus(res.Code), ogcException{Code: res.Code, Description: res.Message,
			Message: res.Message, Fields: res.Fields})
	}
}

// ogcPushed answers an acknowledged change with the feature as stored.
func (s *Server) ogcPushed(w http.ResponseWriter, r *http.Request, l LayerRecord, c protocol.PushChange, res protocol.PushResult, okStatus int) {
	if okStatus == http.StatusCreated {
		w.Header().Set("Location", itemURL(ogcBase(r), l.Schema.Name, c.ID))
	}
	if c.Op == protocol.OpDelete {
		w.WriteHeader(okStatus)
		return
	}
	cur, ok, err := s.st.Item(r.Context(), l.Schema.Name, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok { // deleted by someone else in the meantime
		w.Header().Set("ETag", etag(res.Version))
		w.WriteHeader(okStatus)
		return
	}
	w.Header().Set("ETag", etag(cur.Version))
	s.writeItem(w, r, l, cur, okStatus)
}

// rejectedStatus is the HTTP status of a rejected change's code.
func rejectedStatus(code string) int {
	switch code {
	case protocol.CodeForbidden, protocol.CodeOutsideTerritory, protocol.CodeReadOnlyLayer:
		return http.StatusForbidden
	case protocol.CodeInvalidValue, protocol.CodeInvalidGeometry, protocol.CodeMissingBlob:
		return http.StatusUnprocessableEntity
	case protocol.CodeUnknownLayer, protocol.CodeUnknownFeature:
		return http.StatusNotFound
	case protocol.CodeDuplicateID:
		return http.StatusConflict
	case protocol.CodeBadBaseVersion:
		return http.StatusPreconditionFailed
	case protocol.CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
