package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// featureBody is a GeoJSON Feature, or a JSON merge patch of one (RFC
// 7396), as a client sends it to the OGC API.
type featureBody struct {
	// ID is the "id" member when it is a string; a number is ignored.
	ID string
	// HasGeometry says the body has a "geometry" member (maybe null).
	HasGeometry bool
	Geometry    orb.Geometry
	// HasProperties says the body has a "properties" member.
	HasProperties bool
	// Properties are as sent: numbers are json.Number, typed later by the
	// push's validation against the layer.
	Properties map[string]any
}

// requestError is a request the OGC API refuses before the push: its
// status, machine code and French message.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) write(w http.ResponseWriter) { ogcError(w, e.status, e.code, e.message) }

func badBody(message string) *requestError {
	return &requestError{http.StatusBadRequest, protocol.CodeMalformed, message}
}

// readFeatureBody reads the body of a POST, PUT or PATCH: JSON of a
// GeoJSON media type, at most protocol.MaxPushBytes, one Feature object.
// Geometry and properties are checked as the sync push checks them (the
// protocol's GeoJSON decoder). For a merge patch, "properties": null is
// refused: fields are cleared one by one.
func readFeatureBody(w http.ResponseWriter, r *http.Request, patch bool) (featureBody, *requestError) {
	var body featureBody
	if ct := r.Header.Get(protocol.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == mediaJSON || strings.HasSuffix(mt, "+json")) {
			return body, &requestError{http.StatusUnsupportedMediaType, protocol.CodeBadRequest,
				"Type de contenu « " + clipName(ct) + " » non pris en charge : envoyez du GeoJSON (application/geo+json)."}
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxPushBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return body, &requestError{http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "L'objet envoyé est trop volumineux."}
	}
	if err != nil {
		return body, badBody("Le corps de la requête n'a pas pu être lu.")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return body, badBody("Le corps de la requête doit être un objet GeoJSON de type Feature.")
	}
	if raw, ok := top["type"]; ok {
		var t string
		if json.Unmarshal(raw, &t) != nil || t != "Feature" {
			return body, badBody("Un seul objet GeoJSON de type « Feature » est attendu par requête.")
		}
	}
	if raw, ok := top["id"]; ok {
		json.Unmarshal(raw, &body.ID) // a number or null leaves ID empty
	}
	geom, hasGeom := top["geometry"]
	props, hasProps := top["properties"]
	if patch && hasProps && bytes.Equal(bytes.TrimSpace(props), []byte("null")) {
		return body, badBody("« properties » ne peut pas être null : donnez les champs à vider un par un, avec la valeur null.")
	}
	body.HasGeometry, body.HasProperties = hasGeom, hasProps
	return decodeGeoJSONParts(body, geom, props)
}

// decodeGeoJSONParts decodes the geometry and properties with the
// protocol's decoder (a GeoJSON Feature read as a protocol.Change), so
// that the OGC API accepts exactly what the sync push accepts.
func decodeGeoJSONParts(body featureBody, geom, props json.RawMessage) (featureBody, *requestError) {
	null := json.RawMessage("null")
	if len(geom) == 0 {
		geom = null
	}
	if len(props) == 0 {
		props = null
	}
	doc, err := json.Marshal(map[string]json.RawMessage{"type": json.RawMessage(`"Feature"`), "geometry": geom, "properties": props})
	if err != nil {
		return body, badBody("Le corps de la requête n'est pas du JSON valide.")
	}
	var c protocol.Change
	if err := json.Unmarshal(doc, &c); err != nil {
		detail := strings.TrimPrefix(err.Error(), protocol.ErrMalformed.Error()+": ")
		return body, badBody("Objet GeoJSON illisible (" + clipName(detail) + ") : la géométrie doit être une géométrie GeoJSON en longitude/latitude, les attributs des textes, nombres, oui/non ou null.")
	}
	body.Geometry, body.Properties = c.Geometry, c.Properties
	return body, nil
}

// matchesETag reports whether If-Match or If-None-Match values name the
// version: "*" or one of its entity tags. Weak tags (W/"3") and bare
// numbers are accepted: versions name one representation.
func matchesETag(values []string, version int64) bool {
	want := strconv.FormatInt(version, 10)
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" {
				return true
			}
			if strings.Trim(strings.TrimPrefix(t, "W/"), `"`) == want {
				return true
			}
		}
	}
	return false
}

// checkIfMatch enforces optimistic locking on PUT, PATCH and DELETE: 428
// without If-Match, 412 when it names another version than the current
// one (whose ETag is sent back).
func checkIfMatch(w http.ResponseWriter, r *http.Request, cur protocol.Change) bool {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		ogcError(w, http.StatusPreconditionRequired, "precondition_required",
			"En-tête If-Match obligatoire : lisez d'abord l'objet (GET), puis renvoyez sa version (ETag) dans If-Match, pour ne pas écraser une modification faite entre-temps.")
		return false
	}
	if !matchesETag(values, cur.Version) {
		w.Header().Set("ETag", etag(cur.Version))
		ogcError(w, http.StatusPreconditionFailed, "precondition_failed",
			"L'objet a été modifié depuis votre lecture (il est maintenant en version "+strconv.FormatInt(cur.Version, 10)+") : relisez-le puis refaites votre modification.")
		return false
	}
	return true
}
