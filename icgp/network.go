package icgp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/territory"
)

// Layers the score reads (CNIG RAEPA, AFIGEO PEI, Terrimap's interventions).
const (
	layerCanalAEP      = "canalaep"
	layerApparAEP      = "apparaep"
	layerOuvrAEP       = "ouvraep"
	layerCanalAss      = "canalass"
	layerOuvrAss       = "ouvrass"
	layerPEI           = "pei"
	layerInterventions = "interventions"
)

// network is what the score needs of a network's tronçons in the place.
type network struct {
	layer string
	found bool // the workspace holds the layer
	// length of the tronçons in the place, service connections excluded;
	// connections counts the service connections (branchemnt = 'O').
	length      float64
	connections int
	// known lengths, and the tronçons lacking each piece of information.
	matDiam, dated, altimetry, located, withConnections    float64
	lackMatDiam, lackDated, lackAltimetry, lackConnections []Lack
	// byCommune is the length in each commune, for the whole
	// intercommunality's declarations.
	byCommune map[string]float64
	// renewed is the length of the renewals counted (see renewals), and
	// renewals their number.
	renewed  float64
	renewals int
}

// pipeFields are the fields a network's tronçons are read with, in order.
var pipeFields = []string{"idcana", "branchemnt", "materiau", "diametre", "andebpose", "anfinpose", "qualglocxy", "nbranche", "zamont", "zaval"}

// readNetwork measures a network's tronçons that count in w. renewals maps the UUIDs of the tronçons renewed in the
// five years to how many times they were: their length counts that many
// times in renewed.
func readNetwork(ctx context.Context, ws *store.Workspace, w territory.Scope, layer string, renewals map[string]int) (*network, error) {
	n := &network{layer: layer, byCommune: map[string]float64{}}
	sewer := layer == layerCanalAss
	var buf []orb.Point
	err := ws.Scan(ctx, store.ScanQuery{Layer: layer, Fields: pipeFields, Bound: w.Bound}, func(r store.Row) bool {
		var (
			length float64
			half   orb.Point
			ok     bool
		)
		length, half, ok, buf = w.Places.Line(r.Geometry, buf)
		if !ok {
			return true
		}
		v := r.Values
		commune := w.Places.CommuneOf(half)
		if yes, _ := schema.Truth(v[1]); yes {
			if w.INSEE == "" || commune == w.INSEE {
				n.connections++
			}
			return true
		}
		n.byCommune[commune] += length
		if w.INSEE != "" && commune != w.INSEE {
			return true
		}
		n.length += length
		lack := Lack{Layer: layer, FID: r.FID, UUID: r.UUID, ID: text(v[0]), Length: length}
		if material := text(v[2]); material != "" && material != "00" && positive(v[3]) {
			n.matDiam += length
		} else {
			n.lackMatDiam = append(n.lackMatDiam, lack)
		}
		if v[4] != nil || v[5] != nil {
			n.dated += length
		} else {
			n.lackDated = append(n.lackDated, lack)
		}
		if text(v[6]) != "" {
			n.located += length
		}
		if v[7] != nil {
			n.withConnections += length
		} else if sewer {
			n.lackConnections = append(n.lackConnections, lack)
		}
		if sewer {
			if v[8] != nil && v[9] != nil {
				n.altimetry += length
			} else {
				n.lackAltimetry = append(n.lackAltimetry, lack)
			}
		}
		if k := renewals[r.UUID]; k > 0 {
			n.renewed += float64(k) * length
			n.renewals += k
		}
		return true
	})
	switch {
	case errors.Is(err, store.ErrLayerNotFound):
		return n, nil
	case err != nil:
		return nil, fmt.Errorf("icgp: %s: %w", layer, err)
	}
	n.found = true
	return n, nil
}

// text reads a value as text; nil is "".
func text(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// positive reports whether a value is a number above 0.
func positive(v any) bool {
	switch x := v.(type) {
	case int64:
		return x > 0
	case float64:
		return x > 0
	}
	return false
}

// percent is part over whole in percent, to the millionth of a percent
// (so that exactly half a network measured through a projection is 50 %,
// not 49.99999999 %); 0 for a whole of 0.
func percent(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(1e8*part/whole) / 1e6
}
