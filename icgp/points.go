package icgp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/territory"
)

// countPoints counts a point layer's features in the place by the code of
// one field ("" for every feature under the key ""); named counts those
// whose field name (when given) is filled.
func countPoints(ctx context.Context, ws *store.Workspace, w territory.Scope, layer, field, name string) (byCode, named map[string]int, err error) {
	if w.INSEE == "" { // everywhere: SQLite counts
		byCode, named, err = ws.CountBy(ctx, layer, field, name)
		if errors.Is(err, store.ErrLayerNotFound) {
			return map[string]int{}, map[string]int{}, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("icgp: %w", err)
		}
		return byCode, named, nil
	}
	byCode, named = map[string]int{}, map[string]int{}
	q := store.ScanQuery{Layer: layer, Fields: []string{field, name}, Bound: w.Bound, NoGeometry: w.INSEE == ""}
	err = ws.Scan(ctx, q, func(r store.Row) bool {
		if w.INSEE != "" {
			if _, ok := w.Point(r.Geometry); !ok {
				return true
			}
		}
		code := text(r.Values[0])
		byCode[code]++
		if text(r.Values[1]) != "" {
			named[code]++
		}
		return true
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return nil, nil, fmt.Errorf("icgp: %s: %w", layer, err)
	}
	return byCode, named, nil
}

// interventionFacts is what the interventions log tells the score.
type interventionFacts struct {
	// located counts the finished interventions in the place by the layer
	// of their equipment, and by type for the sewers' tronçons.
	located      map[string]int
	sewerByType  map[string]int
	waterRenewed map[string]int // tronçon UUID → renewals in the five years
	sewerRenewed map[string]int
}

// renewalTypes are the intervention types that renew a tronçon:
// identical replacement or reinforcement (remplacement), rehabilitation.
var renewalTypes = map[string]bool{"remplacement": true, "rehabilitation": true}

// readInterventions reads the finished interventions: where they are, and
// the renewals of tronçons dated in the five years from-to.
func readInterventions(ctx context.Context, ws *store.Workspace, w territory.Scope, from, to int) (*interventionFacts, error) {
	f := &interventionFacts{located: map[string]int{}, sewerByType: map[string]int{}, waterRenewed: map[string]int{}, sewerRenewed: map[string]int{}}
	fields := []string{"equipement_uuid", "equipement_couche", "date", "type", "statut"}
	err := ws.Scan(ctx, store.ScanQuery{Layer: layerInterventions, Fields: fields}, func(r store.Row) bool {
		v := r.Values
		if text(v[4]) != "terminee" {
			return true
		}
		layer, typ := text(v[1]), text(v[3])
		if renewalTypes[typ] {
			if day, err := time.Parse(schema.DateLayout, text(v[2])); err == nil && day.Year() >= from && day.Year() <= to {
				// The tronçon's own place decides (readNetwork).
				switch layer {
				case layerCanalAEP:
					f.waterRenewed[text(v[0])]++
				case layerCanalAss:
					f.sewerRenewed[text(v[0])]++
				}
			}
		}
		if _, ok := w.Point(r.Geometry); !ok {
			return true
		}
		f.located[layer]++
		if layer == layerCanalAss {
			f.sewerByType[typ]++
		}
		return true
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return nil, fmt.Errorf("icgp: interventions: %w", err)
	}
	return f, nil
}
