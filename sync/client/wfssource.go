package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/sync/client/wfs"
)

// A WFS feature type (GeoServer, QGIS Server, MapServer…) feeds a
// read-only layer as an OGC API collection does: the same subscription
// record, the same refresh at every sync, only the download differs.

// SourceWFS is the Kind of a WFS source.
const SourceWFS = "wfs"

// WFSCapabilities reads what a WFS offers, for choosing a feature type.
func (s *SourceClient) WFSCapabilities(ctx context.Context, endpoint string) (*wfs.Capabilities, error) {
	caps, err := wfs.NewClient(s.http).Capabilities(ctx, endpoint)
	if err != nil {
		return nil, fmt.Errorf("client: WFS %s: %w", endpoint, err)
	}
	return caps, nil
}

// AddWFS subscribes to the feature type typeName of the WFS at endpoint,
// limited to bbox (longitude/latitude; nil: all), downloads it into a
// read-only layer and returns the layer's name.
func (s *SourceClient) AddWFS(ctx context.Context, endpoint, typeName string, bbox *orb.Bound) (string, error) {
	l, err := wfs.NewClient(s.http).Download(ctx, endpoint, wfs.Query{TypeName: typeName, BBox: bbox})
	if err != nil {
		return "", fmt.Errorf("client: WFS source %s: %w", typeName, err)
	}
	src := Source{Kind: SourceWFS, URL: endpoint, Collection: l.Type.Name, BBox: bbox, Layer: s.layerName(SourceWFS, endpoint, l.Type.Name)}
	title := l.Type.Title
	if title == "" {
		title = l.Type.Name
	}
	if err := s.store(ctx, src, title, withCredit(l.Type.Abstract, l.Credit), l.Data); err != nil {
		return "", fmt.Errorf("client: WFS source %s: %w", typeName, err)
	}
	return src.Layer, nil
}

// withCredit is a layer's description ending with its source's credit in
// brackets, as exports and the map's credit line read it, unless the
// description credits a source already.
func withCredit(description, credit string) string {
	if credit == "" || creditsSource(description) {
		return description
	}
	if description == "" {
		return "(" + credit + ")"
	}
	return description + " (" + credit + ")"
}

// downloadWFS reads a WFS source's features again.
func (s *SourceClient) downloadWFS(ctx context.Context, src Source) (*formats.Dataset, error) {
	l, err := wfs.NewClient(s.http).Download(ctx, src.URL, wfs.Query{TypeName: src.Collection, BBox: src.BBox})
	if errors.Is(err, wfs.ErrUnreachable) {
		return nil, fmt.Errorf("%w: WFS source %s: %w", ErrUnreachable, src.Collection, err)
	}
	if err != nil {
		return nil, fmt.Errorf("client: WFS source %s: %w", src.Collection, err)
	}
	return l.Data, nil
}
