package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"terrimap/sync/protocol"
)

// OGC API – Features (Part 1 core with GeoJSON, Part 4 create, replace,
// update and delete with ETags) under /ogc, so that QGIS, GDAL and any
// standard client read the platform and standard editors write to it.
// Every route needs a signed-in user: the same bearer token as the sync
// API, or the user's name and password by HTTP Basic (basic_auth.go).
// Writes go through the sync push (Server.push), so permissions,
// territories, schema validation, history, the change feed and versions
// are the same.
//
// Files: ogc.go (routes, landing page, conformance, links), ogc_api.go
// (the OpenAPI document), ogc_collections.go, ogc_items.go (reads),
// ogc_query.go (query parameters), ogc_json.go (GeoJSON out),
// ogc_body.go (GeoJSON in, ETags), ogc_write.go (Part 4), ogc_bbox.go.

// OGC API paths and path wildcards.
const (
	ogcPrefix      = "/ogc"
	ogcCollections = ogcPrefix + "/collections"
	// ogcCollectionID and ogcFeatureID name the path wildcards.
	ogcCollectionID = "collectionId"
	ogcFeatureID    = "featureId"

	ogcCollectionPath = ogcCollections + "/{" + ogcCollectionID + "}"
	ogcItemsPath      = ogcCollectionPath + "/items"
	ogcItemPath       = ogcItemsPath + "/{" + ogcFeatureID + "}"
)

// Media types of the OGC API.
const (
	mediaJSON       = protocol.ContentTypeJSON
	mediaGeoJSON    = protocol.ContentTypeGeoJSON
	mediaOpenAPI    = "application/vnd.oai.openapi+json;version=3.0"
	mediaJSONSchema = "application/schema+json"
)

// crs84 names longitude/latitude on WGS 84, the only CRS served.
const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// ogcConformance lists the conformance classes implemented, and only those.
var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

// ogcRoutes registers OGC API – Features under /ogc.
func (s *Server) ogcRoutes() {
	get := func(path string, h func(http.ResponseWriter, *http.Request, User)) {
		s.mux.Handle("GET "+path, s.ogcNegotiated(s.gisAuthed(h)))
	}
	get(ogcPrefix, s.ogcLanding)
	get(ogcPrefix+"/{$}", s.ogcLanding)
	get(ogcPrefix+"/api", s.ogcAPI)
	get(ogcPrefix+"/conformance", s.ogcConformance)
	get(ogcCollections, s.ogcCollections)
	get(ogcCollections+"/{$}", s.ogcCollections)
	get(ogcCollectionPath, s.ogcCollection)
	get(ogcCollectionPath+"/schema", s.ogcSchema)
	get(ogcItemsPath, s.ogcItems)
	get(ogcItemPath, s.ogcItem)
	s.mux.Handle("POST "+ogcItemsPath, s.gisAuthed(s.ogcCreate))
	s.mux.Handle("PUT "+ogcItemPath, s.gisAuthed(s.ogcReplace))
	s.mux.Handle("PATCH "+ogcItemPath, s.gisAuthed(s.ogcPatch))
	s.mux.Handle("DELETE "+ogcItemPath, s.gisAuthed(s.ogcDelete))
}

// ogcLink is a link of the OGC API (RFC 8288 in JSON).
type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request, _ User) {
	if wantsHTML(r) {
		s.landingHTML(w, r)
		return
	}
	base := ogcBase(r)
	writeOGC(w, r, mediaJSON, map[string]any{
		"title":       ogcTitle,
		"description": ogcDescription,
		"links": []ogcLink{
			{Href: base, Rel: "self", Type: mediaJSON, Title: "Cette page"},
			htmlAlternate(base),
			{Href: base + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "Définition de l'API (OpenAPI 3.0)"},
			{Href: base + "/conformance", Rel: "conformance", Type: mediaJSON, Title: ogcTitleConformance},
			{Href: base + "/conformance", Rel: "http://www.opengis.net/def/rel/ogc/1.0/conformance", Type: mediaJSON},
			{Href: base + "/collections", Rel: "data", Type: mediaJSON, Title: "Couches"},
			{Href: base + "/collections", Rel: "http://www.opengis.net/def/rel/ogc/1.0/data", Type: mediaJSON},
		},
	})
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request, _ User) {
	if wantsHTML(r) {
		s.conformanceHTML(w, r)
		return
	}
	self := ogcBase(r) + "/conformance"
	writeOGC(w, r, mediaJSON, map[string]any{
		"links":      []ogcLink{{Href: self, Rel: "self", Type: mediaJSON, Title: "Cette page"}, htmlAlternate(self)},
		"conformsTo": ogcConformance,
	})
}

// ogcBase returns the absolute URL of /ogc as the client reached it. A
// reverse proxy may say the scheme and host it was reached at
// (X-Forwarded-Proto, X-Forwarded-Host); odd values are ignored.
func ogcBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); validHost(h) {
		host = h
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host + ogcPrefix
}

// validHost reports whether h looks like host[:port], with nothing that
// could break out of a URL.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.ContainsRune(".-:[]_", c)
		if !ok {
			return false
		}
	}
	return true
}

// collectionURL returns the absolute URL of a collection.
func collectionURL(base, layer string) string {
	return base + "/collections/" + url.PathEscape(layer)
}

// itemURL returns the absolute URL of a feature.
func itemURL(base, layer, id string) string {
	return collectionURL(base, layer) + "/items/" + url.PathEscape(id)
}

// etag returns the entity tag of a feature version: "<version>".
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
