package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
)

// An OGC API – Features server (QGIS Server, GeoServer, pygeoapi, the
// platform itself…) can feed read-only layers: each collection subscribed
// to is downloaded by bbox, page by page through the server's next links,
// into a read-only layer refreshed at every sync.

// metaSourcePrefix keys a source's description in the workspace, by layer.
const metaSourcePrefix = "source."

// maxSourcePages bounds the pages read from one collection, against a
// server whose next links never end.
const maxSourcePages = 10_000

// ErrNoCollection is returned when a server has no collection by that name.
var ErrNoCollection = errors.New("client: no such OGC API collection")

// Source is a subscription to one collection of an OGC API – Features
// server, or to one feature type of a WFS (Kind SourceWFS).
type Source struct {
	// Kind is "" for OGC API – Features, SourceWFS for a WFS.
	Kind string `json:"kind,omitempty"`
	// URL is the server's landing page (…/ogc, …/ogcapi…), or the WFS address.
	URL string `json:"url"`
	// Collection is the collection's id on the server, or the WFS type name.
	Collection string `json:"collection"`
	// Layer is the read-only layer of the workspace it fills.
	Layer string `json:"layer"`
	// BBox limits the download (minlon, minlat, maxlon, maxlat); nil: all.
	BBox *orb.Bound `json:"bbox,omitempty"`
}

// SourceClient reads OGC API – Features servers into a workspace.
type SourceClient struct {
	ws   *store.Workspace
	http *http.Client
}

// NewSourceClient returns a SourceClient for ws; hc nil uses a default client.
func NewSourceClient(ws *store.Workspace, hc *http.Client) *SourceClient {
	if hc == nil {
		hc = &http.Client{}
	}
	return &SourceClient{ws: ws, http: hc}
}

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type"`
	Title string `json:"title"`
}

type ogcCollection struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Attribution string    `json:"attribution"`
	License     string    `json:"license"`
	Links       []ogcLink `json:"links"`
}

// Collections lists the collections a server offers.
func (s *SourceClient) Collections(ctx context.Context, landing string) ([]ogcCollection, error) {
	u, err := url.Parse(strings.TrimRight(landing, "/") + "/collections")
	if err != nil {
		return nil, fmt.Errorf("client: OGC API address %q: %w", landing, err)
	}
	var body struct {
		Collections []ogcCollection `json:"collections"`
	}
	if err := s.getJSON(ctx, u.String(), &body); err != nil {
		return nil, err
	}
	return body.Collections, nil
}

// Add subscribes to one collection, or to every collection when collection
// is empty, and downloads them; it returns the layers made.
func (s *SourceClient) Add(ctx context.Context, landing, collection string, bbox *orb.Bound) ([]string, error) {
	cols, err := s.Collections(ctx, landing)
	if err != nil {
		return nil, err
	}
	land := s.landing(ctx, landing)
	var layers []string
	for _, col := range cols {
		if collection != "" && col.ID != collection {
			continue
		}
		src := Source{URL: strings.TrimRight(landing, "/"), Collection: col.ID, BBox: bbox}
		src.Layer = s.layerName(src.Kind, src.URL, col.ID)
		desc := withCredit(col.Description, ogcCredit(land, col, src.URL))
		if err := s.refresh(ctx, src, col.Title, desc); err != nil {
			return layers, fmt.Errorf("client: source %s: %w", col.ID, err)
		}
		layers = append(layers, src.Layer)
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoCollection, collection)
	}
	return layers, nil
}

// Sources lists the workspace's subscriptions.
func (s *SourceClient) Sources(ctx context.Context) []Source {
	var out []Source
	for _, l := range s.ws.Layers() {
		js, err := s.ws.Meta(ctx, metaSourcePrefix+l.Name())
		if err != nil || js == "" {
			continue
		}
		var src Source
		if json.Unmarshal([]byte(js), &src) == nil {
			out = append(out, src)
		}
	}
	return out
}

// Refresh downloads every subscribed collection again; the errors of
// unreachable servers are returned by layer, the others still refreshed.
func (s *SourceClient) Refresh(ctx context.Context) map[string]error {
	out := map[string]error{}
	for _, src := range s.Sources(ctx) {
		out[src.Layer] = s.refresh(ctx, src, "", "")
	}
	return out
}

// layerName is a free layer name for a collection, or the layer of the
// same subscription (same kind, server and collection) made before.
func (s *SourceClient) layerName(kind, server, collection string) string {
	base := collection
	if i := strings.LastIndexByte(base, ':'); i >= 0 && kind == SourceWFS {
		base = base[i+1:] // a WFS type's namespace prefix
	}
	return s.ws.FreeLayerName(formats.LayerName(base), func(l *store.Layer) bool {
		js, _ := s.ws.Meta(context.Background(), metaSourcePrefix+l.Name())
		var src Source
		return js != "" && json.Unmarshal([]byte(js), &src) == nil &&
			src.Collection == collection && src.Kind == kind && src.URL == server // the same subscription again
	})
}

// refresh downloads a collection and makes the layer hold exactly its features.
func (s *SourceClient) refresh(ctx context.Context, src Source, title, description string) error {
	var ds *formats.Dataset
	var err error
	if src.Kind == SourceWFS {
		ds, err = s.downloadWFS(ctx, src)
	} else {
		ds, err = s.download(ctx, src)
	}
	if err != nil {
		return err
	}
	return s.store(ctx, src, title, description, ds)
}

// store makes the source's layer hold exactly the features of ds, creating
// it (read-only, titled) the first time.
func (s *SourceClient) store(ctx context.Context, src Source, title, description string, ds *formats.Dataset) error {
	js, _ := json.Marshal(src)
	var existing []string
	if _, err := s.ws.Layer(src.Layer); err == nil {
		err := s.ws.Each(ctx, store.Query{Layer: src.Layer}, func(f store.Feature) bool {
			existing = append(existing, f.UUID)
			return true
		})
		if err != nil {
			return err
		}
	}
	err := s.ws.Edit(ctx, func(tx *store.Tx) error {
		l, err := s.ws.Layer(src.Layer)
		if errors.Is(err, store.ErrLayerNotFound) {
			sch := sourceSchema(src.Layer, s.visibleTitle(title, src), description, ds)
			if l, err = tx.CreateLayer(sch); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		seen := map[string]bool{}
		batch := make([]store.RemoteFeature, 0, len(ds.Features))
		for i, f := range ds.Features {
			id := f.ID
			if id == "" || seen[id] {
				id = src.Collection + "." + strconv.Itoa(i)
			}
			seen[id] = true
			props := map[string]any{}
			for k, v := range f.Properties {
				props[fieldKey(k)] = v
			}
			batch = append(batch, store.RemoteFeature{UUID: id, Geometry: f.Geometry, Properties: props})
		}
		if _, err := tx.ApplyRemoteBatch(l.Name(), batch); err != nil {
			return err
		}
		// What the server no longer has goes.
		var gone []store.RemoteFeature
		for _, id := range existing {
			if !seen[id] {
				gone = append(gone, store.RemoteFeature{UUID: id, Deleted: true})
			}
		}
		if _, err := tx.ApplyRemoteBatch(l.Name(), gone); err != nil {
			return err
		}
		return tx.SetMeta(metaSourcePrefix+l.Name(), string(js))
	})
	if err != nil {
		return err
	}
	return s.ws.CatchUpRTrees(ctx)
}

// sourceSchema is a read-only layer schema inferred from the features.
func sourceSchema(name, title, description string, ds *formats.Dataset) schema.Layer {
	s := schema.Layer{Name: name, Title: title, Description: description, ReadOnly: true, GeometryType: schema.AnyGeometry}
	kinds := map[string]bool{}
	for _, f := range ds.Features {
		if f.Geometry != nil {
			kinds[f.Geometry.GeoJSONType()] = true
		}
	}
	if len(kinds) == 1 {
		for k := range kinds {
			if g := schema.GeometryType(strings.ToUpper(k)); g.Valid() {
				s.GeometryType = g
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range ds.Fields {
		key := fieldKey(f.Name)
		if seen[key] {
			continue
		}
		seen[key] = true
		s.Fields = append(s.Fields, schema.Field{Name: key, Title: f.Name, Type: f.Type, ReadOnly: true})
	}
	return s
}

// fieldKey makes a server's property name a plain identifier.
func fieldKey(name string) string {
	k := formats.FieldName(name)
	if schema.IsReserved(k) {
		k = "src_" + k
	}
	return k
}

// download reads every page of a collection's items.
func (s *SourceClient) download(ctx context.Context, src Source) (*formats.Dataset, error) {
	first, err := url.Parse(src.URL + "/collections/" + url.PathEscape(src.Collection) + "/items")
	if err != nil {
		return nil, err
	}
	q := first.Query()
	q.Set("limit", "1000")
	if src.BBox != nil {
		b := src.BBox
		q.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1]))
	}
	first.RawQuery = q.Encode()
	all := &formats.Dataset{Name: src.Layer}
	fieldIndex := map[string]int{}
	visited := map[string]bool{}
	next := first.String()
	for page := 0; next != "" && page < maxSourcePages; page++ {
		if visited[next] {
			break
		}
		visited[next] = true
		data, err := s.get(ctx, next, acceptGeoJSON)
		if err != nil {
			return nil, err
		}
		ds, err := formats.ReadGeoJSON(bytes.NewReader(data), src.Layer)
		if err != nil {
			return nil, err
		}
		for _, f := range ds.Fields {
			if i, ok := fieldIndex[f.Name]; ok {
				if all.Fields[i].Type != f.Type {
					all.Fields[i].Type = schema.Text // the server's types disagree from page to page
				}
				continue
			}
			fieldIndex[f.Name] = len(all.Fields)
			all.Fields = append(all.Fields, f)
		}
		all.Features = append(all.Features, ds.Features...)
		if len(ds.Features) == 0 {
			break
		}
		next = nextLink(data, first)
	}
	return all, nil
}

// nextLink finds the page's next link; a server that drops the query from
// it (some do) gets the first page's query back, less what paging sets.
func nextLink(page []byte, first *url.URL) string {
	var body struct {
		Links []ogcLink `json:"links"`
	}
	if json.Unmarshal(page, &body) != nil {
		return ""
	}
	for _, l := range body.Links {
		if l.Rel != "next" || l.Href == "" {
			continue
		}
		u, err := first.Parse(l.Href)
		if err != nil {
			return ""
		}
		q := u.Query()
		for k, v := range first.Query() {
			if _, ok := q[k]; !ok {
				q[k] = v
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	return ""
}

// The media types asked of an OGC API – Features server, by resource:
// QGIS Server answers HTTP 400 «Unsupported Content-Type: GEOJSON» to a
// landing page, conformance or collections request that prefers GeoJSON.
const (
	acceptJSON    = "application/json"
	acceptGeoJSON = "application/geo+json, application/json;q=0.9"
)

func (s *SourceClient) getJSON(ctx context.Context, u string, out any) error {
	data, err := s.get(ctx, u, acceptJSON)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("client: %s: not an OGC API answer: %w", u, err)
	}
	return nil
}

// maxSourcePage bounds one page of a source.
const maxSourcePage = 256 << 20

// errNotAcceptable is a server's refusal of the media type asked (HTTP 400
// or 406), which get answers by asking again with ?f=json.
var errNotAcceptable = errors.New("client: media type refused")

// get reads u asking for accept; a server that refuses it (HTTP 400 or
// 406) is asked again with the OGC API's own ?f=json and no preference.
func (s *SourceClient) get(ctx context.Context, u, accept string) ([]byte, error) {
	data, err := s.getOnce(ctx, u, accept)
	if !errors.Is(err, errNotAcceptable) {
		return data, err
	}
	alt, perr := url.Parse(u)
	if perr != nil {
		return nil, err
	}
	q := alt.Query()
	q.Set("f", "json")
	alt.RawQuery = q.Encode()
	return s.getOnce(ctx, alt.String(), "")
}

func (s *SourceClient) getOnce(ctx context.Context, u, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, u, err)
	}
	defer resp.Body.Close()
	switch {
	case (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotAcceptable) && accept != "":
		return nil, fmt.Errorf("%w: %s: HTTP %d", errNotAcceptable, u, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("client: %s: HTTP %d", u, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSourcePage+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, u, err)
	}
	if len(data) > maxSourcePage {
		return nil, fmt.Errorf("client: %s: page larger than %d bytes", u, maxSourcePage)
	}
	return data, nil
}
