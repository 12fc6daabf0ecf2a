package report

import (
	"fmt"
	"io"
	"math"

	"terrimap/store/formats"
)

// The properties WriteGeoJSON adds to each feature's own attributes. They
// carry a prefix so that they never hide one of them.
const (
	propLayer       = "rapport_couche"
	propLayerTitle  = "rapport_titre_couche"
	propID          = "rapport_identifiant"
	propType        = "rapport_type"
	propMaterial    = "rapport_materiau"
	propDiameter    = "rapport_diametre_mm"
	propDepth       = "rapport_profondeur_m"
	propClass       = "rapport_classe"
	propOperator    = "rapport_exploitant"
	propDistance    = "rapport_distance_m"
	propInvestigate = "rapport_investigation"
	propRemark      = "rapport_remarque"
)

// WriteGeoJSON writes the selection as a GeoJSON FeatureCollection in
// longitude/latitude: each feature with its own attributes, its UUID as
// id, and the report's columns as rapport_* properties (layer, title,
// identifier, type, material, diameter, depth, class "A", "B", "C" or
// "inconnue", operator, distance, whether it needs investigating and the
// remark the PDF prints).
//
// It is written as every GeoJSON file of Terrimap is (formats.GeoJSONWriter):
// RFC 7946 ring orientation, encoding/json's bytes.
func WriteGeoJSON(w io.Writer, sel *Selection) error {
	gw := formats.NewGeoJSONWriter(w, "", nil)
	for i := range sel.Items {
		it := &sel.Items[i]
		props := make(map[string]any, len(it.Properties)+12)
		for k, v := range it.Properties {
			props[k] = v
		}
		remark := ""
		if it.Investigate {
			remark = investigateMsg
		}
		for k, v := range map[string]any{
			propLayer: it.Layer, propLayerTitle: it.LayerTitle, propID: it.ID, propType: orNil(it.Type),
			propMaterial: orNil(it.Material), propDiameter: positive(it.Diameter), propDepth: positive(it.Depth),
			propClass: it.Class.Label(), propOperator: orNil(it.Operator),
			propDistance: math.Round(it.Distance*100) / 100, propInvestigate: it.Investigate, propRemark: orNil(remark),
		} {
			props[k] = v
		}
		if err := gw.Write(formats.Feature{ID: it.UUID, Geometry: it.Geometry, Properties: props}); err != nil {
			return fmt.Errorf("report: geojson: %w", err)
		}
	}
	if err := gw.Close(); err != nil {
		return fmt.Errorf("report: geojson: %w", err)
	}
	return nil
}

// orNil writes an unknown text as null.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// positive writes an unknown measure (0) as null.
func positive(v float64) any {
	if v <= 0 {
		return nil
	}
	return v
}
