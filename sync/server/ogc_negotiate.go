package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// formatHTML is the f value asking for the HTML pages.
const formatHTML = "html"

// mediaHTML is the media type of the HTML pages, as links name it.
const mediaHTML = "text/html"

// wantsHTML reports whether a request to /ogc asks for an HTML page: f=html
// says so; f=json (or any other f) says not; without f, the Accept header
// decides, and only a browser's does: text/html (or XHTML) listed with a
// higher weight than any JSON type. QGIS and GDAL ask for
// "application/json" or "application/geo+json, application/json", curl for
// "*/*": they keep getting JSON, the default.
func wantsHTML(r *http.Request) bool {
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && q.Has(paramFormat) {
		return strings.EqualFold(q.Get(paramFormat), formatHTML)
	}
	htmlQ, jsonQ := 0.0, 0.0
	for _, h := range r.Header.Values("Accept") {
		for _, part := range strings.Split(h, ",") {
			media, q := acceptRange(part)
			switch {
			case media == "text/html" || media == "application/xhtml+xml":
				htmlQ = max(htmlQ, q)
			case strings.HasPrefix(media, "application/") && strings.Contains(media, "json"):
				jsonQ = max(jsonQ, q)
			}
		}
	}
	return htmlQ > 0 && htmlQ > jsonQ
}

// acceptRange reads one media range of an Accept header: its type in
// lower case and its weight (q, 1 when absent or unreadable).
func acceptRange(part string) (media string, q float64) {
	fields := strings.Split(part, ";")
	media = strings.ToLower(strings.TrimSpace(fields[0]))
	q = 1
	for _, p := range fields[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
	}
	return media, q
}

// withFormat returns href with its f parameter set to format (the other
// parameters kept).
func withFormat(href, format string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	q := u.Query()
	q.Set(paramFormat, format)
	u.RawQuery = q.Encode()
	return u.String()
}

// htmlAlternate is the link from a JSON answer to the same resource as an
// HTML page.
func htmlAlternate(href string) ogcLink {
	return ogcLink{Href: withFormat(href, formatHTML), Rel: "alternate", Type: mediaHTML, Title: "Cette page pour un navigateur (HTML)"}
}

// ogcNegotiated wraps a GET route of /ogc: its answer varies with the
// Accept header, and for a browser an error answered in JSON before the
// route's handler ran (401 of the sign-in, 429 of the throttle, 500)
// becomes an HTML page with the same status, headers and message.
func (s *Server) ogcNegotiated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if !wantsHTML(r) {
			h.ServeHTTP(w, r)
			return
		}
		hw := &htmlErrorWriter{ResponseWriter: w}
		h.ServeHTTP(hw, r)
		if hw.status != 0 {
			var body struct {
				Message string `json:"message"`
			}
			json.Unmarshal(hw.body.Bytes(), &body)
			s.errorHTML(w, r, hw.status, body.Message)
		}
	})
}

// htmlErrorWriter keeps back a JSON error answer (status ≥ 400) so that
// ogcNegotiated answers it as a page; anything else passes through.
type htmlErrorWriter struct {
	http.ResponseWriter
	status int // of the error kept back; 0 when none
	body   bytes.Buffer
	wrote  bool
}

func (w *htmlErrorWriter) WriteHeader(code int) {
	if !w.wrote && code >= 400 && strings.Contains(w.Header().Get("Content-Type"), "json") {
		w.status = code
		w.Header().Del("Content-Length")
		return
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *htmlErrorWriter) Write(b []byte) (int, error) {
	if w.status != 0 {
		return w.body.Write(b)
	}
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *htmlErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
