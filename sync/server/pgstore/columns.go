package pgstore

import (
	"fmt"
	"time"

	"terrimap/store/schema"
)

// pgType is the PostgreSQL type of a field's column.
func pgType(t schema.FieldType) string {
	switch t {
	case schema.Integer:
		return "bigint"
	case schema.Real:
		return "double precision"
	case schema.Boolean:
		return "boolean"
	case schema.Date:
		return "date"
	case schema.DateTime:
		return "timestamptz"
	}
	return "text"
}

// pgGeometryType is the PostGIS type modifier of a layer's geometry column.
func pgGeometryType(g schema.GeometryType) string {
	switch g {
	case schema.Point:
		return "Point"
	case schema.LineString:
		return "LineString"
	case schema.Polygon:
		return "Polygon"
	case schema.MultiPoint:
		return "MultiPoint"
	case schema.MultiLineString:
		return "MultiLineString"
	case schema.MultiPolygon:
		return "MultiPolygon"
	}
	return "Geometry"
}

// columnValue turns a property, as schema.Field.Coerce leaves it, into
// the value its column takes: nil for NULL; dates and date-times as
// time.Time. A value that does not fit is coerced first; one that still
// does not is an error naming the field.
func columnValue(f schema.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	cv, err := f.Coerce(v)
	if err != nil {
		return nil, err
	}
	if cv == nil {
		return nil, nil
	}
	switch f.Type {
	case schema.Date:
		t, err := time.Parse(schema.DateLayout, cv.(string))
		if err != nil {
			return nil, fmt.Errorf("pgstore: field %s: %w", f.Name, err)
		}
		return t, nil
	case schema.DateTime:
		t, err := time.Parse(time.RFC3339, cv.(string))
		if err != nil {
			return nil, fmt.Errorf("pgstore: field %s: %w", f.Name, err)
		}
		return t.UTC(), nil
	}
	return cv, nil
}

// propertyValue turns a column's value as pgx scans it into the
// property's Go type (schema's coerced forms: dates "2006-01-02",
// date-times RFC 3339 in UTC).
func propertyValue(f schema.Field, v any) any {
	if v == nil {
		return nil
	}
	if t, ok := v.(time.Time); ok {
		if f.Type == schema.Date {
			return t.Format(schema.DateLayout)
		}
		return t.UTC().Format(time.RFC3339)
	}
	cv, err := f.Coerce(v)
	if err != nil {
		return v
	}
	return cv
}

// typedProperties gives every field of the layer its value as the field's
// type (nil when absent), keeping a value that does not fit as it is: the
// feature as the platform's table holds it.
func typedProperties(l *schema.Layer, props map[string]any) map[string]any {
	out := make(map[string]any, len(l.Fields))
	for _, f := range l.Fields {
		v, err := f.Coerce(props[f.Name])
		if err != nil {
			v = props[f.Name]
		}
		out[f.Name] = v
	}
	return out
}
