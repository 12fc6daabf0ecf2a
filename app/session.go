package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"terrimap/mapview"
	"terrimap/mapview/tiles"
	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// session is an open workspace and everything that shows and syncs it: the
// map renderer and tile cache, the platform client (nil for a workspace
// never linked to a platform), the layers drawn and their styles.
type session struct {
	ws       *store.Workspace
	client   *client.Client
	renderer *mapview.Renderer
	tiles    *mapview.TileCache
	styles   map[string]*mapview.Style
	// order is every layer in drawing order; hidden ones are left out of the map.
	order   []mapview.Layer
	hidden  map[string]bool
	opacity map[string]float64
	// access is what the platform lets the user do per layer, read off the
	// UI goroutine (loadAccess) so that showing a feature does no I/O.
	access map[string]protocol.Access
	// only filters layers of the map to some of their features, by layer
	// name (mapview.Layer.Only); the maintenance views set it.
	only map[string]map[int64]bool
	// home is the user's commune, for the window's title and the first view.
	home home

	basemapMu     sync.Mutex   // guards basemapCloser and basemap
	basemapCloser io.Closer    // the open basemap's files; nil for none
	basemap       tiles.Source // the basemap shown; nil for none
}

// basemapPlatform is the settings' name of the platform's own basemap.
const basemapPlatform = "platform"

// openSession opens a workspace with its map; it does I/O and must run off
// the UI goroutine.
func openSession(path string) (*session, error) {
	ws, err := store.OpenOrCreate(path)
	if err != nil {
		return nil, err
	}
	s := &session{ws: ws, hidden: map[string]bool{}, opacity: map[string]float64{}}
	c, err := client.New(ws, "", client.Options{})
	switch {
	case err == nil:
		s.client = c
	case errors.Is(err, client.ErrNoPlatform):
	default:
		ws.Close()
		return nil, err
	}
	s.styles = s.loadStyles()
	s.renderer = mapview.NewRenderer(ws, mapview.RendererOptions{Styles: s.styles})
	s.tiles = mapview.NewTileCache(s.renderer, nil, mapview.TileCacheOptions{})
	// The layers' spatial index loads when a layer is first drawn; the rest
	// after the first frame, so that the first click does not wait. An
	// error leaves a layer to load when asked.
	go func() {
		<-s.tiles.FirstDrawn()
		ws.LoadIndex(context.Background())
	}()
	s.order = mapview.DefaultLayers(ws, s.styles)
	s.applyLayers()
	s.access = s.loadAccess()
	s.home = s.loadHome(context.Background())
	return s, nil
}

// loadAccess reads, off the UI goroutine, what the platform lets the user
// do on each layer; empty for a workspace without platform.
func (s *session) loadAccess() map[string]protocol.Access {
	out := map[string]protocol.Access{}
	if s.client == nil {
		return out
	}
	for _, l := range s.ws.Layers() {
		if a, ok := s.client.Access(context.Background(), l.Name()); ok {
			out[l.Name()] = a
		}
	}
	return out
}

// visibleLayers are the layers the map shows, bottom first, with their
// opacity.
func (s *session) visibleLayers() []mapview.Layer {
	var visible []mapview.Layer
	for _, l := range s.order {
		if s.hidden[l.Name] {
			continue
		}
		l.Opacity = s.opacity[l.Name]
		l.Only = s.only[l.Name]
		visible = append(visible, l)
	}
	return visible
}

// applyLayers gives the map the visible layers with their opacity.
func (s *session) applyLayers() { s.tiles.SetLayers(s.visibleLayers()) }

// loadStyles reads, off the UI goroutine, the styles the map draws the
// workspace's layers with (mapview.MergeStyles).
func (s *session) loadStyles() map[string]*mapview.Style {
	return mapview.MergeStyles(client.Styles(context.Background(), s.ws))
}

// reloadLayers picks up layers a sync created or changed, drawn with
// styles (loadStyles): a layer the platform just published gets its own
// style at once, not after a restart.
func (s *session) reloadLayers(styles map[string]*mapview.Style) {
	s.styles = styles
	s.order = mapview.DefaultLayers(s.ws, s.styles)
	s.applyLayers()
}

func (s *session) close() {
	s.tiles.Close()
	s.basemapMu.Lock()
	if s.basemapCloser != nil {
		s.basemapCloser.Close()
	}
	s.basemapMu.Unlock()
	s.ws.Close()
}

// setBasemap opens the named basemap (see tiles.Open; basemapPlatform for
// the platform's) and draws the map over it. It does I/O: run it off the
// UI goroutine. On error the map keeps its basemap.
func (s *session) setBasemap(name string) error {
	ctx := context.Background()
	o := tiles.OpenOptions{CacheDir: tiles.CacheDir(s.ws.Path()), UserAgent: tiles.UserAgent(Version, ""),
		PlatformAttribution: "Fond de plan de la plateforme Terrimap"}
	if name == basemapPlatform {
		if s.client == nil {
			return errNoPlatformBasemap
		}
		name = tiles.PlatformPrefix + s.client.URL()
		o.Header = s.client.AuthHeader(ctx)
	}
	src, closer, err := tiles.Open(name, o)
	if err != nil {
		return err
	}
	s.basemapMu.Lock()
	old := s.basemapCloser
	s.basemapCloser, s.basemap = closer, src
	s.basemapMu.Unlock()
	s.tiles.SetBasemap(src)
	if old != nil {
		old.Close()
	}
	return nil
}

// errNoPlatformBasemap: the platform's basemap for a workspace without platform.
var errNoPlatformBasemap = errors.New("app: this workspace is not linked to a platform")

// linkPlatform connects the workspace to a platform: sign in, then the
// first sync brings what the user may read.
func (s *session) linkPlatform(ctx context.Context, url, user, password string) error {
	c, err := client.New(s.ws, url, client.Options{})
	if err != nil {
		return err
	}
	if _, err := c.Login(ctx, user, password); err != nil {
		return fmt.Errorf("app: sign in: %w", err)
	}
	s.client = c
	return nil
}

// currentBasemap returns the basemap shown, nil for none.
func (s *session) currentBasemap() tiles.Source {
	s.basemapMu.Lock()
	defer s.basemapMu.Unlock()
	return s.basemap
}
