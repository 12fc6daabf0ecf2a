package wfs

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"terrimap/store/schema"
)

// ErrNoSchema is returned when a DescribeFeatureType answer has no type of
// the name asked.
var ErrNoSchema = errors.New("wfs: no schema for that feature type")

// Schema is a feature type's attributes, from DescribeFeatureType.
type Schema struct {
	// Geometry is the geometry property's name; "" when the type has none.
	Geometry string
	// GeometryType is what the schema says the geometry is: "Point",
	// "LineString", "Polygon", their "Multi…" forms, or "" for any.
	GeometryType string
	// Properties are the other attributes, in the schema's order.
	Properties []Property
}

// Property is one attribute of a feature type.
type Property struct {
	Name string
	Type schema.FieldType
}

// ParseSchema reads a DescribeFeatureType answer (an XML Schema) and
// returns the type of the element typeName (with or without its prefix);
// a schema of a single type gives that one.
func ParseSchema(r io.Reader, typeName string) (*Schema, error) {
	dec := newDecoder(r, maxDocument)
	var root *node
	for root == nil {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("wfs: schema: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if root, err = readNode(dec, start); err != nil {
				return nil, fmt.Errorf("wfs: schema: %w", err)
			}
		}
	}
	switch root.name.Local {
	case "ExceptionReport", "ServiceExceptionReport":
		return nil, fmt.Errorf("%w: %s", ErrServiceException, strings.TrimSpace(exceptionText(root)))
	case "schema":
	default:
		return nil, fmt.Errorf("wfs: schema: root element <%s> is not an XML Schema", root.name.Local)
	}
	types := map[string]*node{}
	for _, ct := range root.all("complexType") {
		types[ct.attr("name")] = ct
	}
	var ct *node
	want := localName(typeName)
	for _, el := range root.all("element") {
		if el.attr("name") != want {
			continue
		}
		if t := el.attr("type"); t != "" {
			ct = types[localName(t)]
		} else {
			ct = el.child("complexType")
		}
	}
	if ct == nil && len(types) == 1 {
		for _, t := range types {
			ct = t
		}
	}
	if ct == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoSchema, typeName)
	}
	s := &Schema{}
	ct.walk(func(n *node) bool {
		if n.name.Local != "element" || n == ct {
			return true
		}
		name := n.attr("name")
		if name == "" {
			name = localName(n.attr("ref"))
		}
		if name == "" {
			return false
		}
		typ := n.attr("type")
		if typ == "" {
			// An inline simple type: its restriction's base.
			n.walk(func(r *node) bool {
				if r.name.Local == "restriction" && typ == "" {
					typ = r.attr("base")
				}
				return typ == ""
			})
		}
		if g, ok := geometryPropertyType(typ); ok {
			if s.Geometry == "" {
				s.Geometry, s.GeometryType = name, g
			}
			return false
		}
		s.Properties = append(s.Properties, Property{Name: name, Type: xsdFieldType(typ)})
		return false
	})
	return s, nil
}

func exceptionText(n *node) string {
	var parts []string
	n.walk(func(c *node) bool {
		if t := strings.TrimSpace(c.text.String()); t != "" {
			parts = append(parts, t)
		}
		return true
	})
	return strings.Join(parts, "; ")
}

// geometryPropertyType tells a GML property type ("gml:PointPropertyType",
// "gml:MultiSurfacePropertyType"…) and the geometry it holds ("" for any).
func geometryPropertyType(typ string) (string, bool) {
	local := localName(typ)
	if !strings.HasSuffix(local, "PropertyType") || !strings.HasPrefix(strings.ToLower(typ), "gml:") && !strings.Contains(strings.ToLower(typ), "gml") {
		return "", false
	}
	switch strings.TrimSuffix(local, "PropertyType") {
	case "Point":
		return "Point", true
	case "LineString", "Curve":
		return "LineString", true
	case "Polygon", "Surface":
		return "Polygon", true
	case "MultiPoint":
		return "MultiPoint", true
	case "MultiLineString", "MultiCurve":
		return "MultiLineString", true
	case "MultiPolygon", "MultiSurface":
		return "MultiPolygon", true
	}
	return "", true
}

// xsdFieldType maps an XML Schema type to a field type; Text for the rest.
func xsdFieldType(typ string) schema.FieldType {
	switch strings.ToLower(localName(typ)) {
	case "int", "integer", "long", "short", "byte", "nonnegativeinteger", "positiveinteger",
		"unsignedint", "unsignedlong", "unsignedshort", "unsignedbyte", "negativeinteger", "nonpositiveinteger":
		return schema.Integer
	case "double", "float", "decimal":
		return schema.Real
	case "boolean":
		return schema.Boolean
	case "date":
		return schema.Date
	case "datetime":
		return schema.DateTime
	}
	return schema.Text
}
