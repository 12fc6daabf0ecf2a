package dashboard

import (
	"sort"
	"strconv"
	"strings"

	"terrimap/store/schema"
)

// Class is a named part of a fixed breakdown, in the order charts show it.
type Class struct {
	Key, Label string
}

// DiameterClasses are the nominal diameter classes, in millimetres, then
// the unknown diameter (none, or not above 0).
var DiameterClasses = []Class{
	{"lt100", "< 100 mm"},
	{"100-149", "100 à 149 mm"},
	{"150-199", "150 à 199 mm"},
	{"200-299", "200 à 299 mm"},
	{"ge300", "≥ 300 mm"},
	{Unknown, "Inconnu"},
}

// LocationClasses are the location accuracy classes of the DT-DICT decree
// (RAEPA qualglocxy 01, 02, 03), then the unknown class.
var LocationClasses = []Class{
	{"A", "Classe A"},
	{"B", "Classe B"},
	{"C", "Classe C"},
	{Unknown, "Inconnue"},
}

// materialKey is the RAEPA material code, or Unknown for none, "" and "00"
// (indéterminé).
func materialKey(v any) string {
	c := strings.TrimSpace(text(v))
	if c == "" || c == "00" {
		return Unknown
	}
	return c
}

// diameterClass is the class key of a nominal diameter in millimetres.
func diameterClass(v any) string {
	d, ok := number(v)
	switch {
	case !ok || d <= 0:
		return Unknown
	case d < 100:
		return "lt100"
	case d < 150:
		return "100-149"
	case d < 200:
		return "150-199"
	case d < 300:
		return "200-299"
	}
	return "ge300"
}

// decadeKey is the decade of laying ("1970") from the start year of the
// laying period (andebpose), or its end year (anfinpose) when the start is
// not known; Unknown when neither is a plausible year.
func decadeKey(debut, fin any) string {
	for _, v := range []any{debut, fin} {
		if y, ok := number(v); ok && y >= 1800 && y <= 2200 {
			return strconv.Itoa(int(y) / 10 * 10)
		}
	}
	return Unknown
}

// locationClass is A, B or C from the RAEPA qualglocxy code, or Unknown.
func locationClass(v any) string {
	switch strings.TrimSpace(text(v)) {
	case "01", "A", "a":
		return "A"
	case "02", "B", "b":
		return "B"
	case "03", "C", "c":
		return "C"
	}
	return Unknown
}

// classShares lists the lengths of the fixed classes, in their order,
// zeros included so that every commune's chart has the same bars.
func classShares(m map[string]float64, classes []Class) []Share {
	out := make([]Share, len(classes))
	for i, c := range classes {
		out[i] = Share{Key: c.Key, Label: c.Label, Length: m[c.Key]}
	}
	return out
}

// materialShares lists the materials found, longest first (ties by code),
// labelled from the layer's domain, the unknown material last.
func materialShares(m map[string]float64, dom []schema.CodedValue) []Share {
	labels := map[string]string{}
	for _, c := range dom {
		labels[c.Code] = c.Label
	}
	var out []Share
	for k, v := range m {
		if k == Unknown {
			continue
		}
		label := labels[k]
		if label == "" {
			label = k
		}
		out = append(out, Share{Key: k, Label: label, Length: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Length != out[j].Length {
			return out[i].Length > out[j].Length
		}
		return out[i].Key < out[j].Key
	})
	if v, ok := m[Unknown]; ok {
		out = append(out, Share{Key: Unknown, Label: "Inconnu", Length: v})
	}
	return out
}

// decadeShares lists the decades found, oldest first, the unknown date last.
func decadeShares(m map[string]float64) []Share {
	var out []Share
	for k, v := range m {
		if k != Unknown {
			out = append(out, Share{Key: k, Label: "années " + k, Length: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	if v, ok := m[Unknown]; ok {
		out = append(out, Share{Key: Unknown, Label: "Inconnue", Length: v})
	}
	return out
}
