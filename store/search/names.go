package search

import (
	"strings"

	"terrimap/store"
	"terrimap/store/schema"
)

// nameFields are the fields that name a feature best, best first: a name,
// a number, an identifier.
var nameFields = []string{"nom_officiel", "nom", "numero", "libelle", "adresse", "id_pei", "id_gestion", "id_sdis",
	"idcana", "idappareil", "idouvrage", "type"}

// nameField returns the index in l's fields of the field that names f, or
// -1 when none has a value.
func nameField(l schema.Layer, props map[string]any) int {
	for _, key := range nameFields {
		for i, fld := range l.Fields {
			if fld.Name == key && FieldText(fld, props[key]) != "" {
				return i
			}
		}
	}
	for i, fld := range l.Fields {
		if fld.Type == schema.Text && FieldText(fld, props[fld.Name]) != "" {
			return i
		}
	}
	return -1
}

// DisplayName is the text that names a feature best: a name, a number or
// an identifier, else its first text value, else the end of its UUID.
func DisplayName(l schema.Layer, f store.Feature) string {
	if i := nameField(l, f.Properties); i >= 0 {
		return FieldText(l.Fields[i], f.Properties[l.Fields[i].Name])
	}
	if len(f.UUID) > 8 {
		return f.UUID[len(f.UUID)-8:]
	}
	return f.UUID
}

// FieldText is the text a value of a text or coded field shows: the label
// of a coded value, the text itself; "" for other types and no value.
func FieldText(fld schema.Field, v any) string {
	if v == nil {
		return ""
	}
	if len(fld.Domain) > 0 {
		return strings.TrimSpace(fld.Label(schema.CodeString(v)))
	}
	if fld.Type != schema.Text {
		return ""
	}
	s, _ := v.(string)
	return strings.TrimSpace(s)
}
