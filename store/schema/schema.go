// Package schema describes layers as data: their geometry type and typed fields,
// with titles, defaults, read-only flags and coded-value domains. Schemas are
// stored in workspaces, delivered by the platform, and drive the edit forms.
package schema

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// FieldType is the type of a layer attribute.
type FieldType string

// The field types a layer may declare.
const (
	Text     FieldType = "text"
	Integer  FieldType = "integer"
	Real     FieldType = "real"
	Boolean  FieldType = "boolean"
	Date     FieldType = "date"
	DateTime FieldType = "datetime"
)

// Valid reports whether t is one of the declared field types.
func (t FieldType) Valid() bool {
	switch t {
	case Text, Integer, Real, Boolean, Date, DateTime:
		return true
	}
	return false
}

// GeometryType is the geometry type of a layer, named as GeoPackage names it.
type GeometryType string

// The geometry types a layer may declare.
const (
	Point           GeometryType = "POINT"
	LineString      GeometryType = "LINESTRING"
	Polygon         GeometryType = "POLYGON"
	MultiPoint      GeometryType = "MULTIPOINT"
	MultiLineString GeometryType = "MULTILINESTRING"
	MultiPolygon    GeometryType = "MULTIPOLYGON"
	AnyGeometry     GeometryType = "GEOMETRY"
)

// Valid reports whether g is one of the declared geometry types.
func (g GeometryType) Valid() bool {
	switch g {
	case Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon, AnyGeometry:
		return true
	}
	return false
}

// CodedValue is one entry of a field's domain: the stored code and its label.
type CodedValue struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Field describes one attribute of a layer.
type Field struct {
	Name        string       `json:"name"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Type        FieldType    `json:"type"`
	Required    bool         `json:"required,omitempty"`
	ReadOnly    bool         `json:"read_only,omitempty"`
	Default     any          `json:"default,omitempty"`
	Domain      []CodedValue `json:"domain,omitempty"`
}

// Label returns the label of a coded value, or the code itself when the field
// has no such code.
func (f Field) Label(code string) string {
	for _, cv := range f.Domain {
		if cv.Code == code {
			return cv.Label
		}
	}
	return code
}

// DisplayTitle returns the field's title, or its name when it has none.
func (f Field) DisplayTitle() string {
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}

// Layer describes a feature layer: its name (the table name), title, geometry
// type and fields. ReadOnly layers are never edited locally.
type Layer struct {
	Name         string       `json:"name"`
	Title        string       `json:"title,omitempty"`
	Description  string       `json:"description,omitempty"`
	GeometryType GeometryType `json:"geometry_type"`
	Fields       []Field      `json:"fields"`
	ReadOnly     bool         `json:"read_only,omitempty"`
	// Temporal names the date or date-and-time field that places a feature
	// in time (an intervention's date): the platform's OGC API filters on
	// it when a client asks for a datetime. Empty: the layer has none.
	Temporal string `json:"temporal,omitempty"`
}

// Field returns the field named name.
func (l *Layer) Field(name string) (Field, bool) {
	for _, f := range l.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// TemporalField returns the field Temporal names; ok is false when the
// layer has none.
func (l *Layer) TemporalField() (Field, bool) {
	if l.Temporal == "" {
		return Field{}, false
	}
	return l.Field(l.Temporal)
}

// DisplayTitle returns the layer's title, or its name when it has none.
func (l *Layer) DisplayTitle() string {
	if l.Title != "" {
		return l.Title
	}
	return l.Name
}

// Reserved column names that layers may not declare as fields: the store keeps
// its own bookkeeping there.
var reservedNames = map[string]bool{"fid": true, "geom": true, "uuid": true, "tm_version": true}

// IsReserved reports whether name is a column the store keeps for itself.
func IsReserved(name string) bool { return reservedNames[strings.ToLower(name)] }

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ErrInvalidSchema is returned (wrapped) when a layer schema cannot be used.
var ErrInvalidSchema = errors.New("schema: invalid layer schema")

// Validate checks that the schema is usable: identifiers are plain names, types
// are known, no field is declared twice or uses a reserved name, and defaults
// and domains agree with their field types.
func (l *Layer) Validate() error {
	if !identifier.MatchString(l.Name) || strings.HasPrefix(strings.ToLower(l.Name), "gpkg") ||
		strings.HasPrefix(strings.ToLower(l.Name), "rtree_") || strings.HasPrefix(strings.ToLower(l.Name), "tm_") {
		return fmt.Errorf("%w: layer name %q must be a plain identifier not starting with gpkg, rtree_ or tm_", ErrInvalidSchema, l.Name)
	}
	if !l.GeometryType.Valid() {
		return fmt.Errorf("%w: layer %s: unknown geometry type %q", ErrInvalidSchema, l.Name, l.GeometryType)
	}
	seen := make(map[string]bool, len(l.Fields))
	for _, f := range l.Fields {
		key := strings.ToLower(f.Name)
		switch {
		case !identifier.MatchString(f.Name):
			return fmt.Errorf("%w: layer %s: field name %q must be a plain identifier", ErrInvalidSchema, l.Name, f.Name)
		case IsReserved(f.Name):
			return fmt.Errorf("%w: layer %s: field name %q is reserved", ErrInvalidSchema, l.Name, f.Name)
		case seen[key]:
			return fmt.Errorf("%w: layer %s: field %q declared twice", ErrInvalidSchema, l.Name, f.Name)
		case !f.Type.Valid():
			return fmt.Errorf("%w: layer %s: field %s: unknown type %q", ErrInvalidSchema, l.Name, f.Name, f.Type)
		}
		seen[key] = true
		if f.Default != nil {
			if _, err := f.Coerce(f.Default); err != nil {
				return fmt.Errorf("%w: layer %s: field %s: default: %v", ErrInvalidSchema, l.Name, f.Name, err)
			}
		}
		for _, cv := range f.Domain {
			if _, err := f.coerceType(cv.Code); err != nil {
				return fmt.Errorf("%w: layer %s: field %s: code %q: %v", ErrInvalidSchema, l.Name, f.Name, cv.Code, err)
			}
		}
	}
	if l.Temporal != "" {
		if f, ok := l.TemporalField(); !ok || (f.Type != Date && f.Type != DateTime) {
			return fmt.Errorf("%w: layer %s: temporal field %q must be one of its date or datetime fields", ErrInvalidSchema, l.Name, l.Temporal)
		}
	}
	return nil
}
