package wfs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// maxJSONPage bounds one GetFeature answer in GeoJSON.
const maxJSONPage = 512 << 20

// Layer is a feature type downloaded whole.
type Layer struct {
	// Type is the feature type as the capabilities describe it.
	Type FeatureType
	// Credit is what the service asks to be credited with (Capabilities.Credit).
	Credit string
	// Data holds the features in longitude/latitude (SRS 4326), their
	// properties typed by the schema DescribeFeatureType gave.
	Data *formats.Dataset
}

// rawFeature is a feature before its properties are typed.
type rawFeature struct {
	id    string
	geom  orb.Geometry
	props map[string]string
}

// Download reads the capabilities of endpoint, the schema of q.TypeName
// and all its features, page by page where the server pages.
func (c *Client) Download(ctx context.Context, endpoint string, q Query) (*Layer, error) {
	caps, err := c.Capabilities(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	p, err := newPlan(endpoint, caps, q)
	if err != nil {
		return nil, err
	}
	// A server without DescribeFeatureType (or a broken one) still gives
	// its features, every property as text.
	sch, _ := c.Schema(ctx, endpoint, caps, p.ft.Name)
	var raw []rawFeature
	seen := map[string]bool{}
	for page, start := 0, 0; page < maxPages; page++ {
		u, err := p.pageURL(q, start)
		if err != nil {
			return nil, err
		}
		n, err := c.page(ctx, u, p, func(f rawFeature) {
			if f.id != "" && seen[f.id] {
				return // a server whose pages overlap
			}
			seen[f.id] = f.id != ""
			raw = append(raw, f)
		})
		if err != nil {
			return nil, err
		}
		if !p.paged || n < q.pageSize() {
			break
		}
		start += n
	}
	return &Layer{Type: p.ft, Credit: caps.Credit(), Data: typed(raw, sch, localName(p.ft.Name))}, nil
}

// page reads one GetFeature answer, giving each feature to fn; it returns
// how many the page held.
func (c *Client) page(ctx context.Context, u string, p plan, fn func(rawFeature)) (int, error) {
	body, err := c.get(ctx, u)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	if p.geoJSON != "" {
		return readJSONPage(body, p, fn)
	}
	r := NewGMLReader(body)
	n := 0
	for {
		f, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		srsName := f.SRSName
		if srsName == "" {
			srsName = p.srsName
		}
		g, err := toLonLat(f.Geometry, srsName, p.ft.WGS84)
		if err != nil {
			return n, err
		}
		fn(rawFeature{id: f.ID, geom: g, props: f.Properties})
	}
}

// readJSONPage reads a page of GeoJSON: its coordinates in the system
// asked (GeoJSON itself is longitude first; an unsure order is checked
// against the type's extent).
func readJSONPage(body io.Reader, p plan, fn func(rawFeature)) (int, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxJSONPage))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		// An XML exception report in place of GeoJSON.
		_, err := NewGMLReader(bytes.NewReader(data)).Next()
		return 0, err
	}
	ds, err := formats.ReadGeoJSON(bytes.NewReader(data), "wfs")
	if err != nil {
		return 0, fmt.Errorf("wfs: GeoJSON page: %w", err)
	}
	srsName := p.srsName
	if srsName == "" && ds.SRS != 0 {
		srsName = "EPSG:" + strconv.Itoa(ds.SRS)
	}
	for _, f := range ds.Features {
		g, err := toLonLat(f.Geometry, srsName, p.ft.WGS84)
		if err != nil {
			return 0, err
		}
		props := make(map[string]string, len(f.Properties))
		for k, v := range f.Properties {
			if v != nil {
				props[k] = schema.CodeString(v)
			}
		}
		fn(rawFeature{id: f.ID, geom: g, props: props})
	}
	return len(ds.Features), nil
}

// typed makes the dataset: fields from the schema (then any property it
// did not name, as text), each value of its field's type; a field whose
// values do not all fit its type is text.
func typed(raw []rawFeature, sch *Schema, name string) *formats.Dataset {
	ds := &formats.Dataset{Name: name, SRS: srs.WGS84}
	index := map[string]int{}
	if sch != nil {
		for _, p := range sch.Properties {
			if _, dup := index[p.Name]; !dup {
				index[p.Name] = len(ds.Fields)
				ds.Fields = append(ds.Fields, formats.Field{Name: p.Name, Type: p.Type})
			}
		}
	}
	for _, f := range raw {
		for k := range f.props {
			if _, ok := index[k]; !ok {
				index[k] = len(ds.Fields)
				ds.Fields = append(ds.Fields, formats.Field{Name: k, Type: schema.Text})
			}
		}
	}
	for i, fd := range ds.Fields {
		if fd.Type == schema.Text {
			continue
		}
		field := schema.Field{Name: fd.Name, Type: fd.Type}
		for _, f := range raw {
			if v, ok := f.props[fd.Name]; ok {
				if _, err := field.Coerce(v); err != nil {
					ds.Fields[i].Type = schema.Text
					break
				}
			}
		}
	}
	ds.Features = make([]formats.Feature, 0, len(raw))
	for _, f := range raw {
		props := make(map[string]any, len(f.props))
		for _, fd := range ds.Fields {
			v, ok := f.props[fd.Name]
			if !ok {
				continue
			}
			if fd.Type == schema.Text {
				props[fd.Name] = v
				continue
			}
			props[fd.Name], _ = schema.Field{Name: fd.Name, Type: fd.Type}.Coerce(v)
		}
		ds.Features = append(ds.Features, formats.Feature{ID: f.id, Geometry: f.geom, Properties: props})
	}
	return ds
}
