package wfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ErrUnreachable wraps the failures to reach a server at all.
var ErrUnreachable = errors.New("wfs: server unreachable")

// ErrNoFeatureType is returned when a server offers no type of that name.
var ErrNoFeatureType = errors.New("wfs: no such feature type")

// PageSize is the COUNT of a paged GetFeature.
const PageSize = 1000

// maxPages bounds the pages read of one type, against a server that pages forever.
const maxPages = 10_000

// Client asks a WFS over HTTP.
type Client struct {
	http *http.Client
}

// NewClient returns a Client; hc nil uses a default client.
func NewClient(hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{http: hc}
}

// requestURL is endpoint with the request's parameters, replacing those of
// the same names (in any case) the endpoint had; the others (MapServer's
// map=…) are kept.
func requestURL(endpoint string, params [][2]string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("wfs: %q is not a WFS address (http://… or https://…)", endpoint)
	}
	q := u.Query()
	for k := range q {
		for _, p := range params {
			if strings.EqualFold(k, p[0]) {
				q.Del(k)
			}
		}
		switch strings.ToUpper(k) {
		case "SERVICE", "REQUEST", "VERSION", "ACCEPTVERSIONS", "TYPENAME", "TYPENAMES":
			q.Del(k)
		}
	}
	// Parameters keep the order given, after the endpoint's own.
	var b strings.Builder
	b.WriteString(q.Encode())
	for _, p := range params {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	u.RawQuery = b.String()
	return u.String(), nil
}

// get reads u; the caller closes the body.
func (c *Client) get(ctx context.Context, u string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("wfs: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return nil, fmt.Errorf("wfs: %s: HTTP %d: %s", u, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return resp.Body, nil
}

// Capabilities asks endpoint's capabilities, accepting WFS 2.0, 1.1 and 1.0.
func (c *Client) Capabilities(ctx context.Context, endpoint string) (*Capabilities, error) {
	u, err := requestURL(endpoint, [][2]string{{"SERVICE", "WFS"}, {"REQUEST", "GetCapabilities"}, {"ACCEPTVERSIONS", "2.0.0,1.1.0,1.0.0"}})
	if err != nil {
		return nil, err
	}
	body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return ParseCapabilities(body)
}

// typeParam is the name of the type parameter in version.
func typeParam(version string) string {
	if strings.HasPrefix(version, "2.") {
		return "TYPENAMES"
	}
	return "TYPENAME"
}

// Schema asks DescribeFeatureType for typeName.
func (c *Client) Schema(ctx context.Context, endpoint string, caps *Capabilities, typeName string) (*Schema, error) {
	u, err := requestURL(endpoint, [][2]string{{"SERVICE", "WFS"}, {"VERSION", caps.Version}, {"REQUEST", "DescribeFeatureType"}, {typeParam(caps.Version), typeName}})
	if err != nil {
		return nil, err
	}
	body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return ParseSchema(body, typeName)
}

// Query is what GetFeature asks for.
type Query struct {
	// TypeName is the feature type.
	TypeName string
	// BBox limits the features (longitude/latitude); nil: all.
	BBox *orb.Bound
	// GML asks GML even where the server offers GeoJSON.
	GML bool
	// PageSize is the COUNT of a paged GetFeature; 0: PageSize.
	PageSize int
}

func (q Query) pageSize() int {
	if q.PageSize > 0 {
		return q.PageSize
	}
	return PageSize
}

// plan is how a query is asked of a server.
type plan struct {
	caps     *Capabilities
	ft       FeatureType
	srsName  string // SRSNAME asked; "" for the server's default
	geoJSON  string // the GeoJSON output format; "" for GML
	paged    bool
	endpoint string
}

// newPlan chooses the coordinate system, the format and the paging.
func newPlan(endpoint string, caps *Capabilities, q Query) (plan, error) {
	ft, ok := caps.FeatureType(q.TypeName)
	if !ok {
		return plan{}, fmt.Errorf("%w: %q", ErrNoFeatureType, q.TypeName)
	}
	p := plan{caps: caps, ft: ft, endpoint: endpoint, paged: caps.Paging && strings.HasPrefix(caps.Version, "2.")}
	if !q.GML {
		formats := append(append([]string{}, ft.OutputFormats...), caps.OutputFormats...)
		for _, f := range formats {
			if l := strings.ToLower(f); strings.Contains(l, "json") && !strings.Contains(l, "jsonp") {
				p.geoJSON = f
				break
			}
		}
	}
	// Longitude/latitude when offered; else a system Terrimap reprojects.
	for _, name := range ft.CRS() {
		if code, _ := parseCRS(name); code == 4326 {
			p.srsName = "urn:ogc:def:crs:EPSG::4326"
			if strings.HasPrefix(caps.Version, "1.0") || p.geoJSON != "" {
				p.srsName = "EPSG:4326"
			}
			return p, nil
		}
	}
	for _, name := range ft.CRS() {
		if code, _ := parseCRS(name); code != 0 {
			if _, err := toLonLat(orb.Point{}, name, nil); err == nil {
				p.srsName = name
				return p, nil
			}
		}
	}
	if len(ft.CRS()) > 0 {
		return plan{}, fmt.Errorf("wfs: %s is offered in %s only, none of which Terrimap reprojects", q.TypeName, strings.Join(ft.CRS(), ", "))
	}
	return p, nil
}

// pageURL is the GetFeature address of a page from start (paged plans).
func (p plan) pageURL(q Query, start int) (string, error) {
	v := p.caps.Version
	params := [][2]string{{"SERVICE", "WFS"}, {"VERSION", v}, {"REQUEST", "GetFeature"}, {typeParam(v), p.ft.Name}}
	if p.srsName != "" {
		params = append(params, [2]string{"SRSNAME", p.srsName})
	}
	if p.geoJSON != "" {
		params = append(params, [2]string{"OUTPUTFORMAT", p.geoJSON})
	}
	if q.BBox != nil {
		b := q.BBox
		var bbox string
		if strings.HasPrefix(v, "1.0") {
			bbox = fmt.Sprintf("%s,%s,%s,%s", num(b.Min[0]), num(b.Min[1]), num(b.Max[0]), num(b.Max[1]))
		} else {
			// urn:ogc:def:crs:EPSG::4326 is latitude first.
			bbox = fmt.Sprintf("%s,%s,%s,%s,urn:ogc:def:crs:EPSG::4326", num(b.Min[1]), num(b.Min[0]), num(b.Max[1]), num(b.Max[0]))
		}
		params = append(params, [2]string{"BBOX", bbox})
	}
	if p.paged {
		params = append(params, [2]string{"STARTINDEX", strconv.Itoa(start)}, [2]string{"COUNT", strconv.Itoa(q.pageSize())})
	}
	return requestURL(p.endpoint, params)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
