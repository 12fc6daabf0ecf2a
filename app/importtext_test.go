package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
)

// featureReasonText tells the reasons apart by the errors' types, as the
// store and the readers make them, not by their English text.
func TestFeatureReasonTextByErrorType(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	points := &schema.Layer{Name: "pei", GeometryType: schema.Point}
	_, outside := points.CheckGeometry(orb.Point{652000, 6602000})
	_, kind := points.CheckGeometry(orb.LineString{{4.9, 46.5}, {4.91, 46.51}})
	_, unreadable := formats.ReadFile(writeFile(t, "bad.geojson",
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9]},"properties":{}}]}`))
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"outside longitude/latitude", outside, "ses coordonnées ne sont pas des longitudes et latitudes"},
		{"another kind", kind, "sa géométrie n'est pas du type que contient la couche"},
		{"unreadable geometry", unreadable, "sa géométrie est invalide"},
		{"refused value", &store.ValidationError{Fields: []schema.FieldError{{Field: "type_pei"}}}, "la valeur du champ «\u00a0type_pei\u00a0»"},
		{"anything else", fmt.Errorf("store: read: %w", errors.ErrUnsupported), "son contenu est illisible"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("no error to word")
			}
			// Wrapped as an import wraps it: the reason is found through the wrapping.
			err := fmt.Errorf("%w: %w", store.ErrImport, &formats.FeatureError{Number: 7, Err: c.err})
			if got := importReasonText(importFailure{err: err}); !strings.Contains(got, c.want) {
				t.Errorf("%v:\n%q\nwant it to say %q", c.err, got, c.want)
			}
		})
	}
}

// The layers offered for a file are those that take every kind of
// geometry it holds, as far as the first pass knows: a multi geometry may
// be of one part, so a layer of single ones is offered for it.
func TestKindsFitLayer(t *testing.T) {
	points := formats.HasPoint
	multiPoints := formats.HasMultiPoint
	mixedPoints := formats.HasPoint | formats.HasMultiPoint
	lines := formats.HasLineString | formats.HasMultiLineString
	polygons := formats.HasMultiPolygon
	pointsAndLines := formats.HasPoint | formats.HasLineString
	other := formats.HasOther
	cases := []struct {
		kinds formats.GeometryKinds
		layer schema.GeometryType
		want  bool
	}{
		{0, schema.Point, true}, // no geometry: the check says so, not the layer
		{points, schema.Point, true},
		{points, schema.MultiPoint, true},
		{multiPoints, schema.Point, true},
		{mixedPoints, schema.MultiPoint, true},
		{points, schema.LineString, false},
		{points, schema.MultiPolygon, false},
		{lines, schema.LineString, true},
		{lines, schema.MultiLineString, true},
		{lines, schema.Polygon, false},
		{polygons, schema.Polygon, true},
		{polygons, schema.MultiPolygon, true},
		{polygons, schema.MultiPoint, false},
		{pointsAndLines, schema.Point, false},
		{pointsAndLines, schema.LineString, false},
		{pointsAndLines, schema.AnyGeometry, true},
		{other, schema.MultiPolygon, false},
		{other | points, schema.Point, false},
		{other, schema.AnyGeometry, true},
		{polygons | other, schema.AnyGeometry, true},
	}
	for _, c := range cases {
		if got := kindsFitLayer(c.kinds, c.layer); got != c.want {
			t.Errorf("kinds %07b into %s: %v, want %v", c.kinds, c.layer, got, c.want)
		}
	}
}
