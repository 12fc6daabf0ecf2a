package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"unicode"

	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/webp"
)

// Format is the image encoding of a source's tiles.
type Format string

// The raster formats Terrimap decodes.
const (
	FormatPNG  Format = "png"
	FormatJPEG Format = "jpg" // the MBTiles spelling
	FormatWebP Format = "webp"
)

const (
	// maxTileBytes bounds a tile's encoded size: real tiles weigh a few
	// dozen kilobytes, anything past this is not a tile.
	maxTileBytes = 8 << 20
	// maxTilePixels bounds a tile's side: 256 or 512 in practice.
	maxTilePixels = 4096
)

// sniff tells a tile's format from its first bytes; "" when it is none of
// the raster formats.
func sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return FormatJPEG
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return FormatWebP
	}
	return ""
}

// isGzip reports whether data starts like a gzip stream (how vector tiles
// are usually stored).
func isGzip(data []byte) bool {
	return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
}

// codec returns the decoders of data's format, or an error saying what
// data is instead.
func codec(what string, data []byte) (func(io.Reader) (image.Image, error), func(io.Reader) (image.Config, error), error) {
	switch sniff(data) {
	case FormatPNG:
		return png.Decode, png.DecodeConfig, nil
	case FormatJPEG:
		return jpeg.Decode, jpeg.DecodeConfig, nil
	case FormatWebP:
		return webp.Decode, webp.DecodeConfig, nil
	}
	return nil, nil, fmt.Errorf("%w: %s: tile data is not a PNG, JPEG or WebP image (%s)", ErrInvalidSource, what, describe(data))
}

// checkTile checks that data is a tile image, PNG, JPEG or WebP, of a tile's
// size, without decoding its pixels.
func checkTile(what string, data []byte) error {
	_, decodeConfig, err := codec(what, data)
	if err != nil {
		return err
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %s: damaged tile image: %w", ErrInvalidSource, what, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxTilePixels || cfg.Height > maxTilePixels {
		return fmt.Errorf("%w: %s: a %d×%d image is not a map tile", ErrInvalidSource, what, cfg.Width, cfg.Height)
	}
	return nil
}

// decodeTile decodes a tile image, refusing anything else and images too
// large to be tiles before allocating their pixels.
func decodeTile(what string, data []byte) (image.Image, error) {
	if err := checkTile(what, data); err != nil {
		return nil, err
	}
	decode, _, _ := codec(what, data)
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: damaged tile image: %w", ErrInvalidSource, what, err)
	}
	return img, nil
}

// gunzip decompresses a gzip stream of at most limit bytes.
func gunzip(data []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("more than %d bytes once decompressed", limit)
	}
	return out, nil
}

// describe summarises bytes that should have been an image, for an error
// message: their length and how they start, printable.
func describe(data []byte) string {
	if len(data) == 0 {
		return "empty"
	}
	head := data
	if len(head) > 24 {
		head = head[:24]
	}
	s := strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return '·'
		}
		return r
	}, string(head))
	return fmt.Sprintf("%d bytes starting %q", len(data), s)
}

// tileName writes a tile as z/x/y, the way every tile server spells it.
func tileName(t maptile.Tile) string {
	return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y)
}

// ctxErr returns ctx's error wrapped with what was being done, or nil.
func ctxErr(ctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("tiles: %s: %w", what, err)
	}
	return nil
}

// isMissing reports whether err means "no tile here right now", the errors a
// fallback fills from a lower zoom.
func isMissing(err error) bool {
	return errors.Is(err, ErrNoTile) || errors.Is(err, ErrOffline)
}
