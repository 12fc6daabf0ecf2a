package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server/ogchtml"
)

// The HTML pages of the OGC API (package ogchtml renders them): each
// handler of ogc*.go answers its page when wantsHTML says the client is a
// browser. Links between pages carry f=html so that they work whatever the
// client's Accept header.

// Titles of the OGC API pages, shared by the HTML pages and the JSON links.
const (
	ogcTitle            = "Terrimap — plateforme territoriale de données"
	ogcDescription      = "Réseaux et équipements de la Communauté de Communes du Mâconnais-Tournugeois (OGC API – Features)."
	ogcTitleCollections = "Couches"
	ogcTitleConformance = "Classes de conformité"
)

// writeHTML answers a page; a page that cannot be rendered is a bug,
// logged and answered 500.
func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, status int, v ogchtml.View) {
	if err := ogchtml.Write(w, r, status, v); err != nil {
		s.fail(w, r, err)
	}
}

// homeCrumb and collectionsCrumb are the first steps of the breadcrumbs.
func homeCrumb(base string) ogchtml.Link {
	return ogchtml.Link{Href: withFormat(base, formatHTML), Text: "Accueil"}
}

func collectionsCrumb(base string) ogchtml.Link {
	return ogchtml.Link{Href: withFormat(base+"/collections", formatHTML), Text: ogcTitleCollections}
}

func (s *Server) landingHTML(w http.ResponseWriter, r *http.Request) {
	base := ogcBase(r)
	s.writeHTML(w, r, http.StatusOK, &ogchtml.Landing{
		Page:        ogchtml.Page{Title: "Données territoriales du Mâconnais-Tournugeois", JSON: withFormat(base, "json"), JSONType: mediaJSON},
		Description: ogcDescription,
		Links: []ogchtml.Link{
			{Href: withFormat(base+"/collections", formatHTML), Text: "Les couches de la plateforme", Note: "leur emprise, leurs champs et leurs objets."},
			{Href: withFormat(base+"/conformance", formatHTML), Text: "Les classes de conformité", Note: "ce que ce service respecte de la norme OGC API – Features."},
			{Href: base + "/api", Text: "La définition de l'API (OpenAPI 3.0, en JSON)", Note: "pour les développeurs."},
		},
	})
}

// conformanceNames names the conformance classes in French.
var conformanceNames = map[string]string{
	"ogcapi-features-1/1.0/conf/core":                     "Noyau : lecture des couches et des objets",
	"ogcapi-features-1/1.0/conf/geojson":                  "Objets en GeoJSON",
	"ogcapi-features-1/1.0/conf/html":                     "Pages HTML pour un navigateur",
	"ogcapi-features-4/1.0/conf/create-replace-delete":    "Création, remplacement et suppression d'objets",
	"ogcapi-features-4/1.0/conf/update":                   "Modification partielle d'objets",
	"ogcapi-features-4/1.0/conf/optimistic-locking-etags": "Verrouillage optimiste par ETag",
	"ogcapi-features-4/1.0/conf/features":                 "Écriture d'objets géographiques",
}

func (s *Server) conformanceHTML(w http.ResponseWriter, r *http.Request) {
	base := ogcBase(r)
	v := &ogchtml.Conformance{Page: ogchtml.Page{Title: ogcTitleConformance, Crumbs: []ogchtml.Link{homeCrumb(base)},
		JSON: withFormat(base+"/conformance", "json"), JSONType: mediaJSON}}
	for _, c := range ogcConformance {
		name := conformanceNames[c[len("http://www.opengis.net/spec/"):]]
		v.Classes = append(v.Classes, ogchtml.Link{Href: c, Text: name})
	}
	s.writeHTML(w, r, http.StatusOK, v)
}

func (s *Server) collectionsHTML(w http.ResponseWriter, r *http.Request, layers []LayerRecord) {
	base := ogcBase(r)
	v := &ogchtml.Collections{Page: ogchtml.Page{Title: ogcTitleCollections, Crumbs: []ogchtml.Link{homeCrumb(base)},
		JSON: withFormat(base+"/collections", "json"), JSONType: mediaJSON}}
	for _, l := range layers {
		v.Collections = append(v.Collections, s.collectionView(r, base, l))
	}
	s.writeHTML(w, r, http.StatusOK, v)
}

func (s *Server) collectionHTML(w http.ResponseWriter, r *http.Request, l LayerRecord) {
	base := ogcBase(r)
	c := s.collectionView(r, base, l)
	s.writeHTML(w, r, http.StatusOK, &ogchtml.CollectionPage{
		Page: ogchtml.Page{Title: c.Title, Crumbs: []ogchtml.Link{homeCrumb(base), collectionsCrumb(base)},
			JSON: withFormat(collectionURL(base, l.Schema.Name), "json"), JSONType: mediaJSON},
		Layer:  c,
		Schema: collectionURL(base, l.Schema.Name) + "/schema",
	})
}

// collectionView describes a layer for the pages.
func (s *Server) collectionView(r *http.Request, base string, l LayerRecord) ogchtml.Collection {
	self := collectionURL(base, l.Schema.Name)
	c := ogchtml.Collection{
		ID: l.Schema.Name, Title: l.Schema.DisplayTitle(), Description: l.Schema.Description,
		Href: withFormat(self, formatHTML), Items: withFormat(self+"/items", formatHTML),
		Geometry: ogchtml.GeometryName(l.Schema.GeometryType),
	}
	if b, ok := s.st.Extent(r.Context(), l.Schema.Name); ok {
		c.Extent = &ogchtml.Extent{West: b.Min[0], South: b.Min[1], East: b.Max[0], North: b.Max[1]}
	}
	if f, ok := l.Schema.TemporalField(); ok {
		c.Temporal = f.DisplayTitle()
		if first, last, ok := s.temporalExtent(r.Context(), &l.Schema); ok {
			c.Dates = describeInterval(f, TimeInterval{Field: f.Name, Type: f.Type, Start: first, End: last})
		}
	}
	for _, f := range l.Schema.Fields {
		hf := ogchtml.Field{Name: f.Name, Title: f.DisplayTitle(), Type: frenchFieldType(f.Type),
			Description: f.Description, Required: f.Required, ReadOnly: f.ReadOnly}
		for _, cv := range f.Domain {
			hf.Codes = append(hf.Codes, ogchtml.Code{Code: cv.Code, Label: cv.Label})
		}
		c.Fields = append(c.Fields, hf)
	}
	return c
}

// itemsHTML answers a page of features as a table, with links to the
// neighbouring pages (from the JSON links, so that both page alike).
func (s *Server) itemsHTML(w http.ResponseWriter, r *http.Request, l LayerRecord, query url.Values, req itemsRequest, page []protocol.Change, matched int) {
	base := ogcBase(r)
	items := collectionURL(base, l.Schema.Name) + "/items"
	self := items
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	v := &ogchtml.Items{
		Page: ogchtml.Page{Title: "Objets de la couche « " + l.Schema.DisplayTitle() + " »",
			Crumbs: []ogchtml.Link{homeCrumb(base), collectionsCrumb(base),
				{Href: withFormat(collectionURL(base, l.Schema.Name), formatHTML), Text: l.Schema.DisplayTitle()}},
			JSON: withFormat(self, "json"), JSONType: mediaGeoJSON, Wide: true},
		Layer: l.Schema.DisplayTitle(), Matched: matched,
		Filters: describeFilters(&l.Schema, req),
	}
	for _, link := range pageLinks(r, base, l.Schema.Name, query, req.ItemsQuery, len(page), matched) {
		switch link.Rel {
		case "next":
			v.Next = withFormat(link.Href, formatHTML)
		case "prev":
			v.Prev = withFormat(link.Href, formatHTML)
		}
	}
	if len(v.Filters) > 0 {
		v.All = withFormat(items, formatHTML)
	}
	at := func(limit, offset int) string {
		q := url.Values{}
		for k, vals := range query {
			q[k] = vals
		}
		q.Set(paramLimit, strconv.Itoa(limit))
		q.Del(paramOffset)
		if offset > 0 {
			q.Set(paramOffset, strconv.Itoa(offset))
		}
		q.Set(paramFormat, formatHTML)
		return items + "?" + q.Encode()
	}
	// The page sizes the table offers, up to a browser's bound.
	for _, n := range [...]int{10, 100, ogcMaxHTMLLimit} {
		if n != req.Limit {
			v.Sizes = append(v.Sizes, ogchtml.Link{Href: at(n, 0), Text: strconv.Itoa(n)})
		}
	}
	if matched > req.Limit {
		v.PageNumber, v.PageCount = (req.Offset+req.Limit-1)/req.Limit+1, (matched+req.Limit-1)/req.Limit
		if v.Prev != "" {
			v.FirstPage = at(req.Limit, 0)
		}
		if v.Next != "" {
			v.LastPage = at(req.Limit, (matched-1)/req.Limit*req.Limit)
		}
	}
	for _, f := range l.Schema.Fields {
		v.Columns = append(v.Columns, f.DisplayTitle())
	}
	for i, c := range page {
		label := featureName(&l.Schema, c)
		if label == "" {
			label = "Objet " + ogchtml.Count(req.Offset+i+1)
		}
		row := ogchtml.Row{Href: withFormat(itemURL(base, l.Schema.Name, c.ID), formatHTML), Label: label}
		for _, f := range l.Schema.Fields {
			row.Cells = append(row.Cells, ogchtml.Value(f, c.Properties[f.Name]))
		}
		v.Rows = append(v.Rows, row)
	}
	if len(page) > 0 {
		v.First, v.Last = req.Offset+1, req.Offset+len(page)
	}
	s.writeHTML(w, r, http.StatusOK, v)
}

// describeFilters says in French what an items query keeps.
func describeFilters(l *schema.Layer, req itemsRequest) []string {
	var out []string
	if b := req.Bound; b != nil {
		out = append(out, fmt.Sprintf("emprise : longitudes de %s à %s, latitudes de %s à %s",
			ogchtml.Longitude(b.Min[0]), ogchtml.Longitude(b.Max[0]), ogchtml.Latitude(b.Min[1]), ogchtml.Latitude(b.Max[1])))
	}
	if d := req.During; d != nil {
		f, _ := l.Field(d.Field)
		out = append(out, "« "+f.DisplayTitle()+" » "+describeInterval(f, *d))
	}
	names := make([]string, 0, len(req.Equals))
	for name := range req.Equals {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, _ := l.Field(name)
		val := ogchtml.Value(f, req.Equals[name])
		if val == "" {
			val = "(vide)"
		}
		out = append(out, fmt.Sprintf("« %s » vaut %s", f.DisplayTitle(), val))
	}
	return out
}

// describeInterval says a datetime filter in French: du 01/05/2024 au
// 31/05/2024, à partir du…, jusqu'au…, renseigné.
func describeInterval(f schema.Field, d TimeInterval) string {
	at := func(t time.Time, date string) string {
		if f.Type == schema.Date {
			return ogchtml.Value(f, date)
		}
		return ogchtml.Value(f, t.Format(time.RFC3339))
	}
	switch {
	case d.Start.IsZero() && d.End.IsZero():
		return "renseigné"
	case d.Start.IsZero():
		return "jusqu'au " + at(d.End, d.EndDate())
	case d.End.IsZero():
		return "à partir du " + at(d.Start, d.StartDate())
	case f.Type == schema.Date && d.StartDate() == d.EndDate():
		return "le " + at(d.Start, d.StartDate())
	}
	return "du " + at(d.Start, d.StartDate()) + " au " + at(d.End, d.EndDate())
}

func (s *Server) itemHTML(w http.ResponseWriter, r *http.Request, l LayerRecord, c protocol.Change) {
	base := ogcBase(r)
	title := "Objet de la couche « " + l.Schema.DisplayTitle() + " »"
	if name := featureName(&l.Schema, c); name != "" {
		title = name + " (" + l.Schema.DisplayTitle() + ")"
	}
	v := &ogchtml.Item{
		Page: ogchtml.Page{Title: title,
			Crumbs: []ogchtml.Link{homeCrumb(base), collectionsCrumb(base),
				{Href: withFormat(collectionURL(base, l.Schema.Name), formatHTML), Text: l.Schema.DisplayTitle()},
				{Href: withFormat(collectionURL(base, l.Schema.Name)+"/items", formatHTML), Text: "Objets"}},
			JSON: withFormat(itemURL(base, l.Schema.Name, c.ID), "json"), JSONType: mediaGeoJSON},
		ID: c.ID, Layer: l.Schema.DisplayTitle(), Geometry: ogchtml.Geometry(c.Geometry),
	}
	for _, f := range l.Schema.Fields {
		v.Props = append(v.Props, ogchtml.Prop{Title: f.DisplayTitle(), Name: f.Name, Value: ogchtml.Value(f, c.Properties[f.Name])})
	}
	if c.Geometry != nil {
		p := c.Geometry.Bound().Center()
		v.Map = osmURL(p)
	}
	s.writeHTML(w, r, http.StatusOK, v)
}

// featureName names a feature as the desk's search does
// (store.NameField): its name, number or identifier, else a text value;
// "" when it has none.
func featureName(l *schema.Layer, c protocol.Change) string {
	i := store.NameField(*l, c.Properties)
	if i < 0 {
		return ""
	}
	return store.FieldText(l.Fields[i], c.Properties[l.Fields[i].Name])
}

// osmURL shows point p on OpenStreetMap.
func osmURL(p orb.Point) string {
	lat, lon := strconv.FormatFloat(p[1], 'f', 6, 64), strconv.FormatFloat(p[0], 'f', 6, 64)
	return "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon
}

// errorHTML answers an error page: its title says the kind of error, the
// message what happened, and a link leads back to the layers. Handlers
// answer their errors in JSON (ogcError); ogcNegotiated turns them into
// this page for a browser.
func (s *Server) errorHTML(w http.ResponseWriter, r *http.Request, status int, message string) {
	base := ogcBase(r)
	title := "Erreur de la plateforme"
	switch status {
	case http.StatusBadRequest:
		title = "Adresse incorrecte"
	case http.StatusUnauthorized:
		title = "Connexion nécessaire"
		message += " Votre navigateur demande le nom d'utilisateur et le mot de passe de votre compte sur la plateforme ; s'il ne l'a pas fait, rechargez la page."
	case http.StatusForbidden:
		title = "Accès refusé"
	case http.StatusNotFound:
		title = "Page introuvable"
	case http.StatusTooManyRequests:
		title = "Trop de tentatives"
	}
	s.writeHTML(w, r, status, &ogchtml.Error{Page: ogchtml.Page{Title: title, Crumbs: []ogchtml.Link{homeCrumb(base)}},
		Status: status, Message: message, Back: ogchtml.Link{Href: collectionsCrumb(base).Href, Text: "Voir les couches que vous pouvez consulter"}})
}
