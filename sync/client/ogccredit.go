package client

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"terrimap/internal/ogcxml"
)

// An OGC API – Features collection is credited as a WFS feature type is
// (withCredit): its layer's description ends with «(© who, licence)». Who
// is the collection's or the landing page's attribution (OGC API – Common),
// else the landing page's provider, contact or title, else the contact or
// title of the OpenAPI document it links, else the server's host name, so
// that a credit is never empty; the licence is the collection's license, or
// the title (else the address) of a rel=license link of the collection or
// the landing page.

// ogcLanding is what an OGC API landing page says of the service.
type ogcLanding struct {
	Title       string    `json:"title"`
	Attribution string    `json:"attribution"`
	License     string    `json:"license"`
	Contact     ogcParty  `json:"contact"`
	Provider    ogcParty  `json:"provider"`
	Links       []ogcLink `json:"links"`
	// API is the info of the OpenAPI document the landing page links
	// (rel=service-desc): QGIS Server's landing page says nothing else.
	API ogcAPIInfo `json:"-"`
}

// ogcAPIInfo is the info part of an OpenAPI document.
type ogcAPIInfo struct {
	Title   string `json:"title"`
	Contact struct {
		Name string `json:"name"`
	} `json:"contact"`
	License struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"license"`
}

// ogcParty is a contact or provider, given either as a name or as an
// object naming a person or an organisation.
type ogcParty string

// UnmarshalJSON reads a party written as a string or an object; anything
// else reads as no party rather than failing the landing page.
func (p *ogcParty) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*p = ogcParty(s)
		return nil
	}
	var o struct {
		Name         string `json:"name"`
		Organization string `json:"organization"`
		Organisation string `json:"organisation"`
	}
	if json.Unmarshal(b, &o) == nil {
		*p = ogcParty(firstNonEmpty(o.Organization, o.Organisation, o.Name))
	}
	return nil
}

// landing reads the server's landing page; a server without one (or an
// unreadable one) gives an empty page: the credit falls back to the host.
func (s *SourceClient) landing(ctx context.Context, landing string) ogcLanding {
	var l ogcLanding
	if err := s.getJSON(ctx, strings.TrimRight(landing, "/")+"/", &l); err != nil {
		_ = s.getJSON(ctx, strings.TrimRight(landing, "/"), &l)
	}
	for _, link := range l.Links {
		if link.Rel == "service-desc" && strings.Contains(link.Type, "json") {
			var doc struct {
				Info any `json:"info"`
			}
			u, err := url.Parse(landing)
			if err != nil {
				break
			}
			if u, err = u.Parse(link.Href); err == nil && s.getJSON(ctx, u.String(), &doc) == nil {
				js, _ := json.Marshal(doc.Info)
				_ = json.Unmarshal(js, &l.API)
			}
			break
		}
	}
	return l
}

// ogcCredit is the credit a map showing the collection owes its server:
// "© who, licence", never empty.
func ogcCredit(land ogcLanding, col ogcCollection, server string) string {
	who := firstNonEmpty(plainText(col.Attribution), plainText(land.Attribution),
		string(land.Provider), string(land.Contact), land.API.Contact.Name, land.Title, land.API.Title, hostOf(server))
	if !creditsSource(who) {
		who = "© " + who
	}
	licence := firstNonEmpty(plainText(col.License), licenceLink(col.Links), plainText(land.License), licenceLink(land.Links),
		land.API.License.Name, land.API.License.URL)
	return ogcxml.Credit(who, licence)
}

// creditsSource tells whether a text credits a source already (the words
// export.DataAttributions reads a credit by).
func creditsSource(text string) bool {
	low := strings.ToLower(text)
	for _, w := range []string{"©", "licence", "license", "odbl"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// licenceLink is the title, else the address, of the first rel=license link.
func licenceLink(links []ogcLink) string {
	for _, l := range links {
		if strings.EqualFold(l.Rel, "license") {
			return firstNonEmpty(plainText(l.Title), strings.TrimSpace(l.Href))
		}
	}
	return ""
}

// hostOf is the host (and port) of a server's address, or the address.
func hostOf(server string) string {
	if u, err := url.Parse(server); err == nil && u.Host != "" {
		return u.Host
	}
	return server
}

var markup = regexp.MustCompile(`<[^>]*>`)

// plainText is an attribution without its HTML markup (OGC API – Common
// allows it) and with its spaces folded.
func plainText(s string) string {
	s = markup.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&copy;", "©", "&amp;", "&", "&nbsp;", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// visibleTitle is the title a new source layer shows in the layer panel:
// its own (else its layer name), or, when another layer shows that
// already — the same collection from another server — the title followed
// by the server's host, numbered if that is taken too. The layer's name,
// the data's identity, does not change.
func (s *SourceClient) visibleTitle(title string, src Source) string {
	title = firstNonEmpty(title, src.Layer)
	taken := func(t string) bool {
		for _, l := range s.ws.Layers() {
			if strings.EqualFold(l.Schema.DisplayTitle(), t) {
				return true
			}
		}
		return false
	}
	if !taken(title) {
		return title
	}
	host := hostOf(src.URL)
	out := title + " (" + host + ")"
	for i := 2; taken(out); i++ {
		out = title + " (" + host + ", " + strconv.Itoa(i) + ")"
	}
	return out
}
