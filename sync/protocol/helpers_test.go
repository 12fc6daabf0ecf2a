package protocol

import (
	"encoding/json"
	"math"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// peiLayer is a hydrant layer in the AFIGEO PEI format, for tests.
func peiLayer() *schema.Layer {
	return &schema.Layer{
		Name:         "pei",
		Title:        "Poteaux et bouches incendie",
		GeometryType: schema.Point,
		Fields: []schema.Field{
			{Name: "numero", Title: "Numéro", Type: schema.Integer, Required: true},
			{Name: "type_pei", Title: "Type", Type: schema.Text, Domain: []schema.CodedValue{
				{Code: "PI", Label: "Poteau d'incendie"}, {Code: "BI", Label: "Bouche d'incendie"}, {Code: "PA", Label: "Point d'aspiration"}}},
			{Name: "debit", Title: "Débit (m³/h)", Type: schema.Real},
			{Name: "press_dyn", Title: "Pression dynamique (bar)", Type: schema.Real},
			{Name: "disponible", Title: "Disponible", Type: schema.Boolean, Default: true},
			{Name: "date_ct", Title: "Date du contrôle", Type: schema.Date},
			{Name: "commentaire", Title: "Commentaire", Type: schema.Text},
			{Name: "insee", Title: "Commune", Type: schema.Text, ReadOnly: true},
		},
	}
}

// canalLayer is a water pipe layer in the CNIG RAEPA format, for tests.
func canalLayer() *schema.Layer {
	return &schema.Layer{
		Name:         "canalaep",
		Title:        "Canalisations d'eau potable",
		GeometryType: schema.MultiLineString,
		Fields: []schema.Field{
			{Name: "materiau", Title: "Matériau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "01", Label: "Fonte"}, {Code: "02", Label: "PVC"}}},
			{Name: "diametre", Title: "Diamètre (mm)", Type: schema.Integer, Default: 100},
			{Name: "andebpose", Title: "Année de pose", Type: schema.Integer},
		},
	}
}

// Ids used across the tests.
const (
	changeA  = "01920000-0000-7000-8000-00000000000a"
	changeB  = "01920000-0000-7000-8000-00000000000b"
	changeC  = "01920000-0000-7000-8000-00000000000c"
	changeD  = "01920000-0000-7000-8000-00000000000d"
	feature1 = "01920000-0000-7000-8000-000000000001"
	feature2 = "01920000-0000-7000-8000-000000000002"
	hashA    = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")
)

var tournus = orb.Point{4.9086, 46.5628}

var when = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func num(s string) json.Number { return json.Number(s) }

func nan() float64 { return math.NaN() }
