package report

import (
	"strings"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
)

// Class is a location accuracy class of the French DT-DICT rules (the
// "réforme anti-endommagement", decree of 15 February 2012), as the CNIG
// RAEPA field qualglocxy records it.
type Class string

// The accuracy classes. ClassUnknown is a feature whose accuracy the data
// do not say: it counts as class C.
const (
	// ClassA: located to within 40 cm.
	ClassA Class = "A"
	// ClassB: located to within 1.5 m (but not 40 cm).
	ClassB Class = "B"
	// ClassC: located no better than to 1.5 m.
	ClassC Class = "C"
	// ClassUnknown: no accuracy recorded.
	ClassUnknown Class = ""
)

// NeedsInvestigation reports whether a feature of this class must be
// located on site before works (class C or unknown).
func (c Class) NeedsInvestigation() bool { return c != ClassA && c != ClassB }

// Label returns the class as the report prints it: "A", "B", "C" or
// "inconnue".
func (c Class) Label() string {
	if c == ClassUnknown {
		return "inconnue"
	}
	return string(c)
}

// The fields each column is read from, first found first: the names of the
// CNIG RAEPA geostandard, of the AFIGEO PEI format, then common ones.
var (
	idFields       = []string{"idcana", "idappareil", "idouvrage", "id_sdis", "numero", "ref_terr", "id_gestion", "identifiant", "id", "code", "nom", "libelle"}
	typeFields     = []string{"fnappaep", "fnappass", "fnouvaep", "fnouvass", "type_pei", "typreseau", "fonccanaep", "fonccanass", "type_lampe", "type", "nature", "categorie"}
	materialFields = []string{"materiau", "matiere", "material"}
	diameterFields = []string{"diametre", "diam_pei", "diam_cana", "dn", "diameter"}
	depthFields    = []string{"profgen", "profondeur", "prof", "depth"}
	operatorFields = []string{"gexploit", "nom_gest", "gestionnaire", "exploitant", "operateur", "operator"}
)

// classFromPEI maps the AFIGEO PEI "prec" codes (0–1 m, 1–5 m, 5–10 m,
// more) to the class their worst case falls in.
var classFromPEI = map[string]Class{"01": ClassB, "05": ClassC, "10": ClassC, "99": ClassC}

// describe fills an item's columns from a feature's attributes.
func describe(it *Item, l *store.Layer, f store.Feature) {
	s := &l.Schema
	it.ID = text(s, f.Properties, idFields, false)
	if it.ID == "" {
		it.ID = shortUUID(f.UUID, f.FID)
	}
	it.Type = text(s, f.Properties, typeFields, true)
	if code, _ := f.Properties["branchemnt"].(string); code == "O" {
		it.Type = "Branchement"
	}
	it.Material = text(s, f.Properties, materialFields, true)
	it.Diameter = number(f.Properties, diameterFields)
	it.Depth = number(f.Properties, depthFields)
	it.Operator = text(s, f.Properties, operatorFields, false)
	it.Class = classOf(f.Properties)
}

// text returns the first non-empty value among fields, as its label when
// coded and labelled is true.
func text(s *schema.Layer, props map[string]any, fields []string, labelled bool) string {
	for _, name := range fields {
		v := mapview.ValueKey(props[name])
		if strings.TrimSpace(v) == "" {
			continue
		}
		if fld, ok := s.Field(name); ok && labelled {
			v = fld.Label(v)
		}
		return strings.TrimSpace(v)
	}
	return ""
}

// number returns the first positive number among fields; 0 when none.
func number(props map[string]any, fields []string) float64 {
	for _, name := range fields {
		if v, ok := mapview.NumericValue(props[name]); ok && v > 0 {
			return v
		}
	}
	return 0
}

// classOf reads the accuracy class: qualglocxy (RAEPA codes 01, 02, 03, or
// the letters), else the PEI precision code.
func classOf(props map[string]any) Class {
	switch strings.ToUpper(strings.TrimSpace(mapview.ValueKey(props["qualglocxy"]))) {
	case "01", "1", "A":
		return ClassA
	case "02", "2", "B":
		return ClassB
	case "03", "3", "C":
		return ClassC
	}
	if c, ok := classFromPEI[mapview.ValueKey(props["prec"])]; ok {
		return c
	}
	return ClassUnknown
}

// shortUUID names a feature without an identifier field: the start of its
// UUID, or its local number.
func shortUUID(id string, fid int64) string {
	if len(id) >= 8 {
		return id[:8]
	}
	if id != "" {
		return id
	}
	return "n°" + mapview.ValueKey(fid)
}
