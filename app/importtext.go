package app

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// fieldTypeText names a field type in the user's words.
func fieldTypeText(t schema.FieldType) string {
	switch t {
	case schema.Text:
		return lang.L("text")
	case schema.Integer:
		return lang.L("whole number")
	case schema.Real:
		return lang.L("decimal number")
	case schema.Boolean:
		return lang.L("yes/no")
	case schema.Date:
		return lang.L("date")
	case schema.DateTime:
		return lang.L("date and time")
	}
	return string(t)
}

// fieldsText lists a file's fields with their types: «nom (texte), insee
// (texte), population (nombre entier)».
func fieldsText(fields []formats.Field) string {
	if len(fields) == 0 {
		return lang.L("none")
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Name + " (" + fieldTypeText(f.Type) + ")"
	}
	return strings.Join(parts, ", ")
}

// geometryKindsText says what the file's features are, in the user's
// words: points, lines, areas, or a mix.
func geometryKindsText(k formats.GeometryKinds) string {
	var parts []string
	if k&(formats.HasPoint|formats.HasMultiPoint) != 0 {
		parts = append(parts, lang.L("points"))
	}
	if k&(formats.HasLineString|formats.HasMultiLineString) != 0 {
		parts = append(parts, lang.L("lines"))
	}
	if k&(formats.HasPolygon|formats.HasMultiPolygon) != 0 {
		parts = append(parts, lang.L("areas (polygons)"))
	}
	if k&formats.HasOther != 0 {
		parts = append(parts, lang.L("geometry collections"))
	}
	if len(parts) == 0 {
		return lang.L("no geometry")
	}
	return strings.Join(parts, ", ")
}

// systemName names a coordinate system by its EPSG code: those Terrimap
// converts, and those the DXF import recognises in a plan but does not
// convert (CC46, CC48, Lambert II, UTM 31); any other by its code.
func systemName(code int) string {
	switch code {
	case srs.WGS84:
		return lang.L("Longitude/latitude (WGS84)")
	case srs.Lambert93:
		return lang.L("Lambert-93 (EPSG:2154)")
	case srs.CC47:
		return lang.L("CC47 (EPSG:3947)")
	case srs.WebMercator:
		return lang.L("Web Mercator (EPSG:3857)")
	case 3946:
		return lang.L("CC46 (EPSG:3946)")
	case 3948:
		return lang.L("CC48 (EPSG:3948)")
	case 27572:
		return lang.L("Lambert II étendu (EPSG:27572)")
	case 32631:
		return lang.L("UTM 31 North (EPSG:32631)")
	}
	return "EPSG:" + strconv.Itoa(code)
}

// kindsFitLayer reports whether features of kinds can go into a layer of
// geometry type t, by the store's rule (schema.GeometryType.Accepts). The
// first pass does not count a multi geometry's parts: it is let in as of
// one part, and a feature with more is refused by name when imported.
func kindsFitLayer(k formats.GeometryKinds, t schema.GeometryType) bool {
	for _, m := range [...]struct {
		has  formats.GeometryKinds
		kind schema.GeometryType
	}{
		{formats.HasPoint, schema.Point}, {formats.HasMultiPoint, schema.MultiPoint},
		{formats.HasLineString, schema.LineString}, {formats.HasMultiLineString, schema.MultiLineString},
		{formats.HasPolygon, schema.Polygon}, {formats.HasMultiPolygon, schema.MultiPolygon},
		{formats.HasOther, schema.AnyGeometry}, // a collection: only a layer of any geometry takes it
	} {
		if k&m.has != 0 && !t.Accepts(m.kind, 1) {
			return false
		}
	}
	return true
}

// layerKindText says what a layer holds: «des points», «des lignes»…
func layerKindText(t schema.GeometryType) string {
	switch t {
	case schema.Point, schema.MultiPoint:
		return lang.L("points")
	case schema.LineString, schema.MultiLineString:
		return lang.L("lines")
	case schema.Polygon, schema.MultiPolygon:
		return lang.L("areas (polygons)")
	}
	return lang.L("any geometry")
}

// importFailure is why an import failed: the error, which names the
// feature at fault with a *formats.FeatureError when it is about one.
type importFailure struct {
	err error
	// recordIDs: the file's identifiers are its record numbers from 0 (a
	// Shapefile's), which add nothing to the object's number.
	recordIDs bool
	// systemChoice: the dialog offers «Read the coordinates as» (not for
	// a GeoPackage, whose layer says its system).
	systemChoice bool
}

// importErrorText says in the user's language why a file could not be
// imported, naming the feature at fault, that nothing changed, and what to
// do about a feature refused. (A cancelled import is not a failure: finish
// says it itself.)
func importErrorText(f importFailure) string {
	text := importReasonText(f) + "\n" + lang.L("Nothing was imported: the workspace is as it was.")
	if advice := featureAdviceText(f); advice != "" {
		text += "\n" + advice
	}
	return text
}

// featureAdviceText says what to do when the import refused one feature,
// "" for an error about the whole file (its reason says it).
func featureAdviceText(f importFailure) string {
	var fe *formats.FeatureError
	if !errors.As(f.err, &fe) {
		return ""
	}
	switch {
	case errors.Is(fe.Err, schema.ErrOutOfRange) && f.systemChoice:
		return lang.L("If all the objects are so, the file is in another coordinate system: choose it under «Read the coordinates as». Otherwise correct this object in the file, then import it again.")
	case errors.Is(fe.Err, schema.ErrGeometryKind):
		return lang.L("Import the file into a new layer instead.")
	case fe.Line > 0:
		return lang.L("Correct this line in the file (or ask whoever sent it to you for a corrected file), then import it again.")
	}
	return lang.L("Correct this object in the file (or ask whoever sent it to you for a corrected file), then import it again.")
}

// importReasonText says why a file could not be imported.
func importReasonText(f importFailure) string {
	err := f.err
	var fe *formats.FeatureError
	if errors.As(err, &fe) {
		if fe.Line > 0 { // a CSV's row: named by its line, as a spreadsheet shows it
			return lang.L("Line {{.Line}} of the file cannot be imported:", map[string]any{"Line": groupDigits(fe.Line)}) + " " + featureReasonText(fe.Err)
		}
		id := fe.ID
		if f.recordIDs {
			id = ""
		}
		return featureText(fe.Number, id) + " " + featureReasonText(fe.Err)
	}
	var ve *store.ValidationError
	switch {
	case errors.Is(err, store.ErrNoGeometry):
		return lang.L("No object of this file has a geometry. A CSV file needs longitude and latitude columns (or x and y in Lambert-93).")
	case errors.Is(err, srs.ErrUnsupportedSRS):
		return lang.L("The file is in a coordinate system Terrimap does not convert: ask for it in Lambert-93 or in longitude/latitude (WGS84).")
	case errors.Is(err, formats.ErrUnsupportedFormat):
		return lang.L("Terrimap imports GeoJSON, Shapefile, CSV and GeoPackage files.")
	case errors.Is(err, formats.ErrFileChanged):
		return lang.L("The file changed while it was read: wait until it is completely copied, then import it again.")
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return lang.L("The file could not be opened: check that it still exists and that you may read it.")
	case errors.Is(err, store.ErrReadOnly):
		return lang.L("This layer cannot be edited: choose another one, or a new layer.")
	case errors.As(err, &ve), errors.Is(err, store.ErrInvalidGeometry), errors.Is(err, schema.ErrInvalidGeometry):
		return featureReasonText(err)
	case errors.Is(err, store.ErrNotGeoPackage), errors.Is(err, store.ErrCorrupt):
		return lang.L("This file is not a GeoPackage Terrimap can read, or it is damaged.")
	}
	return lang.L("The file could not be read: it may be damaged, or not in the format its name says.")
}

// featureText names a feature of the file: «L'objet n° 12 (identifiant
// « PEI-12 »)».
func featureText(number int, id string) string {
	if id == "" {
		return lang.L("Object no. {{.N}} of the file cannot be imported:", map[string]any{"N": groupDigits(number)})
	}
	return lang.L("Object no. {{.N}} of the file (identifier «{{.ID}}») cannot be imported:", map[string]any{"N": groupDigits(number), "ID": id})
}

// featureReasonText says what is wrong with one feature.
func featureReasonText(err error) string {
	var ve *store.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		return lang.L("the value of the field «{{.Field}}» does not fit the layer.", map[string]any{"Field": ve.Fields[0].Field})
	}
	switch {
	case errors.Is(err, schema.ErrOutOfRange):
		return lang.L("its coordinates are not longitudes and latitudes.")
	case errors.Is(err, schema.ErrGeometryKind):
		return lang.L("its geometry is not of the kind the layer holds.")
	case errors.Is(err, store.ErrInvalidGeometry), errors.Is(err, schema.ErrInvalidGeometry), errors.Is(err, formats.ErrBadGeometry):
		return lang.L("its geometry is invalid (missing or wrong coordinates).")
	case errors.Is(err, formats.ErrTooManyCells):
		return lang.L("it has more cells than the header has columns (a separator typed inside a cell?).")
	}
	return lang.L("its content cannot be read.")
}
