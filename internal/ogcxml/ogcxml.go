// Package ogcxml reads the XML documents of OGC web services (WMS, WMTS,
// WFS): it asks a server for its capabilities over HTTP, with a size limit,
// and decodes XML in the encodings such servers use (UTF-8, ISO-8859-1…).
// A service exception report is an error of its own.
package ogcxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/ianaindex"
)

// MaxDocument bounds a capabilities document: the Géoplateforme's run to a
// few megabytes.
const MaxDocument = 64 << 20

// Errors callers tell apart.
var (
	// ErrException: the server answered with a service exception report.
	ErrException = errors.New("ogcxml: the server reported an error")
	// ErrUnreachable: the server could not be reached or failed (5xx).
	ErrUnreachable = errors.New("ogcxml: the server cannot be reached")
	// ErrRefused: the server refused the request (4xx) or sent no XML.
	ErrRefused = errors.New("ogcxml: the server refused the request")
)

// CapabilitiesURL returns addr with the query of a GetCapabilities
// request of service (WMS, WMTS, WFS) added, keeping the parameters addr
// already has (MapServer's map=…, QGIS Server's MAP=…) other than
// SERVICE, REQUEST and VERSION; version may be empty.
func CapabilitiesURL(addr, service, version string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(addr))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("ogcxml: %q is not an http(s) address", addr)
	}
	q := url.Values{}
	for k, v := range u.Query() {
		switch strings.ToUpper(k) {
		case "SERVICE", "REQUEST", "VERSION", "ACCEPTVERSIONS":
			continue
		}
		q[k] = v
	}
	q.Set("SERVICE", service)
	q.Set("REQUEST", "GetCapabilities")
	if version != "" {
		q.Set("VERSION", version)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Get fetches addr (a GetCapabilities URL) with hc and returns the body,
// at most MaxDocument bytes. A service exception report is ErrException
// with the server's message.
func Get(ctx context.Context, hc *http.Client, addr, userAgent string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, fmt.Errorf("ogcxml: %q: %w", addr, err)
	}
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	req.Header.Set("Accept", "application/xml, text/xml;q=0.9, */*;q=0.5")
	resp, err := hc.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("ogcxml: %s: %w", addr, cerr)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, addr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, addr, err)
	}
	if len(body) > MaxDocument {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrRefused, addr, MaxDocument)
	}
	if msg, ok := Exception(body); ok {
		return nil, fmt.Errorf("%w: %s", ErrException, msg)
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("%w: %s: HTTP %d", ErrUnreachable, addr, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: %s: HTTP %d", ErrRefused, addr, resp.StatusCode)
	}
	return body, nil
}

// NewDecoder returns an XML decoder of data that understands the
// encodings the IANA registry names.
func NewDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = CharsetReader
	return d
}

// CharsetReader decodes the XML encodings servers declare besides UTF-8
// (ISO-8859-1, windows-1252…), by their IANA names: an xml.Decoder's
// CharsetReader.
func CharsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := ianaindex.IANA.Encoding(strings.TrimSpace(label))
	if err != nil || enc == nil {
		return nil, fmt.Errorf("ogcxml: unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

// Root returns the local name of data's root element and a decoder placed
// just after its start, which DecodeElement(v, &start) reads on.
func Root(data []byte) (*xml.Decoder, xml.StartElement, error) {
	d := NewDecoder(data)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, xml.StartElement{}, fmt.Errorf("ogcxml: not an XML document: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return d, se, nil
		}
	}
}

// Exception reports whether data is a service exception report, with its
// message.
func Exception(data []byte) (string, bool) {
	d, root, err := Root(data)
	if err != nil || (root.Name.Local != "ServiceExceptionReport" && root.Name.Local != "ExceptionReport") {
		return "", false
	}
	var r struct {
		Items []struct {
			Code  string   `xml:"code,attr"`
			OWS   string   `xml:"exceptionCode,attr"`
			Text  string   `xml:",chardata"`
			Texts []string `xml:"ExceptionText"`
		} `xml:",any"`
	}
	if err := d.DecodeElement(&r, &root); err != nil {
		return "the server sent an exception report", true
	}
	var parts []string
	for _, it := range r.Items {
		msg := strings.TrimSpace(it.Text + " " + strings.Join(it.Texts, " "))
		code := it.Code + it.OWS
		if code != "" {
			msg = code + ": " + msg
		}
		if msg = strings.TrimSpace(msg); msg != "" {
			parts = append(parts, msg)
		}
	}
	if len(parts) == 0 {
		return "the server sent an exception report", true
	}
	return strings.Join(parts, "; "), true
}

// Text is an element's text with its white space collapsed, as titles
// and names are shown.
func Text(s string) string { return strings.Join(strings.Fields(s), " ") }

// Number reads a finite decimal number.
func Number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// Credit is the one rule of what a map showing a service's data owes it:
// who runs the service (its provider, else its title), then its conditions
// of use when they say something short — "Licence Ouverte 2.0"; not
// "none", not a page of legal text, not a repetition of who. WMS and WMTS
// basemaps, WFS and OGC API sources all credit through it.
func Credit(who, terms string) string {
	who, cond := strings.TrimSpace(who), strings.TrimSpace(terms)
	switch strings.ToLower(strings.Trim(cond, " .")) {
	case "", "none", "aucune", "aucun", "no", "non", "néant", "unknown", "inconnu", "nocondition":
		cond = ""
	}
	if len(cond) > 120 || who != "" && strings.Contains(strings.ToLower(who), strings.ToLower(cond)) {
		cond = ""
	}
	switch {
	case cond == "":
		return who
	case who == "":
		return cond
	}
	return who + ", " + cond
}
