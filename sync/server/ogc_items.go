package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"terrimap/sync/protocol"
)

// ogcFeatureCollection is a page of GET /items.
type ogcFeatureCollection struct {
	Type           string       `json:"type"`
	Features       []ogcFeature `json:"features"`
	NumberMatched  int          `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Links          []ogcLink    `json:"links"`
}

// ogcItems answers GET /collections/{id}/items: a page of features with
// links to the next and previous pages that keep the other parameters.
func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		ogcError(w, http.StatusBadRequest, protocol.CodeBadRequest, "L'adresse demandée est mal formée (paramètres illisibles).")
		return
	}
	req, err := parseItemsQuery(&l.Schema, query)
	if err != nil {
		ogcError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	html := wantsHTML(r)
	if html {
		req.Limit = min(req.Limit, ogcMaxHTMLLimit)
	}
	var page []protocol.Change
	matched := 0
	if !req.NoMatch {
		if page, matched, err = s.st.QueryItems(r.Context(), l.Schema.Name, req.ItemsQuery); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if html {
		s.itemsHTML(w, r, l, query, req, page, matched)
		return
	}
	fc := ogcFeatureCollection{Type: "FeatureCollection", Features: make([]ogcFeature, len(page)),
		NumberMatched: matched, NumberReturned: len(page),
		TimeStamp: s.opts.Now().UTC().Format(time.RFC3339),
		Links:     pageLinks(r, ogcBase(r), l.Schema.Name, query, req.ItemsQuery, len(page), matched)}
	for i, c := range page {
		fc.Features[i] = newOGCFeature(&l.Schema, c)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeBytes(w, r, mediaGeoJSON, append(b, '\n'))
}

// pageLinks returns the links of a page: itself, the collection, and the
// next and previous pages, whose URLs keep every other parameter (bbox,
// field filters…) and change only offset.
func pageLinks(r *http.Request, base, layer string, query url.Values, q ItemsQuery, returned, matched int) []ogcLink {
	items := collectionURL(base, layer) + "/items"
	self := items
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	links := []ogcLink{
		{Href: self, Rel: "self", Type: mediaGeoJSON, Title: "Cette page"},
		htmlAlternate(self),
		{Href: collectionURL(base, layer), Rel: "collection", Type: mediaJSON, Title: "La couche"},
	}
	at := func(offset int) string {
		v := url.Values{}
		for k, vals := range query {
			v[k] = vals
		}
		v.Set(paramLimit, strconv.Itoa(q.Limit))
		if offset > 0 {
			v.Set(paramOffset, strconv.Itoa(offset))
		} else {
			v.Del(paramOffset)
		}
		return items + "?" + v.Encode()
	}
	if next := q.Offset + returned; returned > 0 && next < matched {
		links = append(links, ogcLink{Href: at(next), Rel: "next", Type: mediaGeoJSON, Title: "Page suivante"})
	}
	if q.Offset > 0 {
		links = append(links, ogcLink{Href: at(max(0, min(q.Offset, matched)-q.Limit)), Rel: "prev", Type: mediaGeoJSON, Title: "Page précédente"})
	}
	return links
}

// ogcItem answers GET /collections/{id}/items/{featureId} with the
// feature's version as its ETag; 304 when If-None-Match already has it.
func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request, u User) {
	l, ok := s.ogcLayer(w, r, u)
	if !ok {
		return
	}
	c, ok := s.ogcCurrent(w, r, l)
	if !ok {
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 && matchesETag(inm, c.Version) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if wantsHTML(r) {
		s.itemHTML(w, r, l, c)
		return
	}
	s.writeItem(w, r, l, c, http.StatusOK)
}

// ogcCurrent returns the current feature named by the request's feature
// id, or answers 404.
func (s *Server) ogcCurrent(w http.ResponseWriter, r *http.Request, l LayerRecord) (protocol.Change, bool) {
	id := r.PathValue(ogcFeatureID)
	c, ok, err := s.st.Item(r.Context(), l.Schema.Name, id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	if !ok {
		ogcError(w, http.StatusNotFound, protocol.CodeNotFound,
			"La couche « "+l.Schema.DisplayTitle()+" » n'a pas d'objet « "+clipName(id)+" » (il a peut-être été supprimé).")
	}
	return c, ok
}

// writeItem writes one feature with its links and the given status; the
// caller has set the other headers (ETag, Location).
func (s *Server) writeItem(w http.ResponseWriter, r *http.Request, l LayerRecord, c protocol.Change, status int) {
	base := ogcBase(r)
	f := newOGCFeature(&l.Schema, c)
	f.Links = []ogcLink{
		{Href: itemURL(base, l.Schema.Name, c.ID), Rel: "self", Type: mediaGeoJSON},
		htmlAlternate(itemURL(base, l.Schema.Name, c.ID)),
		{Href: collectionURL(base, l.Schema.Name), Rel: "collection", Type: mediaJSON},
	}
	b, err := json.Marshal(f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set(protocol.HeaderContentType, mediaGeoJSON)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(append(b, '\n'))
	}
}
