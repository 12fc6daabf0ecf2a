package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/net/html"

	"terrimap/store"
	"terrimap/store/schema"
)

// The HTML pages' tests: a platform as newOGCEnv makes it, with a layer of
// dated interventions (a temporal field) of more than a page, and a reader
// of pages that checks what every page must be.

// ogcInterventions has a declared temporal field, date.
var ogcInterventions = schema.Layer{
	Name: "interventions", Title: "Interventions", Description: "Contrôles et réparations des équipements.",
	GeometryType: schema.Point, Temporal: "date",
	Fields: []schema.Field{
		{Name: "date", Title: "Date", Type: schema.Date, Required: true},
		{Name: "type", Title: "Type d'intervention", Type: schema.Text, Domain: []schema.CodedValue{
			{Code: "controle", Label: "Contrôle"}, {Code: "reparation", Label: "Réparation"}}},
		{Name: "fin", Title: "Fin", Type: schema.DateTime},
		{Name: "agent", Title: "Agent", Type: schema.Text},
	},
}

// ogcInterventionCount is more than a page of 100.
const ogcInterventionCount = 137

// ogcInterventionDate is the date of the i-th intervention: the 1st to
// the 28th of January to June 2024.
func ogcInterventionDate(i int) string { return fmt.Sprintf("2024-%02d-%02d", i%6+1, i%28+1) }

// newOGCHTMLEnv is newOGCEnv with the interventions layer.
func newOGCHTMLEnv(t *testing.T) *ogcEnv {
	e := newOGCEnv(t)
	ctx := context.Background()
	ogcMust(t, e.st.PutLayer(ctx, LayerRecord{Schema: ogcInterventions}))
	var fs []store.RemoteFeature
	for i := range ogcInterventionCount {
		typ := "controle"
		if i%4 == 0 {
			typ = "reparation"
		}
		fs = append(fs, store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-b000-%012d", i),
			Geometry: orb.Point{4.89 + float64(i%30)*0.001, 46.55 + float64(i/30)*0.002},
			Properties: map[string]any{"date": ogcInterventionDate(i), "type": typ,
				"fin": ogcInterventionDate(i) + "T16:45:00Z", "agent": fmt.Sprintf("Agent %d", i%5)}})
	}
	ogcMust(t, e.st.SeedFeatures(ctx, ogcInterventions.Name, "import", fs))
	return e
}

// htmlPage is a page read and checked by readPage.
type htmlPage struct {
	url   string
	root  *html.Node
	links []pageLink
}

// pageLink is a link of a page: <a> or <link>, with its rel and text.
type pageLink struct {
	href, rel, text string
	tag             string
}

// readPage gets a page as user and checks what every page must be:
// 200, text/html; charset=utf-8, lang="fr", one h1 and headings that do not
// skip a level, a caption first in every table and a scope on every
// header cell, links with text, no script.
func (e *ogcEnv) readPage(rawURL, user string, header ...string) htmlPage {
	e.t.Helper()
	r := e.do(http.MethodGet, rawURL, user, nil, header...).expect(e.t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		e.t.Fatalf("%s: Content-Type %q", rawURL, ct)
	}
	p := htmlPage{url: rawURL}
	var err error
	if p.root, err = html.Parse(strings.NewReader(string(r.body))); err != nil {
		e.t.Fatalf("%s: %v", rawURL, err)
	}
	for _, problem := range checkHTML(p.root) {
		e.t.Errorf("%s: %s", rawURL, problem)
	}
	p.links = linksOf(p.root)
	return p
}

// checkHTML returns what is wrong with a page.
func checkHTML(root *html.Node) []string {
	var problems []string
	if h := find(root, "html"); h == nil || attr(h, "lang") != "fr" {
		problems = append(problems, `no <html lang="fr">`)
	}
	level, h1s := 0, 0
	for _, n := range findAll(root, func(n *html.Node) bool {
		return len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
	}) {
		l := int(n.Data[1] - '0')
		if l > level+1 {
			problems = append(problems, fmt.Sprintf("<%s> «%s» after a level %d heading", n.Data, text(n), level))
		}
		if l == 1 {
			h1s++
		}
		level = l
	}
	if h1s != 1 {
		problems = append(problems, fmt.Sprintf("%d <h1>", h1s))
	}
	for _, tbl := range findAll(root, tagIs("table")) {
		first := tbl.FirstChild
		for first != nil && first.Type != html.ElementNode {
			first = first.NextSibling
		}
		if first == nil || first.Data != "caption" || strings.TrimSpace(text(first)) == "" {
			problems = append(problems, "a table without a caption first")
		}
		for _, th := range findAll(tbl, tagIs("th")) {
			if s := attr(th, "scope"); s != "col" && s != "row" {
				problems = append(problems, fmt.Sprintf("<th> «%s» without scope", text(th)))
			}
		}
	}
	if len(findAll(root, tagIs("script"))) > 0 {
		problems = append(problems, "a <script>")
	}
	for _, a := range findAll(root, tagIs("a")) {
		if attr(a, "href") == "" || strings.TrimSpace(text(a)) == "" {
			problems = append(problems, fmt.Sprintf("a link without href or text: %q «%s»", attr(a, "href"), text(a)))
		}
	}
	return problems
}

// linksOf returns the <a> and <link> of a page.
func linksOf(root *html.Node) []pageLink {
	var out []pageLink
	for _, n := range findAll(root, func(n *html.Node) bool { return n.Data == "a" || n.Data == "link" }) {
		out = append(out, pageLink{href: attr(n, "href"), rel: attr(n, "rel"), text: strings.TrimSpace(text(n)), tag: n.Data})
	}
	return out
}

// rel returns the href of the page's <a> with the rel, or "".
func (p htmlPage) rel(rel string) string {
	for _, l := range p.links {
		if l.tag == "a" && l.rel == rel {
			return l.href
		}
	}
	return ""
}

// linkTo returns the href of the page's first <a> that says text, or "".
func (p htmlPage) linkTo(text string) string {
	for _, l := range p.links {
		if l.tag == "a" && l.text == text {
			return l.href
		}
	}
	return ""
}

// alternate returns the href of the page's <link rel="alternate">.
func (p htmlPage) alternate() string {
	for _, l := range p.links {
		if l.tag == "link" && l.rel == "alternate" {
			return l.href
		}
	}
	return ""
}

// rowLinks returns the links of the rows of the page's table.
func (p htmlPage) rowLinks() []string {
	var out []string
	for _, tb := range findAll(p.root, tagIs("tbody")) {
		for _, a := range findAll(tb, tagIs("a")) {
			out = append(out, attr(a, "href"))
		}
	}
	return out
}

// text returns the page's text, spaces collapsed.
func (p htmlPage) text() string { return strings.Join(strings.Fields(text(p.root)), " ") }

func tagIs(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func find(n *html.Node, tag string) *html.Node {
	if all := findAll(n, tagIs(tag)); len(all) > 0 {
		return all[0]
	}
	return nil
}

// findAll returns the elements under n (n included) that match, in
// document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text returns the text under n.
func text(n *html.Node) string {
	var b strings.Builder
	for _, t := range findText(n) {
		b.WriteString(t)
	}
	return b.String()
}

// blocks are the elements whose text stands apart from the next.
var blocks = map[string]bool{"dt": true, "dd": true, "td": true, "th": true, "li": true, "p": true, "tr": true,
	"div": true, "caption": true, "h1": true, "h2": true, "title": true}

func findText(n *html.Node) []string {
	if n.Type == html.TextNode {
		return []string{n.Data}
	}
	var out []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "style" || c.Data == "script") {
			continue
		}
		out = append(out, findText(c)...)
		if c.Type == html.ElementNode && blocks[c.Data] {
			out = append(out, " ") // dt and dd, cells: words apart
		}
	}
	return out
}

// sameHost reports whether href is on the test platform.
func (e *ogcEnv) sameHost(href string) bool {
	u, err := url.Parse(href)
	base, _ := url.Parse(e.srv.URL)
	return err == nil && u.Host == base.Host
}

// walkItems follows the rel=next links of an items table from start and
// returns every row's link, and the pages visited.
func (e *ogcEnv) walkItems(start, user string) (rows []string, pages []htmlPage) {
	e.t.Helper()
	for next := start; next != ""; {
		p := e.readPage(next, user)
		pages = append(pages, p)
		rows = append(rows, p.rowLinks()...)
		next = p.rel("next")
		if len(pages) > 1000 {
			e.t.Fatalf("more than 1000 pages from %s", start)
		}
	}
	return rows, pages
}

// unique reports whether the strings are all different.
func unique(s []string) bool {
	c := slices.Clone(s)
	slices.Sort(c)
	return len(slices.Compact(c)) == len(s)
}
