package server

import (
	"context"
	"net/http"
	"time"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// ogcLayer returns the layer named by the request's collection id when
// user u may read it; otherwise it answers 404 (a layer one may not read is
// not told apart from one that does not exist) and ok is false.
func (s *Server) ogcLayer(w http.ResponseWriter, r *http.Request, u User) (l LayerRecord, ok bool) {
	name := r.PathValue(ogcCollectionID)
	layers, err := s.st.Layers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return l, false
	}
	for _, l := range layers {
		if l.Schema.Name != name {
			continue
		}
		a, err := accessFor(r.Context(), s.st, u, l)
		if err != nil {
			s.fail(w, r, err)
			return l, false
		}
		if a.Read {
			return l, true
		}
		break
	}
	ogcError(w, http.StatusNotFound, protocol.CodeNotFound, "La plateforme n'a pas de couche « "+clipName(name)+" » que vous puissiez consulter.")
	return l, false
}

// clipName shortens a name taken from a request for a message.
func clipName(s string) string {
	r := []rune(s)
	if len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request, u User) {
	layers, err := s.st.Layers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := ogcBase(r)
	var readable []LayerRecord
	for _, l := range layers {
		a, err := accessFor(r.Context(), s.st, u, l)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if a.Read {
			readable = append(readable, l)
		}
	}
	if wantsHTML(r) {
		s.collectionsHTML(w, r, readable)
		return
	}
	out := []map[string]any{}
	for _, l := range readable {
		out = append(out, s.collectionJSON(r, base, l))
	}
	writeOGC(w, r, mediaJSON, map[string]any{
		"links":       []ogcLink{{Href: base + "/collections", Rel: "self", Type: mediaJSON}, htmlAlternate(base + "/collections")},
		"collections": out,
	})
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	if wantsHTML(r) {
		s.collectionHTML(w, r, l)
		return
	}
	writeOGC(w, r, mediaJSON, s.collectionJSON(r, ogcBase(r), l))
}

// collectionJSON describes a layer as an OGC API collection, with its
// extent from the store's index.
func (s *Server) collectionJSON(r *http.Request, base string, l LayerRecord) map[string]any {
	self := collectionURL(base, l.Schema.Name)
	c := map[string]any{
		"id":         l.Schema.Name,
		"title":      l.Schema.DisplayTitle(),
		"itemType":   "feature",
		"crs":        []string{crs84},
		"storageCrs": crs84,
		"links": []ogcLink{
			{Href: self, Rel: "self", Type: mediaJSON},
			htmlAlternate(self),
			{Href: self + "/items", Rel: "items", Type: mediaGeoJSON, Title: "Objets de la couche"},
			{Href: withFormat(self+"/items", formatHTML), Rel: "items", Type: mediaHTML, Title: "Objets de la couche (tableau pour un navigateur)"},
			{Href: self + "/schema", Rel: "describedby", Type: mediaJSONSchema, Title: "Champs de la couche"},
			{Href: self + "/schema", Rel: "describedBy", Type: mediaJSONSchema},
		},
	}
	if l.Schema.Description != "" {
		c["description"] = l.Schema.Description
	}
	extent := map[string]any{}
	if b, ok := s.st.Extent(r.Context(), l.Schema.Name); ok {
		extent["spatial"] = map[string]any{
			"bbox": [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}},
			"crs":  crs84,
		}
	}
	if first, last, ok := s.temporalExtent(r.Context(), &l.Schema); ok {
		extent["temporal"] = map[string]any{
			"interval": [][2]string{{first.Format(time.RFC3339), last.Format(time.RFC3339)}},
			"trs":      "http://www.opengis.net/def/uri/ISO-8601/0/Gregorian",
		}
	}
	if len(extent) > 0 {
		c["extent"] = extent
	}
	return c
}

// temporalExtent returns the first and last instants of a layer's
// temporal field (a date counts from its first to its last second); ok is
// false when the layer has no temporal field or no feature has a value.
func (s *Server) temporalExtent(ctx context.Context, l *schema.Layer) (first, last time.Time, ok bool) {
	f, ok := l.TemporalField()
	if !ok {
		return first, last, false
	}
	lo, hi, ok := s.st.TimeExtent(ctx, l.Name, f.Name)
	if !ok {
		return first, last, false
	}
	first, ok1 := parseInstant(lo, false)
	last, ok2 := parseInstant(hi, true)
	if !ok1 || !ok2 || first.IsZero() || last.IsZero() {
		return first, last, false
	}
	return first, last.Truncate(time.Second), true
}

// ogcSchema answers the JSON Schema of a collection's features (the
// "describedby" link), so that GDAL and QGIS type the fields even when the
// first page holds only empty values.
func (s *Server) ogcSchema(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	props := orderedObject{}
	required := []string{}
	for _, f := range l.Schema.Fields {
		props = append(props, member{f.Name, fieldSchema(f)})
		if f.Required {
			required = append(required, f.Name)
		}
	}
	writeOGC(w, r, mediaJSONSchema, orderedObject{
		{"$schema", "https://json-schema.org/draft/2019-09/schema"},
		{"$id", collectionURL(ogcBase(r), l.Schema.Name) + "/schema"},
		{"title", l.Schema.DisplayTitle()},
		{"type", "object"},
		{"required", []string{"type", "geometry", "properties"}},
		{"properties", orderedObject{
			{"type", map[string]any{"type": "string", "enum": []string{"Feature"}}},
			{"id", map[string]any{"type": "string", "format": "uuid"}},
			{"geometry", map[string]any{"type": "object", "title": "GeoJSON " + string(l.Schema.GeometryType)}},
			{"properties", orderedObject{
				{"type", "object"},
				{"required", required},
				{"properties", props},
			}},
		}},
	})
}

// fieldSchema is the JSON Schema of one field: its type, title, and coded
// values with their labels.
func fieldSchema(f schema.Field) orderedObject {
	o := orderedObject{}
	switch f.Type {
	case schema.Integer:
		o = append(o, member{"type", "integer"})
	case schema.Real:
		o = append(o, member{"type", "number"})
	case schema.Boolean:
		o = append(o, member{"type", "boolean"})
	case schema.Date:
		o = append(o, member{"type", "string"}, member{"format", "date"})
	case schema.DateTime:
		o = append(o, member{"type", "string"}, member{"format", "date-time"})
	default:
		o = append(o, member{"type", "string"})
	}
	o = append(o, member{"title", f.DisplayTitle()})
	if f.Description != "" {
		o = append(o, member{"description", f.Description})
	}
	if f.ReadOnly {
		o = append(o, member{"readOnly", true})
	}
	if len(f.Domain) > 0 {
		values := make([]map[string]any, len(f.Domain))
		for i, cv := range f.Domain {
			var code any = cv.Code
			if v, err := (schema.Field{Name: f.Name, Type: f.Type}).Coerce(cv.Code); err == nil && v != nil {
				code = v // typed as the field: 1, not "1"
			}
			values[i] = map[string]any{"const": code, "title": cv.Label}
		}
		o = append(o, member{"oneOf", values})
	}
	return o
}
