package mapview

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"strings"

	"terrimap/assets"
	"terrimap/store/schema"
)

// DefaultStyles returns the default style of every demo layer, by layer
// name, read from assets.StylesFS: each call parses fresh values the
// caller may change.
func DefaultStyles() map[string]*Style {
	out, err := LoadStyles(assets.StylesFS, assets.StylesDir)
	if err != nil {
		// The styles are embedded and checked by the tests.
		panic(err)
	}
	return out
}

// LoadStyles reads every *.json file of dir in fsys as the style of the
// layer named after the file.
func LoadStyles(fsys fs.FS, dir string) (map[string]*Style, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Style, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		s, err := ParseStyle(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[strings.TrimSuffix(path.Base(name), ".json")] = s
	}
	return out, nil
}

// PlainStyle returns a style for a layer that has none: one colour, picked
// from its name, in the shape its geometry type calls for.
func PlainStyle(l schema.Layer) *Style {
	// Picked by name, a layer keeps its colour from one session to the next.
	plainColours := [...]string{"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#666666", "#e6ab02"}
	h := fnv.New32a()
	h.Write([]byte(l.Name))
	c, _ := ParseColor(plainColours[h.Sum32()%uint32(len(plainColours))])
	white := Color{0xff, 0xff, 0xff, 0xff}
	s := &Style{}
	switch schemaClass(l.GeometryType) {
	case pointClass:
		s.Symbol, s.Fill, s.Stroke, s.Size, s.Width = Circle, &c, &white, N(7), N(1)
	case lineClass:
		s.Stroke, s.Width = &c, N(1.5)
	case polygonClass:
		fill := c.fade(0.25)
		s.Stroke, s.Fill, s.Width = &c, &fill, N(1.2)
	}
	return s
}
