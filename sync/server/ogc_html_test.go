package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"terrimap/store/schema"
	"terrimap/sync/server/ogchtml"
)

// TestOGCHTML runs the HTML pages' checks on one platform.
func TestOGCHTML(t *testing.T) {
	e := newOGCHTMLEnv(t)
	t.Run("Crawl", func(t *testing.T) { testOGCHTMLCrawl(t, e.with(t)) })
	t.Run("PagingWalksEveryLayer", func(t *testing.T) { testOGCHTMLPaging(t, e.with(t)) })
	t.Run("PagingKeepsFilters", func(t *testing.T) { testOGCHTMLPagingFilters(t, e.with(t)) })
	t.Run("Negotiation", func(t *testing.T) { testOGCHTMLNegotiation(t, e.with(t)) })
	t.Run("Pages", func(t *testing.T) { testOGCHTMLPages(t, e.with(t)) })
	t.Run("Errors", func(t *testing.T) { testOGCHTMLErrors(t, e.with(t)) })
	t.Run("Datetime", func(t *testing.T) { testOGCDatetime(t, e.with(t)) })
}

// testOGCHTMLCrawl visits every page from the landing page, following
// every link on the platform: each page passes readPage's checks, each
// link answers 200, and each page's JSON alternate is JSON.
func testOGCHTMLCrawl(t *testing.T, e *ogcEnv) {
	start := e.srv.URL + "/ogc?f=html"
	seen := map[string]bool{start: true}
	queue := []string{start}
	kinds := map[string]int{}
	external := 0
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		r := e.do(http.MethodGet, next, "admin", nil).expect(t, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			if !strings.Contains(ct, "json") {
				t.Errorf("%s: Content-Type %q", next, ct)
			}
			continue
		}
		p := e.readPage(next, "admin")
		kinds[pageKind(next)]++
		alt := p.alternate()
		if alt == "" {
			t.Errorf("%s: no JSON alternate", next)
		}
		for _, l := range p.links {
			if !e.sameHost(l.href) {
				external++
				continue
			}
			if !seen[l.href] {
				seen[l.href] = true
				queue = append(queue, l.href)
			}
		}
	}
	// Every kind of page was reached, every feature has its page.
	want := map[string]int{"landing": 1, "conformance": 1, "collections": 1, "collection": 4,
		"item": 25 + 2 + 1 + ogcInterventionCount}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s pages reached, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	if kinds["items"] < 4 {
		t.Errorf("%d items pages reached", kinds["items"])
	}
	if external == 0 {
		t.Error("no link to OpenStreetMap on the items' pages")
	}
}

// pageKind names the kind of page at an /ogc address.
func pageKind(raw string) string {
	u, _ := url.Parse(raw)
	parts := strings.Split(strings.Trim(strings.TrimPrefix(u.Path, "/ogc"), "/"), "/")
	switch {
	case parts[0] == "":
		return "landing"
	case len(parts) == 1:
		return parts[0]
	case len(parts) == 2:
		return "collection"
	case len(parts) == 3:
		return "items"
	}
	return "item"
}

// testOGCHTMLPaging walks each layer's table by its next links: the rows
// are the layer's features, each once, as many as its count; the last
// page's previous links lead back to the first.
func testOGCHTMLPaging(t *testing.T, e *ogcEnv) {
	for layer, count := range map[string]int{"pei": 25, "canalaep": 2, "communes": 1, "interventions": ogcInterventionCount} {
		for _, limit := range []string{"7", "100"} {
			start := e.srv.URL + "/ogc/collections/" + layer + "/items?f=html&limit=" + limit
			rows, pages := e.walkItems(start, "admin")
			if len(rows) != count || !unique(rows) {
				t.Errorf("%s by %s: %d rows (unique %v), want %d", layer, limit, len(rows), unique(rows), count)
			}
			if !strings.Contains(pages[0].text(), "sur "+ogchtml.Count(count)) {
				t.Errorf("%s: first page does not say the count %d: %s", layer, count, pages[0].text())
			}
			if n := len(pages); n > 1 {
				if !strings.Contains(pages[0].text(), fmt.Sprintf("Page 1 sur %d", n)) {
					t.Errorf("%s by %s: the first page does not say «Page 1 sur %d»", layer, limit, n)
				}
				last := e.readPage(pages[0].linkTo("Dernière page"), "admin")
				if last.rel("next") != "" || !slices.Equal(last.rowLinks(), pages[n-1].rowLinks()) {
					t.Errorf("%s by %s: «Dernière page» is not the last page", layer, limit)
				}
				if first := last.linkTo("Première page"); first != pages[0].url {
					t.Errorf("%s by %s: «Première page» leads to %s, not %s", layer, limit, first, pages[0].url)
				}
			}
			back := 1
			for prev := pages[len(pages)-1].rel("prev"); prev != ""; back++ {
				prev = e.readPage(prev, "admin").rel("prev")
			}
			if back != len(pages) {
				t.Errorf("%s by %s: %d pages forward, %d back", layer, limit, len(pages), back)
			}
		}
	}
}

// testOGCHTMLPagingFilters: the links of a filtered table keep the
// filters (bbox, datetime, a field), and its count is the JSON's.
func testOGCHTMLPagingFilters(t *testing.T, e *ogcEnv) {
	for _, c := range []struct{ layer, query string }{
		{"pei", "bbox=4.79,46.5,4.87,46.6"},
		{"pei", "type_pei=BI"},
		{"interventions", "datetime=2024-03-01/2024-04-30"},
		{"interventions", "datetime=2024-03-01/..&type=reparation"},
	} {
		var p ogcGotPage
		e.do(http.MethodGet, "/ogc/collections/"+c.layer+"/items?"+c.query, "admin", nil).expect(t, http.StatusOK).json(t, &p)
		if p.NumberMatched == 0 || p.NumberMatched == 25 || p.NumberMatched == ogcInterventionCount {
			t.Errorf("%s: the filter keeps %d features, a poor test", c.query, p.NumberMatched)
		}
		rows, pages := e.walkItems(e.srv.URL+"/ogc/collections/"+c.layer+"/items?f=html&limit=3&"+c.query, "admin")
		if len(rows) != p.NumberMatched || !unique(rows) {
			t.Errorf("%s: %d rows, JSON says %d", c.query, len(rows), p.NumberMatched)
		}
		if !strings.Contains(pages[0].text(), "Filtres appliqués") {
			t.Errorf("%s: the page does not say its filters", c.query)
		}
	}
}

// testOGCHTMLNegotiation: a browser gets pages, QGIS, GDAL and curl get
// JSON, f decides over Accept; JSON answers link to their page.
func testOGCHTMLNegotiation(t *testing.T, e *ogcEnv) {
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	cases := []struct {
		name, path, accept string
		html               bool
	}{
		{"browser", "/ogc", browser, true},
		{"browser items", "/ogc/collections/pei/items", browser, true},
		{"browser asks JSON", "/ogc/collections?f=json", browser, false},
		{"QGIS landing", "/ogc", "application/json", false},
		{"QGIS items", "/ogc/collections/pei/items?limit=10", "application/geo+json, application/json", false},
		{"GDAL", "/ogc/collections", "application/json, application/geo+json;q=0.9", false},
		{"curl", "/ogc/conformance", "*/*", false},
		{"no Accept", "/ogc/collections/pei", "", false},
		{"JSON preferred", "/ogc", "text/html;q=0.5, application/json", false},
		{"f=html", "/ogc/conformance?f=html", "application/json", true},
	}
	for _, c := range cases {
		var h []string
		if c.accept != "" {
			h = []string{"Accept", c.accept}
		}
		r := e.do(http.MethodGet, c.path, "elu", nil, h...).expect(t, http.StatusOK)
		isHTML := r.header.Get("Content-Type") == "text/html; charset=utf-8"
		if isHTML != c.html {
			t.Errorf("%s: Content-Type %q", c.name, r.header.Get("Content-Type"))
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept") {
			t.Errorf("%s: Vary %q", c.name, r.header.Get("Vary"))
		}
		if !isHTML {
			var doc struct {
				Links []ogcLink `json:"links"`
			}
			r.json(t, &doc)
			if alt := ogcLinkRel(doc.Links, "alternate", mediaHTML); !strings.Contains(alt, "f=html") {
				t.Errorf("%s: no HTML alternate in %v", c.name, doc.Links)
			}
		}
	}
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	e.do(http.MethodGet, "/ogc/conformance", "elu", nil).expect(t, http.StatusOK).json(t, &conf)
	if !strings.Contains(strings.Join(conf.ConformsTo, " "), "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html") {
		t.Errorf("conformance lacks HTML: %v", conf.ConformsTo)
	}
}

// ogcLinkRel returns the href of the link with rel and type, or "".
func ogcLinkRel(links []ogcLink, rel, typ string) string {
	for _, l := range links {
		if l.Rel == rel && l.Type == typ {
			return l.Href
		}
	}
	return ""
}

// testOGCHTMLPages: what the pages say, as a person reads it.
func testOGCHTMLPages(t *testing.T, e *ogcEnv) {
	cs := e.readPage("/ogc/collections?f=html", "elu").text()
	for _, want := range []string{"Point d'eau incendie", "Poteaux et bouches d'incendie", "Couche de points",
		"Poteau d'incendie (PI)", "un nombre entier", "Emprise : de 4,8", "° E", "° N",
		"lecture seule", "Interventions", "Contrôle (controle)"} {
		if !strings.Contains(cs, want) {
			t.Errorf("collections page lacks %q", want)
		}
	}
	c := e.readPage("/ogc/collections/interventions?f=html", "elu").text()
	// A field's type in the same words as the 400 of a filter on it.
	if !strings.Contains(c, frenchFieldType(schema.Date)) {
		t.Errorf("collection page does not name a date field's type as the filter's message does: %s", c)
	}
	if !strings.Contains(c, "Dates : du 01/01/2024 au 28/06/2024, d'après le champ « Date », sur lequel porte le filtre datetime") {
		t.Errorf("collection page does not say its dates: %s", c)
	}
	if c := e.readPage("/ogc/collections/pei?f=html", "elu").text(); !strings.Contains(c, "pas de champ de date déclaré") {
		t.Errorf("collection page without temporal field: %s", c)
	}
	items := e.readPage("/ogc/collections/pei/items?f=html&limit=5", "elu").text()
	for _, want := range []string{"Objets 1 à 5 sur 25", "Poteau d'incendie", "Bouche d'incendie", "01/05/2024", "oui", "non", "1,5", "SDIS-000"} {
		if !strings.Contains(items, want) {
			t.Errorf("items page lacks %q: %s", want, items)
		}
	}
	item := e.readPage("/ogc/collections/pei/items/"+ogcPEIID(1)+"?f=html", "elu")
	for _, want := range []string{"Type de PEI Bouche d'incendie", "Débit (m³/h) 61", "Disponible non", "Date du contrôle 01/05/2024",
		"Point : 4,893° E, 46,56° N", "Accueil", "Couches", "Objets"} {
		if !strings.Contains(item.text(), want) {
			t.Errorf("item page lacks %q: %s", want, item.text())
		}
	}
	if alt := item.alternate(); !strings.Contains(alt, "f=json") {
		t.Errorf("item page's alternate %q", alt)
	}
	line := e.readPage("/ogc/collections/canalaep/items/00000000-0000-4000-9000-000000000001?f=html", "elu").text()
	if !strings.Contains(line, "Ligne de 2 sommets, longueur 1,") || !strings.Contains(line, "km") {
		t.Errorf("line's geometry: %s", line)
	}
}

// testOGCHTMLErrors: a browser's errors are French pages with the status.
func testOGCHTMLErrors(t *testing.T, e *ogcEnv) {
	cases := []struct {
		name, path, user string
		status           int
		want             string
	}{
		{"unknown layer", "/ogc/collections/nulle?f=html", "elu", http.StatusNotFound, "pas de couche « nulle »"},
		{"unknown feature", "/ogc/collections/pei/items/nope?f=html", "elu", http.StatusNotFound, "n'a pas d'objet « nope »"},
		{"bad bbox", "/ogc/collections/pei/items?f=html&bbox=1,2", "elu", http.StatusBadRequest, "bbox=1,2"},
		{"bad datetime", "/ogc/collections/interventions/items?f=html&datetime=demain", "elu", http.StatusBadRequest, "datetime=demain"},
		{"not signed in", "/ogc/collections?f=html", "", http.StatusUnauthorized, "mot de passe"},
	}
	for _, c := range cases {
		r := e.do(http.MethodGet, c.path, c.user, nil)
		if r.status != c.status || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %q, want %d HTML", c.name, r.status, r.header.Get("Content-Type"), c.status)
			continue
		}
		root, err := html.Parse(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if problems := checkHTML(root); len(problems) > 0 {
			t.Errorf("%s: %v", c.name, problems)
		}
		if body := text(root); !strings.Contains(body, c.want) {
			t.Errorf("%s: page lacks %q: %s", c.name, c.want, body)
		}
		if c.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no challenge", c.name)
		}
	}
	// A client that did not ask for HTML still gets JSON.
	r := e.do(http.MethodGet, "/ogc/collections/nulle", "elu", nil).expect(t, http.StatusNotFound)
	var ex ogcException
	r.json(t, &ex)
	if ex.Code == "" {
		t.Errorf("JSON exception %s", r.body)
	}
}

// testOGCDatetime filters the interventions by date through GET /items;
// on a layer without a temporal field datetime is ignored; a malformed one
// is a 400.
func testOGCDatetime(t *testing.T, e *ogcEnv) {
	count := func(match func(date string) bool) int {
		n := 0
		for i := range ogcInterventionCount {
			if match(ogcInterventionDate(i)) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		query string
		want  int
	}{
		{"2024-03-05", count(func(d string) bool { return d == "2024-03-05" })},
		{"2024-03-05T10:00:00Z", count(func(d string) bool { return d == "2024-03-05" })},
		{"2024-03-01/2024-03-31", count(func(d string) bool { return d >= "2024-03-01" && d <= "2024-03-31" })},
		{"2024-03-01T00:00:00%2B02:00/2024-03-31", count(func(d string) bool { return d >= "2024-02-29" && d <= "2024-03-31" })},
		{"../2024-02-10", count(func(d string) bool { return d <= "2024-02-10" })},
		{"2024-05-20/..", count(func(d string) bool { return d >= "2024-05-20" })},
		{"/2024-01-31", count(func(d string) bool { return d <= "2024-01-31" })},
		{"../..", ogcInterventionCount},
	}
	for _, c := range cases {
		if c.want == 0 || (c.want == ogcInterventionCount && c.query != "../..") {
			t.Fatalf("%s: a poor case (%d)", c.query, c.want)
		}
		var p ogcGotPage
		e.do(http.MethodGet, "/ogc/collections/interventions/items?limit=1000&datetime="+c.query, "elu", nil).expect(t, http.StatusOK).json(t, &p)
		if p.NumberMatched != c.want || len(p.Features) != c.want {
			t.Errorf("datetime=%s: %d features of %d matched, want %d", c.query, len(p.Features), p.NumberMatched, c.want)
		}
	}
	var coll struct {
		Extent struct {
			Temporal *struct {
				Interval [][]string `json:"interval"`
			} `json:"temporal"`
		} `json:"extent"`
	}
	e.do(http.MethodGet, "/ogc/collections/interventions", "elu", nil).expect(t, http.StatusOK).json(t, &coll)
	if tm := coll.Extent.Temporal; tm == nil || !slices.Equal(tm.Interval[0], []string{"2024-01-01T00:00:00Z", "2024-06-28T23:59:59Z"}) {
		t.Errorf("temporal extent %+v", tm)
	}
	coll.Extent.Temporal = nil
	e.do(http.MethodGet, "/ogc/collections/pei", "elu", nil).expect(t, http.StatusOK).json(t, &coll)
	if coll.Extent.Temporal != nil {
		t.Errorf("a layer without temporal field has a temporal extent %+v", coll.Extent.Temporal)
	}
	var p ogcGotPage
	e.do(http.MethodGet, "/ogc/collections/pei/items?datetime=2024-03-05", "elu", nil).expect(t, http.StatusOK).json(t, &p)
	if p.NumberMatched != 25 {
		t.Errorf("datetime on a layer without a temporal field kept %d of 25", p.NumberMatched)
	}
	for _, bad := range []string{"hier", "2024-02-30", "2024-03-05/2024-03-01", "2024/03/05", "../..//", "..", "2024-03-05T25:00:00Z"} {
		for _, layer := range []string{"interventions", "pei"} {
			r := e.do(http.MethodGet, "/ogc/collections/"+layer+"/items?datetime="+url.QueryEscape(bad), "elu", nil).expect(t, http.StatusBadRequest)
			var ex ogcException
			r.json(t, &ex)
			if !strings.Contains(ex.Message, "datetime=") || !strings.Contains(ex.Message, "Attendu") {
				t.Errorf("%s on %s: %q", bad, layer, ex.Message)
			}
		}
	}
}
