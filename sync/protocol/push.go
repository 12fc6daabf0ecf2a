package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	area "terrimap/store/territory"
)

// Op is the kind of a pushed change; the same words as the store's journal.
type Op string

// The kinds of change.
const (
	// OpCreate adds a feature with a new UUID made by the client.
	OpCreate Op = "create"
	// OpUpdate changes some properties and/or the geometry of a feature.
	OpUpdate Op = "update"
	// OpDelete removes a feature.
	OpDelete Op = "delete"
)

// Valid reports whether op is a known kind of change.
func (op Op) Valid() bool { return op == OpCreate || op == OpUpdate || op == OpDelete }

// Status is what the platform did with a pushed change.
type Status string

// The statuses of a PushResult.
const (
	// StatusApplied: the change was applied as sent (or, for a delete, the
	// feature was already gone).
	StatusApplied Status = "applied"
	// StatusMerged: the change was combined with edits made meanwhile on the
	// platform to other fields (or to the same fields, with the same values).
	StatusMerged Status = "merged"
	// StatusConflict: the same field or the geometry changed on both sides,
	// or edit-vs-delete; nothing was written; Current is the platform's
	// feature and the user chooses.
	StatusConflict Status = "conflict"
	// StatusRejected: the change was refused (Code, Message, Fields say why);
	// nothing was written.
	StatusRejected Status = "rejected"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusApplied || s == StatusMerged || s == StatusConflict || s == StatusRejected
}

// Acknowledged reports whether the platform took the change: the client
// removes it from its journal.
func (s Status) Acknowledged() bool { return s == StatusApplied || s == StatusMerged }

// PushRequest is the body of POST PathPush: a batch of local changes, in
// the order they were made.
type PushRequest struct {
	// ClientID identifies the installation that sends the changes (made once,
	// kept in the workspace), for the audit trail.
	ClientID string `json:"client_id"`
	// Changes are answered one by one, in order.
	Changes []PushChange `json:"changes"`
}

// Validate checks the batch as a whole: a client id, at most
// MaxPushChanges changes, none of them null. Each change is checked on its
// own (PushChange.Validate) by the server, which rejects it alone, so one
// bad change does not hold up the others.
func (r PushRequest) Validate() error {
	if !validID(r.ClientID) {
		return malformed("client_id %q is not an id", r.ClientID)
	}
	if len(r.Changes) > MaxPushChanges {
		return malformed("%d changes in one push, at most %d", len(r.Changes), MaxPushChanges)
	}
	return nil
}

// UnmarshalJSON reads a batch, naming the change at fault in errors.
// Unknown members are refused: the platform is upgraded before its clients.
func (r *PushRequest) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w struct {
		ClientID string            `json:"client_id"`
		Changes  []json.RawMessage `json:"changes"`
	}
	if err := strictUnmarshal(data, &w); err != nil {
		return asWire(err)
	}
	if len(w.Changes) > MaxPushChanges {
		return malformed("%d changes in one push, at most %d", len(w.Changes), MaxPushChanges)
	}
	changes, err := unmarshalEach[PushChange](w.Changes, "changes")
	if err != nil {
		return err
	}
	*r = PushRequest{ClientID: w.ClientID, Changes: changes}
	return nil
}

// PushChange is one local change: a journal entry on the wire.
type PushChange struct {
	// ChangeID is made by the client (a UUID); re-sending it returns the
	// first answer and applies nothing twice.
	ChangeID string
	// Layer is the name of the feature's layer.
	Layer string
	// ID is the feature's id; a new UUID for a create.
	ID string
	// Op is the kind of change.
	Op Op
	// BaseVersion is the platform version the change was made on: 0 for a
	// create, the feature's synced version otherwise.
	BaseVersion int64
	// Properties holds the changed fields and their new values for an
	// update, every field for a create, nothing for a delete.
	Properties map[string]any
	// GeometryChanged says the change sets the geometry to Geometry, which
	// may be nil (the geometry is removed). When false, Geometry is ignored
	// and the geometry is left as it is.
	GeometryChanged bool
	// Geometry is the new geometry when GeometryChanged.
	Geometry orb.Geometry
	// Attachments are the sha256 (BlobHash) of the blobs the change refers
	// to, uploaded before the push.
	Attachments []string
}

type pushChangeWire struct {
	ChangeID        string          `json:"change_id"`
	Layer           string          `json:"layer"`
	ID              string          `json:"id"`
	Op              Op              `json:"op"`
	BaseVersion     int64           `json:"base_version"`
	Properties      json.RawMessage `json:"properties,omitempty"`
	GeometryChanged bool            `json:"geometry_changed,omitempty"`
	Geometry        json.RawMessage `json:"geometry,omitempty"`
	Attachments     []string        `json:"attachments,omitempty"`
}

// MarshalJSON writes the change; "geometry" is present (maybe null) exactly
// when GeometryChanged.
func (c PushChange) MarshalJSON() ([]byte, error) {
	w := pushChangeWire{ChangeID: c.ChangeID, Layer: c.Layer, ID: c.ID, Op: c.Op, BaseVersion: c.BaseVersion,
		GeometryChanged: c.GeometryChanged, Attachments: c.Attachments}
	if c.Properties != nil {
		b, err := json.Marshal(c.Properties)
		if err != nil {
			return nil, err
		}
		w.Properties = b
	}
	if c.GeometryChanged {
		g, err := marshalGeometry(c.Geometry)
		if err != nil {
			return nil, err
		}
		w.Geometry = g
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a change written by MarshalJSON. A geometry sent
// without geometry_changed is refused rather than silently ignored.
func (c *PushChange) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	if b := firstByte(data); b != '{' {
		return malformed("a change must be an object, not %s", jsonKind(b))
	}
	var w pushChangeWire
	if err := strictUnmarshal(data, &w); err != nil {
		return asWire(err)
	}
	props, err := decodeProperties(w.Properties)
	if err != nil {
		return err
	}
	var g orb.Geometry
	if w.GeometryChanged {
		if g, err = decodeGeometry(w.Geometry); err != nil {
			return within("geometry", err)
		}
	} else if len(w.Geometry) > 0 {
		return malformed(`"geometry" is sent but "geometry_changed" is not true`)
	}
	*c = PushChange{ChangeID: w.ChangeID, Layer: w.Layer, ID: w.ID, Op: w.Op, BaseVersion: w.BaseVersion,
		Properties: props, GeometryChanged: w.GeometryChanged, Geometry: g, Attachments: w.Attachments}
	return nil
}

// strictUnmarshal decodes data into v, refusing unknown members.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ChangeError is why a pushed change is refused: a machine code, a French
// message for the person who made it, and the fields at fault. It matches
// ErrInvalidChange and, for property or geometry issues, schema.ErrInvalidValue
// or schema.ErrInvalidGeometry.
type ChangeError struct {
	// Code is CodeMalformed, CodeInvalidValue, CodeInvalidGeometry,
	// CodeUnknownLayer or CodeReadOnlyLayer.
	Code string
	// Message says in French what is wrong and what to do.
	Message string
	// Fields lists the fields (and the geometry) that do not fit the layer.
	Fields []FieldIssue
	// detail says in English what is wrong, for logs.
	detail string
}

func (e *ChangeError) Error() string {
	return fmt.Sprintf("%s: %s: %s", ErrInvalidChange, e.Code, e.detail)
}

// Unwrap lets errors.Is find ErrInvalidChange and the schema sentinels.
func (e *ChangeError) Unwrap() []error {
	out := []error{ErrInvalidChange}
	switch e.Code {
	case CodeInvalidValue:
		out = append(out, schema.ErrInvalidValue)
	case CodeInvalidGeometry:
		out = append(out, schema.ErrInvalidGeometry)
	}
	return out
}

// Result returns the rejected PushResult of the change with id changeID.
func (e *ChangeError) Result(changeID string) PushResult {
	return PushResult{ChangeID: changeID, Status: StatusRejected, Code: e.Code, Message: e.Message, Fields: e.Fields}
}

func changeError(code, detail, message string) *ChangeError {
	return &ChangeError{Code: code, Message: message, detail: detail}
}

// Validate checks the change is well formed, whatever its layer: ids (a
// UUID for ChangeID and, on create, ID), a known op, a layer name, a base
// version ≥ 0 (0 on create, ≥ 1 otherwise), plain property names and scalar
// values, no properties, geometry or attachments on delete, something to
// change on update, attachments named by their hash. Its errors are
// *ChangeError with CodeMalformed.
func (c PushChange) Validate() error {
	bad := func(detail, message string) error { return changeError(CodeMalformed, detail, message) }
	switch {
	case !ValidUUID(c.ChangeID):
		return bad(fmt.Sprintf("change_id %q is not a UUID", c.ChangeID),
			"L'identifiant de la modification n'est pas un UUID : modification illisible, à supprimer.")
	case !c.Op.Valid():
		return bad(fmt.Sprintf("op %q is not create, update or delete", c.Op),
			fmt.Sprintf("Opération « %s » inconnue : seules la création, la modification et la suppression existent.", clip(string(c.Op))))
	case !ValidName(c.Layer):
		return bad(fmt.Sprintf("layer %q is not a layer name", c.Layer),
			fmt.Sprintf("« %s » n'est pas un nom de couche.", clip(c.Layer)))
	case c.Op == OpCreate && !ValidUUID(c.ID):
		return bad(fmt.Sprintf("id %q of a new feature is not a UUID", c.ID),
			"L'identifiant du nouvel objet n'est pas un UUID.")
	case !validID(c.ID):
		return bad(fmt.Sprintf("id %q is not a feature id", c.ID),
			"L'identifiant de l'objet est vide ou illisible.")
	case c.BaseVersion < 0:
		return bad(fmt.Sprintf("base_version %d is negative", c.BaseVersion),
			"La version de départ de la modification est négative.")
	case c.Op == OpCreate && c.BaseVersion != 0:
		return bad(fmt.Sprintf("a create has base_version %d, not 0", c.BaseVersion),
			"Une création ne peut pas partir d'une version existante.")
	case c.Op != OpCreate && c.BaseVersion == 0:
		return bad(fmt.Sprintf("a %s has base_version 0: the feature was never synced", c.Op),
			"La modification porte sur un objet jamais envoyé à la plateforme : envoyez d'abord sa création.")
	case c.Op == OpDelete && (len(c.Properties) > 0 || c.GeometryChanged || len(c.Attachments) > 0):
		return bad("a delete carries properties, geometry or attachments",
			"Une suppression ne porte ni attributs, ni géométrie, ni pièces jointes.")
	case c.Op == OpUpdate && len(c.Properties) == 0 && !c.GeometryChanged && len(c.Attachments) == 0:
		return bad("an update changes nothing",
			"La modification ne change rien.")
	case !c.GeometryChanged && c.Geometry != nil:
		return bad("a geometry is given but geometry_changed is false",
			"Une géométrie est jointe sans être marquée comme modifiée.")
	}
	if err := checkProperties(c.Properties); err != nil {
		var we *wireError
		errors.As(err, &we)
		return bad(we.msg, "Un attribut a un nom ou une valeur illisible (seuls textes, nombres, oui/non et vide sont permis).")
	}
	if c.GeometryChanged && c.Geometry != nil && !schema.Comparable(c.Geometry) {
		return bad(fmt.Sprintf("geometry %T is not a GeoJSON geometry", c.Geometry), "La géométrie est illisible.")
	}
	for _, h := range c.Attachments {
		if !ValidBlobHash(h) {
			return bad(fmt.Sprintf("attachment %q is not a sha256 hash", h), "Une pièce jointe est désignée de façon illisible.")
		}
	}
	return nil
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}

// ValidateAgainst checks the change against its layer, after Validate:
// the layer matches and may be edited; properties are declared, fit their
// field type and domain, read-only fields are left alone on update,
// required fields are given on create and not emptied on update; the
// geometry fits the layer's geometry type (schema.CheckGeometry). It
// returns the change with properties coerced to their field types and the
// geometry normalised — what the server stores and merges. Its errors are
// *ChangeError; issues come with French messages naming the fields by
// their titles.
func (c PushChange) ValidateAgainst(layer *schema.Layer) (PushChange, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if layer == nil || layer.Name != c.Layer {
		return c, changeError(CodeUnknownLayer, fmt.Sprintf("no layer %q", c.Layer),
			fmt.Sprintf("La plateforme n'a pas de couche « %s ».", c.Layer))
	}
	if layer.ReadOnly {
		return c, changeError(CodeReadOnlyLayer, fmt.Sprintf("layer %s is read-only", c.Layer),
			fmt.Sprintf("La couche « %s » est en lecture seule.", layer.DisplayTitle()))
	}
	if c.Op == OpDelete {
		return c, nil
	}
	out := c
	props, issues := CoerceProperties(layer, c.Properties)
	for _, f := range layer.Fields {
		v, present := props[f.Name]
		_, sent := c.Properties[f.Name]
		_, invalid := findIssue(issues, f.Name)
		switch {
		case invalid:
		case c.Op == OpUpdate && f.ReadOnly && sent:
			issues = append(issues, FieldIssue{Field: f.Name, Code: CodeReadOnlyField,
				Message: fmt.Sprintf("Le champ « %s » ne peut pas être modifié.", f.DisplayTitle())})
		case f.Required && v == nil && (present || c.Op == OpCreate):
			issues = append(issues, FieldIssue{Field: f.Name, Code: CodeRequired,
				Message: fmt.Sprintf("Le champ « %s » est obligatoire.", f.DisplayTitle())})
		}
	}
	if c.Properties != nil {
		out.Properties = props
	}
	if is, missing := positionIssue(layer, c); missing {
		issues = append(issues, is)
	} else if c.GeometryChanged {
		// CheckGeometry explains in English; the person reads geometryIssue.
		if g, err := layer.CheckGeometry(c.Geometry); err != nil {
			issues = append(issues, geometryIssue(layer, c.Geometry))
		} else {
			out.Geometry = g
		}
	}
	if len(issues) == 0 {
		return out, nil
	}
	code, detail := CodeInvalidGeometry, make([]string, len(issues))
	msgs := make([]string, len(issues))
	for i, is := range issues {
		if is.Field != GeometryField {
			code = CodeInvalidValue
		}
		detail[i] = is.Field + ": " + is.Code
		msgs[i] = is.Message
	}
	e := changeError(code, fmt.Sprintf("layer %s: %s", layer.Name, strings.Join(detail, ", ")),
		fmt.Sprintf("Couche « %s » : %s", layer.DisplayTitle(), strings.Join(msgs, " ")))
	e.Fields = issues
	return c, e
}

func findIssue(issues []FieldIssue, field string) (FieldIssue, bool) {
	for _, is := range issues {
		if is.Field == field {
			return is, true
		}
	}
	return FieldIssue{}, false
}

// positionIssue refuses a feature without a position on the platform: a
// created feature without geometry, or an update removing it. Every layer
// has a geometry type, and a feature nowhere would be outside the
// territory rules (store/territory.Empty: a geometry without a point is
// none).
func positionIssue(layer *schema.Layer, c PushChange) (FieldIssue, bool) {
	var msg string
	switch {
	case c.Op == OpCreate && (!c.GeometryChanged || area.Empty(c.Geometry)):
		msg = fmt.Sprintf("L'objet n'a pas de position : placez-le sur la carte avant de l'envoyer (la couche « %s » contient %s).",
			layer.DisplayTitle(), frenchGeometryType(layer.GeometryType))
	case c.Op == OpUpdate && c.GeometryChanged && area.Empty(c.Geometry):
		msg = "La position de l'objet ne peut pas être effacée : déplacez-le, ou supprimez-le s'il n'existe plus."
	default:
		return FieldIssue{}, false
	}
	return FieldIssue{Field: GeometryField, Code: CodeInvalidGeometry, Message: msg}, true
}

// geometryIssue explains in French why g does not fit layer.
func geometryIssue(layer *schema.Layer, g orb.Geometry) FieldIssue {
	msg := "La géométrie est mal formée (ligne de moins de deux points, polygone sans surface ou non fermé…)."
	if !schema.Comparable(g) {
		msg = "La géométrie est illisible."
	} else if b := g.Bound(); b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		msg = "Les coordonnées sortent des limites longitude/latitude : la géométrie n'est sans doute pas en WGS 84 (EPSG:4326)."
	} else if !geometryTypeFits(layer.GeometryType, g) {
		msg = fmt.Sprintf("La couche « %s » contient %s : cette géométrie n'en est pas.", layer.DisplayTitle(), frenchGeometryType(layer.GeometryType))
	}
	return FieldIssue{Field: GeometryField, Code: CodeInvalidGeometry, Message: msg}
}

// geometryTypeFits reports whether g has the layer's geometry type, single
// and multi forms of one kind counting as the same (CheckGeometry converts).
func geometryTypeFits(want schema.GeometryType, g orb.Geometry) bool {
	kind := func(t schema.GeometryType) string { return strings.TrimPrefix(string(t), "MULTI") }
	var got schema.GeometryType
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		got = schema.Point
	case orb.LineString, orb.MultiLineString:
		got = schema.LineString
	case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
		got = schema.Polygon
	default:
		return want == schema.AnyGeometry
	}
	return want == schema.AnyGeometry || kind(want) == kind(got)
}

// PushResponse is the answer to a PushRequest: one result per change, in
// the order of the changes.
type PushResponse struct {
	Results []PushResult `json:"results"`
}

// Validate checks every result is well formed.
func (r PushResponse) Validate() error {
	for i, res := range r.Results {
		if err := res.Validate(); err != nil {
			return within(fmt.Sprintf("results[%d]", i), err)
		}
	}
	return nil
}

// UnmarshalJSON reads the results, naming the one at fault in errors.
func (r *PushResponse) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	results, err := unmarshalEach[PushResult](w.Results, "results")
	if err != nil {
		return err
	}
	*r = PushResponse{Results: results}
	return nil
}

// UnmarshalJSON reads a result; it exists so that errors in Current name
// the result they are in.
func (r *PushResult) UnmarshalJSON(data []byte) error {
	type plain PushResult
	var w plain
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	*r = PushResult(w)
	return nil
}

// Check verifies the response answers req: one result per change, with the
// same change ids in the same order. The client calls it before acting on
// any result.
func (r PushResponse) Check(req PushRequest) error {
	if len(r.Results) != len(req.Changes) {
		return malformed("%d results for %d changes", len(r.Results), len(req.Changes))
	}
	for i, res := range r.Results {
		if res.ChangeID != req.Changes[i].ChangeID {
			return malformed("results[%d] answers change %q, not %q", i, res.ChangeID, req.Changes[i].ChangeID)
		}
	}
	return nil
}

// PushResult is what the platform did with one pushed change.
type PushResult struct {
	// ChangeID is the change's id, as sent.
	ChangeID string `json:"change_id"`
	// Status is what happened.
	Status Status `json:"status"`
	// Version is the feature's version after the change (applied, merged),
	// which the client stores as its synced version.
	Version int64 `json:"version,omitempty"`
	// Seq is the change-feed position of the version written; 0 when nothing
	// was written (a delete of a feature already gone, a change that
	// changed nothing).
	Seq int64 `json:"seq,omitempty"`
	// Code is the machine code of a conflict (CodeFieldConflict,
	// CodeEditDeleted, CodeDeleteEdited) or rejection.
	Code string `json:"code,omitempty"`
	// Message says in French, for a person, what happened and what to do.
	Message string `json:"message,omitempty"`
	// Fields lists the fields of a rejected change that do not fit the layer.
	Fields []FieldIssue `json:"fields,omitempty"`
	// Current is the platform's feature, on a conflict (a tombstone when it
	// was deleted) and after a merge (so the client stores the merged feature).
	Current *Change `json:"current,omitempty"`
	// ConflictFields names the fields changed on both sides, GeometryField
	// for the geometry, sorted.
	ConflictFields []string `json:"conflict_fields,omitempty"`
}

// Validate checks the result is usable: a change id, a known status, a
// version when acknowledged, a code when refused, the current feature on a
// conflict.
func (r PushResult) Validate() error {
	switch {
	case r.ChangeID == "":
		return malformed("change_id is empty")
	case !r.Status.Valid():
		return malformed("status %q is not applied, merged, conflict or rejected", r.Status)
	case r.Status.Acknowledged() && r.Version <= 0:
		return malformed("%s without a positive version", r.Status)
	case (r.Status == StatusConflict || r.Status == StatusRejected) && r.Code == "":
		return malformed("%s without a code", r.Status)
	case r.Status == StatusConflict && r.Current == nil:
		return malformed("conflict without the current feature")
	case r.Version < 0 || r.Seq < 0:
		return malformed("negative version or seq")
	}
	if r.Current != nil {
		if err := r.Current.Validate(); err != nil {
			return within("current", err)
		}
	}
	return nil
}

// Rejected returns the rejected result of a change refused with err: a
// *ChangeError gives its code, message and fields; any other error is
// reported as CodeInternal without its details, which are for the server's
// log, not the user.
func Rejected(changeID string, err error) PushResult {
	var ce *ChangeError
	if errors.As(err, &ce) {
		return ce.Result(changeID)
	}
	return PushResult{ChangeID: changeID, Status: StatusRejected, Code: CodeInternal,
		Message: "La plateforme a rencontré une erreur en traitant cette modification : renvoyez-la plus tard et signalez le problème s'il persiste."}
}
