package server

import (
	"net/http"

	"terrimap/store/schema"
)

// ogcAPI answers the API definition (the landing page's "service-desc"):
// a small OpenAPI 3.0 document. Besides the generic paths, it lists each
// readable collection's items path with its fields as query parameters,
// which is how GDAL learns it may send "-where field = value" to the
// platform instead of filtering every page itself.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request, u User) {
	layers, err := s.st.Layers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	paths := map[string]any{
		"/":                           apiGet("Page d'accueil"),
		"/conformance":                apiGet("Classes de conformité"),
		"/collections":                apiGet("Couches consultables"),
		"/collections/{collectionId}": apiGet("Une couche", ref("collectionId")),
		"/collections/{collectionId}/items": map[string]any{
			"get":  apiOperation("Objets d'une couche (GeoJSON)", ref("collectionId"), ref("limit"), ref("offset"), ref("bbox"), ref("datetime"), ref("f")),
			"post": apiOperation("Ajouter un objet", ref("collectionId")),
		},
		"/collections/{collectionId}/items/{featureId}": map[string]any{
			"get":    apiOperation("Un objet, avec sa version en ETag", ref("collectionId"), ref("featureId")),
			"put":    apiOperation("Remplacer un objet (If-Match obligatoire)", ref("collectionId"), ref("featureId")),
			"patch":  apiOperation("Modifier des champs ou la géométrie (If-Match obligatoire)", ref("collectionId"), ref("featureId")),
			"delete": apiOperation("Supprimer un objet (If-Match obligatoire)", ref("collectionId"), ref("featureId")),
		},
	}
	for _, l := range layers {
		a, err := accessFor(r.Context(), s.st, u, l)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if a.Read {
			paths["/collections/"+l.Schema.Name+"/items"] = map[string]any{"get": layerItemsOperation(&l.Schema)}
		}
	}
	writeOGC(w, r, mediaOpenAPI, map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "Terrimap — OGC API – Features",
			"version": "1.0.0",
		},
		"servers":    []map[string]string{{"url": ogcBase(r)}},
		"security":   []map[string][]string{{"bearer": {}}},
		"paths":      paths,
		"components": apiComponents(),
	})
}

func ref(name string) map[string]string {
	return map[string]string{"$ref": "#/components/parameters/" + name}
}

func apiGet(summary string, params ...any) map[string]any {
	return map[string]any{"get": apiOperation(summary, params...)}
}

func apiOperation(summary string, params ...any) map[string]any {
	if params == nil {
		params = []any{}
	}
	return map[string]any{
		"summary":    summary,
		"parameters": params,
		"responses":  map[string]any{"default": map[string]string{"description": summary}},
	}
}

// layerItemsOperation is GET items of one layer: the generic parameters
// and one equality parameter per field.
func layerItemsOperation(l *schema.Layer) map[string]any {
	params := []any{ref("limit"), ref("offset"), ref("bbox"), ref("datetime"), ref("f")}
	for _, f := range l.Fields {
		params = append(params, map[string]any{
			"name": f.Name, "in": "query", "required": false,
			"description": f.DisplayTitle() + " : objets dont le champ vaut exactement cette valeur",
			"schema":      fieldSchema(f),
		})
	}
	return apiOperation(l.DisplayTitle(), params...)
}

func apiComponents() map[string]any {
	return map[string]any{
		"securitySchemes": map[string]any{"bearer": map[string]string{"type": "http", "scheme": "bearer"}},
		"parameters": map[string]any{
			"collectionId": map[string]any{"name": ogcCollectionID, "in": "path", "required": true, "schema": map[string]string{"type": "string"}},
			"featureId":    map[string]any{"name": ogcFeatureID, "in": "path", "required": true, "schema": map[string]string{"type": "string"}},
			"limit": map[string]any{"name": paramLimit, "in": "query", "required": false, "style": "form", "explode": false,
				"schema": map[string]any{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}},
			"offset": map[string]any{"name": paramOffset, "in": "query", "required": false,
				"schema": map[string]any{"type": "integer", "minimum": 0, "default": 0}},
			"bbox": map[string]any{"name": paramBBox, "in": "query", "required": false, "style": "form", "explode": false,
				"schema": map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]string{"type": "number"}}},
			"datetime": map[string]any{"name": paramTime, "in": "query", "required": false, "style": "form", "explode": false,
				"description": "Une date, une date et heure RFC 3339 ou un intervalle début/fin (.. pour une borne ouverte), lu sur le champ de date déclaré de la couche ; ignoré sur une couche qui n'en a pas.",
				"schema":      map[string]string{"type": "string"}},
			"f": map[string]any{"name": paramFormat, "in": "query", "required": false,
				"description": "json (par défaut) ou html (page pour un navigateur).",
				"schema":      map[string]any{"type": "string", "enum": []string{"json", formatHTML}}},
		},
	}
}
