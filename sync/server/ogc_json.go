package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paulmach/orb/geojson"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// ogcException is the JSON body of an OGC API error: the OGC exception
// (code, description) and, for Terrimap clients, the platform's
// ErrorResponse (code, message) and the fields at fault. Messages are in
// French, for a person.
type ogcException struct {
	Code        string                `json:"code"`
	Description string                `json:"description"`
	Message     string                `json:"message"`
	Fields      []protocol.FieldIssue `json:"fields,omitempty"`
	// ConflictFields names, on a 412 after a conflict, the fields changed
	// on both sides.
	ConflictFields []string `json:"conflict_fields,omitempty"`
}

// ogcError answers an OGC API request with an error.
func ogcError(w http.ResponseWriter, status int, code, message string) {
	writeException(w, status, ogcException{Code: code, Description: message, Message: message})
}

func writeException(w http.ResponseWriter, status int, e ogcException) {
	w.Header().Set(protocol.HeaderContentType, mediaJSON)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(e)
}

// writeOGC answers 200 with v as JSON of the given media type; a HEAD
// request gets the headers only.
func writeOGC(w http.ResponseWriter, r *http.Request, mediaType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a value that cannot be JSON gets here: a bug, not an input.
		ogcError(w, http.StatusInternalServerError, protocol.CodeInternal, "La plateforme n'a pas pu écrire sa réponse.")
		return
	}
	writeBytes(w, r, mediaType, append(b, '\n'))
}

func writeBytes(w http.ResponseWriter, r *http.Request, mediaType string, b []byte) {
	w.Header().Set(protocol.HeaderContentType, mediaType)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b)
}

// member is one member of an orderedObject.
type member struct {
	Name  string
	Value any
}

// orderedObject is a JSON object whose members keep their order: layer
// fields are written in schema order, which GDAL and QGIS show.
type orderedObject []member

// MarshalJSON writes the members in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Name)
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, fmt.Errorf("server: member %s: %w", m.Name, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ogcFeature is a feature as the OGC API sends it: a GeoJSON Feature whose
// id is the feature's UUID and whose properties are every field of its
// layer, typed, in schema order.
type ogcFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties orderedObject     `json:"properties"`
	Links      []ogcLink         `json:"links,omitempty"`
}

// newOGCFeature returns the GeoJSON Feature of c in layer l.
func newOGCFeature(l *schema.Layer, c protocol.Change) ogcFeature {
	f := ogcFeature{Type: "Feature", ID: c.ID, Properties: orderedObject{}}
	if c.Geometry != nil {
		f.Geometry = geojson.NewGeometry(c.Geometry)
	}
	for _, fld := range l.Fields {
		f.Properties = append(f.Properties, member{fld.Name, c.Properties[fld.Name]})
	}
	return f
}
