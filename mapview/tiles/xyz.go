package tiles

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/maptile"
)

// DefaultTimeout bounds one tile request unless XYZConfig.Timeout says
// otherwise.
const DefaultTimeout = 20 * time.Second

// XYZConfig describes a tile server: an XYZ ("slippy map") URL template or
// a WMTS GetTile request in KVP form whose tile matrix set is Web Mercator
// with the usual XYZ numbering (Géoplateforme's "PM").
type XYZConfig struct {
	// Name identifies the source and names its cache file: letters,
	// digits, '.', '-' and '_' only.
	Name string
	// Title is shown to users.
	Title string
	// URL is the template: {z}, {x} and {y} are the tile's zoom, column and
	// row (row 0 at the north); {-y} is the TMS row (row 0 at the south);
	// {s} is one of Subdomains; {tilematrix} is MatrixIDs[z] (a WMTS tile
	// matrix's identifier). A WMS GetMap template gives instead one of the
	// tile's bounds (see bbox.go): {bbox} in EPSG:3857 metres,
	// {bbox-lonlat} or {bbox-latlon} in EPSG:4326 degrees.
	URL string
	// MatrixIDs name the WMTS tile matrix of each zoom, indexed by zoom,
	// for {tilematrix}; "" where the server has no matrix of that zoom.
	MatrixIDs []string
	// Subdomains replace {s}, chosen by tile so that a tile always comes
	// from the same host.
	Subdomains []string
	// Attribution must be shown with the map.
	Attribution string
	// MinZoom and MaxZoom bound the zooms the server has (MaxZoom 0 means
	// 19).
	MinZoom, MaxZoom maptile.Zoom
	// TileSize is the tiles' side in pixels (0 means 256).
	TileSize int
	// Format is the tiles' encoding; guessed from URL when empty.
	Format Format
	// Kind tells Estimate how heavy a tile typically is.
	Kind Kind
	// UserAgent identifies Terrimap to the provider, as usage policies
	// require (see UserAgent); "Terrimap" when empty.
	UserAgent string
	// Header holds more request headers, e.g. the platform's Authorization.
	Header http.Header
	// Limiter caps the requests in flight per provider; when nil, the
	// source gets its own with MaxConcurrent per provider.
	Limiter *Limiter
	// MaxConcurrent is used when Limiter is nil (0 means
	// DefaultMaxConcurrent).
	MaxConcurrent int
	// Timeout bounds one request (0 means DefaultTimeout).
	Timeout time.Duration
	// Client sends the requests (nil means a client of its own).
	Client *http.Client
	// PrepareLimit is the most tiles Prepare downloads in one go from this
	// provider (0 means DefaultPrepareLimit).
	PrepareLimit int
	// BulkNote tells the user why the provider limits downloads, in
	// Prepare's refusal.
	BulkNote string
}

// Blob is a tile as a server sent it.
type Blob struct {
	// Data is the encoded image.
	Data []byte
	// MaxAge is how long the server says the tile stays fresh (0: it did
	// not say).
	MaxAge time.Duration
}

// XYZ is a tile server over HTTP. It is safe for concurrent use.
type XYZ struct {
	cfg     XYZConfig
	info    Info
	host    string // the provider, as the Limiter counts it
	box     string // the template's bounding-box placeholder, if any
	limiter *Limiter
	client  *http.Client
}

var _ Source = (*XYZ)(nil)

var (
	placeholder = regexp.MustCompile(`\{[^{}]*\}`)
	safeName    = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// NewXYZ checks cfg and returns the source it describes.
func NewXYZ(cfg XYZConfig) (*XYZ, error) {
	if !safeName.MatchString(cfg.Name) || strings.Trim(cfg.Name, ".") == "" {
		return nil, fmt.Errorf("%w: source name %q: use letters, digits, '.', '-' and '_'", ErrInvalidSource, cfg.Name)
	}
	host, err := checkTemplate(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, cfg.Name, err)
	}
	if cfg.MaxZoom == 0 {
		cfg.MaxZoom = 19
	}
	if cfg.MaxZoom > 30 || cfg.MinZoom > cfg.MaxZoom {
		return nil, fmt.Errorf("%w: %s: zooms %d–%d", ErrInvalidSource, cfg.Name, cfg.MinZoom, cfg.MaxZoom)
	}
	if cfg.TileSize == 0 {
		cfg.TileSize = 256
	}
	if cfg.TileSize < 64 || cfg.TileSize > maxTilePixels {
		return nil, fmt.Errorf("%w: %s: tile size %d", ErrInvalidSource, cfg.Name, cfg.TileSize)
	}
	if cfg.Format == "" {
		cfg.Format = guessFormat(cfg.URL)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = UserAgent("", "")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLimiter(cfg.MaxConcurrent)
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	title := cfg.Title
	if title == "" {
		title = cfg.Name
	}
	box := ""
	for _, b := range []string{bboxMercator, bboxLonLat, bboxLatLon} {
		if strings.Contains(cfg.URL, b) {
			box = b
		}
	}
	return &XYZ{
		cfg:     cfg,
		host:    host,
		box:     box,
		limiter: cfg.Limiter,
		client:  client,
		info: Info{
			Name: cfg.Name, Title: title, Attribution: cfg.Attribution,
			MinZoom: cfg.MinZoom, MaxZoom: cfg.MaxZoom, TileSize: cfg.TileSize,
		},
	}, nil
}

// checkTemplate checks cfg.URL's placeholders and address and returns the
// provider's host.
func checkTemplate(cfg XYZConfig) (string, error) {
	seen := map[string]bool{}
	for _, p := range placeholder.FindAllString(cfg.URL, -1) {
		switch p {
		case "{z}", "{x}", "{y}", "{-y}", "{s}", "{tilematrix}", bboxMercator, bboxLonLat, bboxLatLon:
			seen[p] = true
		default:
			return "", fmt.Errorf("URL template %q: unknown placeholder %s", cfg.URL, p)
		}
	}
	boxes := 0
	for _, b := range []string{bboxMercator, bboxLonLat, bboxLatLon} {
		if seen[b] {
			boxes++
		}
	}
	switch {
	case boxes > 1 || boxes == 1 && (seen["{x}"] || seen["{y}"] || seen["{-y}"]):
		return "", fmt.Errorf("URL template %q mixes a bounding box with tile numbers", cfg.URL)
	case boxes == 0 && (!seen["{z}"] && !seen["{tilematrix}"] || !seen["{x}"] || seen["{y}"] == seen["{-y}"]):
		return "", fmt.Errorf("URL template %q needs {z} (or {tilematrix}), {x} and one of {y} or {-y}, or a bounding box", cfg.URL)
	case seen["{tilematrix}"] && len(cfg.MatrixIDs) == 0:
		return "", fmt.Errorf("URL template %q has {tilematrix} but no tile matrix identifiers are given", cfg.URL)
	}
	if seen["{s}"] && len(cfg.Subdomains) == 0 {
		return "", fmt.Errorf("URL template %q has {s} but no subdomains are given", cfg.URL)
	}
	u, err := url.Parse(placeholder.ReplaceAllString(cfg.URL, "0"))
	if err != nil {
		return "", fmt.Errorf("URL template %q: %w", cfg.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("URL template %q is not an http(s) address", cfg.URL)
	}
	return u.Host, nil
}

// guessFormat guesses the tiles' format from a URL template.
func guessFormat(template string) Format {
	l := strings.ToLower(template)
	switch {
	case strings.Contains(l, "jpeg") || strings.Contains(l, "jpg"):
		return FormatJPEG
	case strings.Contains(l, "webp"):
		return FormatWebP
	}
	return FormatPNG
}

// Info describes the server.
func (s *XYZ) Info() Info { return s.info }

// Tile downloads and decodes tile t.
func (s *XYZ) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	b, err := s.Fetch(ctx, t)
	if err != nil {
		return nil, err
	}
	return decodeTile(s.cfg.Name+" "+tileName(t), b.Data)
}

// URL returns the address of tile t.
func (s *XYZ) URL(t maptile.Tile) string {
	sub := ""
	if n := len(s.cfg.Subdomains); n > 0 {
		sub = s.cfg.Subdomains[int((uint64(t.X)+uint64(t.Y))%uint64(n))]
	}
	flipped := (uint64(1) << t.Z) - 1 - uint64(t.Y)
	pairs := []string{
		"{z}", strconv.FormatUint(uint64(t.Z), 10),
		"{x}", strconv.FormatUint(uint64(t.X), 10),
		"{y}", strconv.FormatUint(uint64(t.Y), 10),
		"{-y}", strconv.FormatUint(flipped, 10),
		"{s}", sub,
	}
	if int(t.Z) < len(s.cfg.MatrixIDs) {
		pairs = append(pairs, "{tilematrix}", url.QueryEscape(s.cfg.MatrixIDs[t.Z]))
	}
	if s.box != "" {
		pairs = append(pairs, s.box, tileBBox(t, s.box))
	}
	return strings.NewReplacer(pairs...).Replace(s.cfg.URL)
}

// Fetch downloads tile t as the server sends it, checking that it is an
// image. Errors wrap ErrNoTile (404, outside the zooms), ErrOffline (the
// server cannot be reached or fails: 5xx, 429), ErrInvalidSource (a refusal
// or a body that is no image) or ctx's error.
func (s *XYZ) Fetch(ctx context.Context, t maptile.Tile) (Blob, error) {
	what := s.cfg.Name + " " + tileName(t)
	if !t.Valid() || t.Z < s.cfg.MinZoom || t.Z > s.cfg.MaxZoom {
		return Blob{}, fmt.Errorf("%w: %s: outside the source's zooms %d–%d", ErrNoTile, what, s.cfg.MinZoom, s.cfg.MaxZoom)
	}
	if len(s.cfg.MatrixIDs) > 0 && (int(t.Z) >= len(s.cfg.MatrixIDs) || s.cfg.MatrixIDs[t.Z] == "") {
		return Blob{}, fmt.Errorf("%w: %s: the server has no tile matrix for zoom %d", ErrNoTile, what, t.Z)
	}
	release, err := s.limiter.acquire(ctx, s.host)
	if err != nil {
		return Blob{}, fmt.Errorf("tiles: %s: %w", what, err)
	}
	defer release()
	rctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, s.URL(t), nil)
	if err != nil {
		return Blob{}, fmt.Errorf("%w: %s: %w", ErrInvalidSource, what, err)
	}
	for k, v := range s.cfg.Header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	req.Header.Set("Accept", "image/png,image/jpeg,image/webp;q=0.9,image/*;q=0.8")
	resp, err := s.client.Do(req)
	if err != nil {
		return Blob{}, s.netErr(ctx, what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTileBytes+1))
	if err != nil {
		return Blob{}, s.netErr(ctx, what, err)
	}
	if err := statusErr(what, resp.StatusCode, body); err != nil {
		return Blob{}, err
	}
	if len(body) > maxTileBytes {
		return Blob{}, fmt.Errorf("%w: %s: the server sent more than %d bytes, not a tile", ErrInvalidSource, what, maxTileBytes)
	}
	if sniff(body) == "" {
		return Blob{}, fmt.Errorf("%w: %s: the server sent %s (Content-Type %q), not a tile image",
			ErrInvalidSource, what, describe(body), resp.Header.Get("Content-Type"))
	}
	return Blob{Data: body, MaxAge: maxAge(resp.Header)}, nil
}

// netErr tells a cancelled request from an unreachable server.
func (s *XYZ) netErr(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("tiles: %s: %w", what, cerr)
	}
	return fmt.Errorf("%w: %s: %s cannot be reached: %w", ErrOffline, what, s.host, err)
}

// statusErr maps an HTTP status to the package's errors; nil for 200.
func statusErr(what string, code int, body []byte) error {
	status := strconv.Itoa(code) + " " + http.StatusText(code)
	switch {
	case code == http.StatusOK:
		return nil
	case code == http.StatusNotFound || code == http.StatusNoContent || code == http.StatusGone,
		// WMTS servers answer a row or column outside the matrix so.
		code == http.StatusBadRequest && bytes.Contains(body, []byte("TileOutOfRange")):
		return fmt.Errorf("%w: %s: the server has none (HTTP %s)", ErrNoTile, what, status)
	case code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%w: %s: the server is unavailable (HTTP %s)", ErrOffline, what, status)
	}
	return fmt.Errorf("%w: %s: the server refused the request (HTTP %s); check the address, "+
		"the User-Agent and the provider's usage policy", ErrInvalidSource, what, status)
}

// maxAge reads Cache-Control's max-age; 0 when absent.
func maxAge(h http.Header) time.Duration {
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		d = strings.TrimSpace(strings.ToLower(d))
		if v, ok := strings.CutPrefix(d, "max-age="); ok {
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n > 0 && n < 1<<31 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}
