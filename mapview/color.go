package mapview

import (
	"encoding/json"
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// Color is a colour of a style, written "#rgb", "#rgba", "#rrggbb" or
// "#rrggbbaa" in JSON ("none" and "transparent" are fully transparent).
// The alpha is straight, not premultiplied.
type Color color.NRGBA

// ParseColor reads a colour written as in the style JSON.
func ParseColor(s string) (Color, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "none" || t == "transparent" {
		return Color{}, nil
	}
	if !strings.HasPrefix(t, "#") {
		return Color{}, fmt.Errorf("%w: colour %q does not start with #", ErrInvalidStyle, s)
	}
	hex := t[1:]
	switch len(hex) {
	case 3, 4:
		var b strings.Builder
		for _, c := range hex {
			b.WriteRune(c)
			b.WriteRune(c)
		}
		hex = b.String()
	case 6, 8:
	default:
		return Color{}, fmt.Errorf("%w: colour %q is not #rgb, #rgba, #rrggbb or #rrggbbaa", ErrInvalidStyle, s)
	}
	if len(hex) == 6 {
		hex += "ff"
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return Color{}, fmt.Errorf("%w: colour %q is not hexadecimal", ErrInvalidStyle, s)
	}
	return Color{R: uint8(v >> 24), G: uint8(v >> 16), B: uint8(v >> 8), A: uint8(v)}, nil
}

// String writes the colour as "#rrggbb", or "#rrggbbaa" when it is not opaque.
func (c Color) String() string {
	if c.A == 0xff {
		return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
	}
	return fmt.Sprintf("#%02x%02x%02x%02x", c.R, c.G, c.B, c.A)
}

// RGBA implements color.Color.
func (c Color) RGBA() (r, g, b, a uint32) { return color.NRGBA(c).RGBA() }

// MarshalJSON writes the colour as a string.
func (c Color) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads a colour string.
func (c *Color) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: a colour must be a string like \"#1f78b4\"", ErrInvalidStyle)
	}
	v, err := ParseColor(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// fade returns the colour with its alpha multiplied by f in [0, 1].
func (c Color) fade(f float64) Color {
	c.A = uint8(float64(c.A)*f + 0.5)
	return c
}

// premul returns the colour premultiplied, as image.RGBA stores it.
func (c Color) premul() color.RGBA {
	a := uint32(c.A)
	return color.RGBA{R: uint8(uint32(c.R) * a / 255), G: uint8(uint32(c.G) * a / 255), B: uint8(uint32(c.B) * a / 255), A: c.A}
}
