// Package formats reads vector files from outside Terrimap — GeoJSON,
// ESRI Shapefile and CSV with coordinate columns — into a neutral Dataset:
// typed fields, features with orb geometries in the file's own spatial
// reference system, and property values already of the Go type of their
// field type (see store/schema). It knows nothing of SQLite or the UI: the
// store turns a Dataset into a layer, reprojecting it with store/srs.
//
// Readers never panic on malformed input; their errors start with
// "formats: <format>" and say where the problem is.
package formats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"terrimap/store/schema"
)

// Dataset is a vector dataset read from an outside file, coordinates in its own SRS.
type Dataset struct {
	Name     string    // layer name suggested by the file (base name, sanitised to a plain identifier)
	SRS      int       // EPSG code of the coordinates; 0 when unknown
	Fields   []Field   // in file order
	Features []Feature // in file order
}

// Field is one attribute column of a Dataset.
type Field struct {
	Name string
	Type schema.FieldType
}

// Feature is one record of a Dataset. Properties values are of the Go type of
// their field's type (string, int64, float64, bool, date string "2006-01-02",
// datetime string RFC 3339 in UTC) or nil; a property absent from the map is
// nil too. Geometry is nil for a feature without geometry.
type Feature struct {
	ID         string // identifier given by the file (GeoJSON id, shapefile record index from 0); "" when none
	Geometry   orb.Geometry
	Properties map[string]any
}

// ErrUnsupportedFormat is returned (wrapped) by ReadFile for a file it cannot read.
var ErrUnsupportedFormat = errors.New("formats: unsupported file format")

// ReadFile reads the vector file at path, choosing the reader by extension:
// .geojson and .json (ReadGeoJSON), .shp (ReadShapefile), .csv, .tsv and
// .txt (OpenCSV with default options, read whole). GeoPackages are opened
// by the store itself; they and every other extension give
// ErrUnsupportedFormat.
func ReadFile(path string) (*Dataset, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".shp":
		return ReadShapefile(path)
	case ".csv", ".tsv", ".txt":
		src, err := OpenCSV(path, CSVOptions{})
		if err != nil {
			return nil, err
		}
		return src.ReadAll()
	case ".geojson", ".json":
	default:
		return nil, unsupportedFormat(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("formats: %w", err)
	}
	defer f.Close()
	return ReadGeoJSON(f, filepath.Base(path))
}

// unsupportedFormat is the error of ReadFile and OpenFile for a file whose
// extension they do not read.
func unsupportedFormat(path string) error {
	return fmt.Errorf("%w: %s (expected .geojson, .json, .shp or .csv)", ErrUnsupportedFormat, filepath.Base(path))
}

// maxNameLen is the longest identifier schema.Layer.Validate accepts.
const maxNameLen = 63

// LayerName turns a file name into a plain identifier that schema.Layer
// accepts as a layer name: known extensions dropped, accents removed, lower
// case, runs of other characters replaced by one underscore, "layer_" put
// before a leading digit or a prefix the store keeps for itself (gpkg,
// rtree_, tm_), and the result cut to 63 characters. "Réseau AEP (2024).shp"
// gives "reseau_aep_2024"; a name with nothing usable gives "layer".
func LayerName(file string) string {
	base := filepath.Base(strings.ReplaceAll(file, `\`, "/"))
	if base == "." || base == "/" {
		base = ""
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".geojson", ".json", ".shp", ".dbf", ".csv", ".tsv", ".txt":
		base = base[:len(base)-len(filepath.Ext(base))]
	}
	name := identifier(base)
	switch {
	case name == "":
		return "layer"
	case name[0] >= '0' && name[0] <= '9', strings.HasPrefix(name, "gpkg"),
		strings.HasPrefix(name, "rtree_"), strings.HasPrefix(name, "tm_"):
		name = "layer_" + name
	}
	return cut(name)
}

// FieldName turns a column name from a file ("N° PEI", "Date de contrôle")
// into a plain identifier that schema.Field accepts ("n_pei",
// "date_de_controle"), the same way as LayerName; "f_" goes before a leading
// digit and before the names the store reserves (fid, geom, uuid,
// tm_version); a name with nothing usable gives "field". Readers keep the
// names as the file gives them: this is for the store, which may keep the
// original as the field's title. Distinct names may give the same
// identifier.
func FieldName(name string) string {
	id := identifier(name)
	switch {
	case id == "":
		return "field"
	case id[0] >= '0' && id[0] <= '9', schema.IsReserved(id):
		id = "f_" + id
	}
	return cut(id)
}

func cut(name string) string {
	if len(name) > maxNameLen {
		name = strings.TrimRight(name[:maxNameLen], "_")
	}
	return name
}

// identifier lowercases s, strips accents and replaces runs of characters
// other than ASCII letters and digits by one underscore, trimmed at both ends.
func identifier(s string) string {
	var b strings.Builder
	pending := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ß':
			r = 's'
		case r == 'æ' || r == 'Æ':
			r = 'a'
		case r == 'œ' || r == 'Œ':
			r = 'o'
		}
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	return b.String()
}

// uniqueNames makes field names usable as map keys: surrounding spaces
// trimmed, an empty name replaced by field_N (N from 1), and a name already
// taken (ignoring case) suffixed with _2, _3…
func uniqueNames(names []string) []string {
	out := make([]string, len(names))
	taken := make(map[string]bool, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			n = "field_" + strconv.Itoa(i+1)
		}
		base := n
		for k := 2; taken[strings.ToLower(n)]; k++ {
			n = base + "_" + strconv.Itoa(k)
		}
		taken[strings.ToLower(n)] = true
		out[i] = n
	}
	return out
}
