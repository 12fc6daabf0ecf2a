package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// ReadGeoJSON reads a GeoJSON document: a FeatureCollection (possibly
// empty), a bare Feature or a bare geometry (one feature without
// properties). name is the file name the dataset is named after (see
// LayerName); when empty, the collection's "name" member is used.
//
// Null geometries are kept as nil. Each property becomes a field, in order
// of first appearance, typed from all its values: integers and reals mixed
// give real; ISO dates (2024-05-31) give date and ISO date-times give
// datetime only when every non-null value is one; a mix with strings or
// booleans gives text; nested objects and arrays are kept as JSON text. A
// string or number "id" is kept as the feature's ID. The coordinates are
// taken as EPSG:4326 unless an old-style "crs" member names another system
// (Dataset.SRS is then its EPSG code, even one srs cannot transform, or 0
// when unreadable). Z values are dropped.
func ReadGeoJSON(r io.Reader, name string) (*Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("formats: geojson: %w", err)
	}
	ds, err := decodeGeoJSON(data)
	if err != nil {
		return nil, fmt.Errorf("formats: geojson: %w", jsonPosition(data, err))
	}
	if name == "" {
		name = ds.Name
	}
	ds.Name = LayerName(name)
	return ds, nil
}

// geoJSONObject holds the members of any GeoJSON object that matter here.
type geoJSONObject struct {
	Type        *string         `json:"type"`
	Name        json.RawMessage `json:"name"`
	CRS         json.RawMessage `json:"crs"`
	Features    json.RawMessage `json:"features"`
	ID          json.RawMessage `json:"id"`
	Geometry    json.RawMessage `json:"geometry"`
	Properties  json.RawMessage `json:"properties"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  json.RawMessage `json:"geometries"`
}

func decodeGeoJSON(data []byte) (*Dataset, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var top geoJSONObject
	if err := strictUnmarshal(data, &top); err != nil {
		return nil, err
	}
	if top.Type == nil {
		return nil, errors.New(`the document has no "type" member: not GeoJSON`)
	}
	ds := &Dataset{SRS: srs.WGS84}
	if len(top.CRS) > 0 && !isNull(top.CRS) {
		ds.SRS = crsCode(top.CRS)
	}
	var b datasetBuilder
	switch *top.Type {
	case "FeatureCollection":
		var n string
		if json.Unmarshal(top.Name, &n) == nil {
			ds.Name = n
		}
		if len(top.Features) == 0 {
			return nil, errors.New(`FeatureCollection has no "features" member`)
		}
		var features []json.RawMessage
		if err := json.Unmarshal(top.Features, &features); err != nil {
			return nil, fmt.Errorf(`"features" must be an array: %w`, err)
		}
		for i, raw := range features {
			var f geoJSONObject
			if err := strictUnmarshal(raw, &f); err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
			if err := b.addFeature(&f); err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
		}
	case "Feature":
		if err := b.addFeature(&top); err != nil {
			return nil, err
		}
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		g, err := decodeGeometry(data, 0)
		if err != nil {
			return nil, err
		}
		b.features = append(b.features, Feature{Geometry: g, Properties: map[string]any{}})
	default:
		return nil, fmt.Errorf("type %q is not a GeoJSON type (FeatureCollection, Feature or a geometry)", *top.Type)
	}
	ds.Fields, ds.Features = b.finish()
	return ds, nil
}

// strictUnmarshal decodes a JSON object, refusing other JSON values.
func strictUnmarshal(data []byte, v any) error {
	d := bytes.TrimLeft(data, " \t\r\n")
	if len(d) == 0 {
		return errors.New("empty document")
	}
	if d[0] != '{' {
		return fmt.Errorf("a JSON object is expected, found %s", jsonKind(d[0]))
	}
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("member %q cannot be %s", te.Field, te.Value)
	}
	return err
}

func jsonKind(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// jsonPosition adds the line and column to JSON syntax errors.
func jsonPosition(data []byte, err error) error {
	var syn *json.SyntaxError
	if !errors.As(err, &syn) || syn.Offset <= 0 || syn.Offset > int64(len(data)) {
		return err
	}
	before := data[:syn.Offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(syn.Offset) - bytes.LastIndexByte(before, '\n') - 1
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// crsCode reads the old (2008) GeoJSON "crs" member: named
// ({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}) or
// EPSG ({"type":"EPSG","properties":{"code":2154}}). It returns 0 when the
// system cannot be read.
func crsCode(raw json.RawMessage) int {
	var crs struct {
		Properties struct {
			Name string          `json:"name"`
			Code json.RawMessage `json:"code"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &crs) != nil {
		return 0
	}
	s := crs.Properties.Name
	if s == "" {
		s = strings.Trim(string(crs.Properties.Code), `" `)
	}
	code, _ := srs.Parse(s) // an unsupported code is still the right code
	return code
}

// datasetBuilder collects features and their fields in order of appearance.
type datasetBuilder struct {
	names    []string
	kinds    map[string]*kindSet
	features []Feature
}

func (b *datasetBuilder) addFeature(f *geoJSONObject) error {
	if f.Type != nil && *f.Type != "Feature" {
		return fmt.Errorf("type is %q, want \"Feature\"", *f.Type)
	}
	var feat Feature
	id, err := featureID(f.ID)
	if err != nil {
		return err
	}
	feat.ID = id
	if len(f.Geometry) > 0 && !isNull(f.Geometry) {
		g, err := decodeGeometry(f.Geometry, 0)
		if err != nil {
			return fmt.Errorf("geometry: %w", err)
		}
		feat.Geometry = g
	}
	props, err := b.decodeProperties(f.Properties)
	if err != nil {
		return fmt.Errorf("properties: %w", err)
	}
	feat.Properties = props
	b.features = append(b.features, feat)
	return nil
}

func featureID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("id: %w", err)
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("id must be a string or a number, not %s", bytes.TrimSpace(raw))
}

// decodeProperties reads a properties object keeping the order of its keys
// for the fields. Values are nil, bool, json.Number or string (nested
// values as compact JSON text) until finish converts them.
func (b *datasetBuilder) decodeProperties(raw json.RawMessage) (map[string]any, error) {
	props := map[string]any{}
	if len(raw) == 0 || isNull(raw) {
		return props, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, fmt.Errorf("must be an object, not %v", tok)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected %v", tok)
		}
		var value json.RawMessage
		if err := d.Decode(&value); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		v, k, err := jsonValue(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if b.kinds == nil {
			b.kinds = map[string]*kindSet{}
		}
		ks, seen := b.kinds[key]
		if !seen {
			ks = new(kindSet)
			b.kinds[key] = ks
			b.names = append(b.names, key)
		}
		ks.add(k)
		props[key] = v
	}
	return props, nil
}

// jsonValue decodes one property value and classifies it.
func jsonValue(raw json.RawMessage) (any, kind, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, kindNull, errors.New("empty value")
	}
	switch raw[0] {
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, kindNull, err
		}
		return buf.String(), kindText, nil
	case 'n':
		return nil, kindNull, nil
	case 't', 'f':
		var x bool
		err := json.Unmarshal(raw, &x)
		return x, kindBool, err
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, kindNull, err
		}
		return s, stringKind(s, false), nil
	}
	n := json.Number(raw)
	if _, err := strconv.ParseFloat(string(n), 64); err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return nil, kindNull, fmt.Errorf("invalid number %s", raw)
		}
		return n, kindText, nil // beyond float64: keep its digits as text
	}
	return n, numberKind(n), nil
}

// finish decides the field types and converts every value to its field's type.
func (b *datasetBuilder) finish() ([]Field, []Feature) {
	var fields []Field
	for _, n := range b.names {
		fields = append(fields, Field{Name: n, Type: b.kinds[n].fieldType()})
	}
	for _, f := range b.features {
		for _, fd := range fields {
			if v, ok := f.Properties[fd.Name]; ok {
				f.Properties[fd.Name] = convertJSON(v, fd.Type)
			}
		}
	}
	if b.features == nil {
		b.features = []Feature{}
	}
	return fields, b.features
}

// maxGeometryDepth bounds the nesting of GeometryCollections.
const maxGeometryDepth = 32

// decodeGeometry decodes a GeoJSON geometry object into an orb geometry.
// An empty Point decodes to nil.
func decodeGeometry(raw json.RawMessage, depth int) (orb.Geometry, error) {
	if depth > maxGeometryDepth {
		return nil, errors.New("GeometryCollection nested too deeply")
	}
	var g geoJSONObject
	if err := strictUnmarshal(raw, &g); err != nil {
		return nil, err
	}
	if g.Type == nil {
		return nil, errors.New(`no "type" member`)
	}
	typ := *g.Type
	if typ == "GeometryCollection" {
		var members []json.RawMessage
		if err := json.Unmarshal(g.Geometries, &members); err != nil || len(g.Geometries) == 0 {
			return nil, errors.New(`GeometryCollection needs a "geometries" array`)
		}
		c := make(orb.Collection, 0, len(members))
		for i, m := range members {
			mg, err := decodeGeometry(m, depth+1)
			if err != nil {
				return nil, fmt.Errorf("geometries[%d]: %w", i, err)
			}
			if mg != nil {
				c = append(c, mg)
			}
		}
		return c, nil
	}
	switch typ {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, fmt.Errorf("unknown geometry type %q", typ)
	}
	if len(g.Coordinates) == 0 || isNull(g.Coordinates) {
		return nil, fmt.Errorf(`%s has no "coordinates"`, typ)
	}
	// Coordinates decode straight into float64 slices, far faster than
	// element by element; JSON null would silently read as 0, so refuse it.
	if bytes.Contains(g.Coordinates, []byte("null")) {
		return nil, fmt.Errorf("%s coordinates: a position cannot hold null", typ)
	}
	bad := func(err error) error {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s coordinates: positions must be arrays of numbers, found %s", typ, te.Value)
		}
		return fmt.Errorf("%s coordinates: %w", typ, err)
	}
	switch typ {
	case "Point":
		if isEmptyArray(g.Coordinates) {
			return nil, nil
		}
		var p []float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, bad(err)
		}
		pts, err := positions([][]float64{p})
		if err != nil {
			return nil, bad(err)
		}
		return pts[0], nil
	case "MultiPoint", "LineString":
		var ps [][]float64
		if err := json.Unmarshal(g.Coordinates, &ps); err != nil {
			return nil, bad(err)
		}
		pts, err := positions(ps)
		if err != nil {
			return nil, bad(err)
		}
		if typ == "MultiPoint" {
			return orb.MultiPoint(pts), nil
		}
		return orb.LineString(pts), nil
	case "MultiLineString":
		var ls [][][]float64
		if err := json.Unmarshal(g.Coordinates, &ls); err != nil {
			return nil, bad(err)
		}
		out := make(orb.MultiLineString, len(ls))
		for i, l := range ls {
			pts, err := positions(l)
			if err != nil {
				return nil, bad(err)
			}
			out[i] = pts
		}
		return out, nil
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, bad(err)
		}
		p, err := polygon(rings)
		if err != nil {
			return nil, bad(err)
		}
		return p, nil
	case "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, bad(err)
		}
		out := make(orb.MultiPolygon, len(polys))
		for i, rings := range polys {
			p, err := polygon(rings)
			if err != nil {
				return nil, bad(err)
			}
			out[i] = p
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown geometry type %q", typ)
}

func isEmptyArray(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) >= 2 && s[0] == '[' && len(bytes.TrimSpace(s[1:len(s)-1])) == 0
}

// positions turns GeoJSON positions (two or more numbers, of which the
// first two are kept) into points.
func positions(ps [][]float64) ([]orb.Point, error) {
	if ps == nil {
		return nil, nil
	}
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		if len(p) < 2 {
			return nil, fmt.Errorf("a position needs at least 2 numbers, found %v", p)
		}
		out[i] = orb.Point{p[0], p[1]}
	}
	return out, nil
}

func polygon(rings [][][]float64) (orb.Polygon, error) {
	out := make(orb.Polygon, len(rings))
	for i, r := range rings {
		pts, err := positions(r)
		if err != nil {
			return nil, err
		}
		out[i] = pts
	}
	return out, nil
}
