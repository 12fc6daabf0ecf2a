// Package ogchtml writes the HTML pages of the platform's OGC API –
// Features for a person with a browser: the landing page, the conformance
// classes, the collections with their extent and fields, a collection, a
// page of features as a table and one feature. The pages are French,
// plain and accessible (headings in order, tables with a caption and
// header cells, links that say where they lead), styled by a small
// embedded sheet and without any script.
//
// The server (package server) fills the views; this package only renders
// them, with html/template so that every value is escaped.
package ogchtml

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
)

// MediaType is the media type of the pages.
const MediaType = "text/html; charset=utf-8"

// Link is a link as a page shows it: where it leads and what it says.
type Link struct {
	Href string
	Text string
	// Note, when not empty, says more about the link, after it.
	Note string
}

// Page is what every page has.
type Page struct {
	// Title is the page's title and its first heading.
	Title string
	// Crumbs is the path from the landing page to this page's parent
	// (the page itself is shown after them, without a link).
	Crumbs []Link
	// JSON is the address of the same resource as JSON, and JSONType its
	// media type.
	JSON, JSONType string
	// Wide lets the page use the window's whole width (a wide table).
	Wide bool
}

// View is a page ready to render: one of Landing, Conformance,
// Collections, CollectionPage, Items, Item or Error.
type View interface {
	page() *Page
	template() string
}

//go:embed templates/*.html templates/style.css
var files embed.FS

// pages holds one template set per page, each with the layout.
var pages = parsePages()

func parsePages() map[string]*template.Template {
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	funcs := template.FuncMap{
		"style":  func() template.CSS { return template.CSS(css) },
		"count":  Count,
		"lon":    Longitude,
		"lat":    Latitude,
		"plural": plural,
	}
	out := map[string]*template.Template{}
	for _, name := range []string{"landing", "conformance", "collections", "collection", "items", "item", "error"} {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/fields.html", "templates/"+name+".html"))
	}
	return out
}

// Write renders v as a complete page and answers it with the status; a
// HEAD request gets the headers only. The page is rendered before anything
// is written, so that a failure answers 500 rather than half a page.
func Write(w http.ResponseWriter, r *http.Request, status int, v View) error {
	var b bytes.Buffer
	if err := pages[v.template()].ExecuteTemplate(&b, "layout", v); err != nil {
		return fmt.Errorf("ogchtml: %s page: %w", v.template(), err)
	}
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
	return nil
}

// Landing is the landing page: what the platform is and where to go.
type Landing struct {
	Page
	Description string
	Links       []Link
}

// Conformance lists the conformance classes the API implements.
type Conformance struct {
	Page
	Classes []Link
}

// Collections lists the layers a user may read.
type Collections struct {
	Page
	Collections []Collection
}

// CollectionPage shows one layer.
type CollectionPage struct {
	Page
	Layer Collection
	// Schema is the address of the layer's JSON Schema.
	Schema string
}

// Collection describes a layer.
type Collection struct {
	ID          string
	Title       string
	Description string
	// Href is the layer's page, Items its table of features.
	Href, Items string
	// Geometry names the layer's geometry type in French.
	Geometry string
	// Extent is the box of its features; nil when it has none.
	Extent *Extent
	// Temporal is the title of the field a datetime filter reads; empty
	// when the layer has none (datetime is then ignored).
	Temporal string
	// Dates says when its features lie («du 03/01/2024 au 27/11/2025»);
	// empty when none has a date.
	Dates  string
	Fields []Field
}

// Extent is a box in degrees of longitude and latitude (WGS 84).
type Extent struct {
	West, South, East, North float64
}

// Field describes a field of a layer; Type says what it holds, as a
// filter's error names it ("un nombre entier").
type Field struct {
	Name, Title, Type, Description string
	Required, ReadOnly             bool
	// Codes are the values the field may take, with their labels.
	Codes []Code
}

// Code is one coded value of a field.
type Code struct {
	Code, Label string
}

// Items is a page of a layer's features as a table.
type Items struct {
	Page
	// Layer is the layer's title.
	Layer   string
	Columns []string
	Rows    []Row
	// Matched is the number of features matching the query; First and
	// Last number the rows shown (from 1).
	Matched, First, Last int
	// Filters says in words what the query keeps (emprise, dates, fields).
	Filters []string
	// Prev and Next are the neighbouring pages; empty at an end. All is
	// the table without filters, when filters are set.
	Prev, Next, All string
	// Sizes offers other page sizes.
	Sizes []Link
	// PageNumber and PageCount number this page and the pages (0 when one
	// page); FirstPage and LastPage lead to the ends, empty at that end.
	PageNumber, PageCount int
	FirstPage, LastPage   string
}

// Row is one feature of the table.
type Row struct {
	// Href is the feature's page and Label the text of the link to it.
	Href, Label string
	Cells       []string
}

// Item is one feature: its fields and its geometry.
type Item struct {
	Page
	ID    string
	Layer string
	Props []Prop
	// Geometry summarises the geometry in words ("Point : …").
	Geometry string
	// Map, when not empty, shows the place on OpenStreetMap.
	Map string
}

// Prop is one field of a feature.
type Prop struct {
	Title, Name, Value string
}

// Error is an error page: what went wrong and where to go back.
type Error struct {
	Page
	Status  int
	Message string
	Back    Link
}

func (p *Page) page() *Page { return p }

func (*Landing) template() string        { return "landing" }
func (*Conformance) template() string    { return "conformance" }
func (*Collections) template() string    { return "collections" }
func (*CollectionPage) template() string { return "collection" }
func (*Items) template() string          { return "items" }
func (*Item) template() string           { return "item" }
func (*Error) template() string          { return "error" }
