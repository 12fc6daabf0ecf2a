package formats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DXFMapping says how the entities of each DXF layer of a surveyor's plan
// are imported into a layer of the workspace: the values they give to its
// fields (DXF layer "AEP_FONTE_150" → materiau "Fonte ductile", diametre
// 150) and which DXF layers are left out. The desktop app builds one from a
// table; terrimap import reads one from a CSV file (ReadDXFMapping). DXF
// layer names are matched ignoring case, as AutoCAD does.
//
// Values are text, converted to the field's type on import; a coded field
// takes a code or its label. Within a value, {n} stands for the number of
// the feature in the import (1, 2…), {calque} for its DXF layer, {id} for
// its DXF handle and {fichier} for the DXF file's name without extension,
// so that "REC-{fichier}-{n}" gives each pipe an identifier.
type DXFMapping struct {
	// Common values go to every imported feature; a DXF layer's own values
	// replace them field by field.
	Common map[string]string
	// Layers maps a DXF layer name to its field → value pairs.
	Layers map[string]map[string]string
	// Skip lists DXF layers whose entities are not imported.
	Skip []string
	// OnlyListed leaves out, too, the DXF layers Layers does not name.
	OnlyListed bool
}

// ErrDXFMapping is returned (wrapped) for a mapping file that cannot be read.
var ErrDXFMapping = errors.New("formats: invalid DXF layer mapping")

// DXFSkipValue is the value that, with an empty field, leaves a DXF layer
// out in a mapping file ("TEXTES;;ignorer"; "*;;ignorer" leaves out every
// layer the file does not name).
const DXFSkipValue = "ignorer"

// maxDXFMappingSize bounds a mapping file: it is a small table typed by hand.
const maxDXFMappingSize = 1 << 20

// Skips reports whether the entities of the DXF layer are left out.
func (m DXFMapping) Skips(layer string) bool {
	for _, s := range m.Skip {
		if strings.EqualFold(s, layer) {
			return true
		}
	}
	return m.OnlyListed && !m.Lists(layer)
}

// Lists reports whether the mapping gives values for the DXF layer.
func (m DXFMapping) Lists(layer string) bool {
	_, ok := m.layerValues(layer)
	return ok
}

func (m DXFMapping) layerValues(layer string) (map[string]string, bool) {
	if v, ok := m.Layers[layer]; ok {
		return v, true
	}
	for name, v := range m.Layers {
		if strings.EqualFold(name, layer) {
			return v, true
		}
	}
	return nil, false
}

// Values returns the field → value pairs of a DXF layer's entities: the
// common values, replaced by the layer's own. The map is the caller's.
func (m DXFMapping) Values(layer string) map[string]string {
	out := make(map[string]string, len(m.Common))
	for k, v := range m.Common {
		out[k] = v
	}
	own, _ := m.layerValues(layer)
	for k, v := range own {
		out[k] = v
	}
	return out
}

// ReadDXFMappingFile reads the mapping file at path (see ReadDXFMapping).
func ReadDXFMappingFile(path string) (DXFMapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return DXFMapping{}, fmt.Errorf("formats: dxf mapping: %w", err)
	}
	defer f.Close()
	return ReadDXFMapping(f, filepath.Base(path))
}

// ReadDXFMapping reads a DXF layer mapping written as CSV, one
// "calque;champ;valeur" row per value:
//
//	calque;champ;valeur
//	*;datemaj;2024-06-01
//	*;idcana;REC-{n}
//	AEP_FONTE_150;materiau;Fonte ductile
//	AEP_FONTE_150;diametre;150
//	TEXTES;;ignorer
//
// The header row is optional; "*" as calque gives a value to every layer;
// an empty champ with the value "ignorer" leaves the layer out ("*;;ignorer":
// every layer not named). The separator is ";" (or "," or a tab when the
// first row has no ";"); lines starting with # are comments; the file is
// UTF-8 or, as Excel writes it on Windows, Windows-1252.
func ReadDXFMapping(r io.Reader, name string) (DXFMapping, error) {
	fail := func(format string, args ...any) (DXFMapping, error) {
		return DXFMapping{}, fmt.Errorf("formats: dxf mapping %s: %w: %s", name, ErrDXFMapping, fmt.Sprintf(format, args...))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDXFMappingSize+1))
	if err != nil {
		return DXFMapping{}, fmt.Errorf("formats: dxf mapping %s: %w", name, err)
	}
	if len(data) > maxDXFMappingSize {
		return fail("larger than %d bytes: not a mapping table", maxDXFMappingSize)
	}
	text, err := csvText(data) // the CSV importer's decoding: BOM, UTF-16, CP1252
	if err != nil {
		return fail("%v", err)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = mappingSeparator(text)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	m := DXFMapping{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return m, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return fail("%v", err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if first && isMappingHeader(rec) {
			continue
		}
		if len(rec) != 3 {
			return fail("line %d: %d columns, want 3 (calque;champ;valeur)", line, len(rec))
		}
		if err := m.add(rec[0], rec[1], rec[2]); err != nil {
			return fail("line %d: %v", line, err)
		}
	}
}

// mappingSeparator is ";" unless the first row (comments and blank lines
// aside) has none but has a tab or a comma.
func mappingSeparator(text string) rune {
	var first string
	for _, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			first = line
			break
		}
	}
	switch {
	case strings.Contains(first, ";"):
		return ';'
	case strings.Contains(first, "\t"):
		return '\t'
	case strings.Contains(first, ","):
		return ','
	}
	return ';'
}

func isMappingHeader(rec []string) bool {
	if len(rec) != 3 {
		return false
	}
	l := strings.ToLower(rec[0] + ";" + rec[1] + ";" + rec[2])
	return l == "calque;champ;valeur" || l == "layer;field;value"
}

// add records one row of a mapping table.
func (m *DXFMapping) add(layer, field, value string) error {
	switch {
	case layer == "":
		return errors.New("the calque column is empty")
	case field == "" && strings.EqualFold(value, DXFSkipValue):
		if layer == "*" {
			m.OnlyListed = true
		} else {
			m.Skip = append(m.Skip, layer)
		}
		return nil
	case field == "":
		return fmt.Errorf("the champ column is empty (write %s;;%s to leave the layer out)", layer, DXFSkipValue)
	}
	values := m.Common
	if layer != "*" {
		if values, _ = m.layerValues(layer); values == nil {
			values = map[string]string{}
			if m.Layers == nil {
				m.Layers = map[string]map[string]string{}
			}
			m.Layers[layer] = values
		}
	} else if values == nil {
		values = map[string]string{}
		m.Common = values
	}
	for k := range values {
		if strings.EqualFold(k, field) {
			return fmt.Errorf("%s;%s is given twice", layer, field)
		}
	}
	values[field] = value
	return nil
}

// WriteCSV writes the mapping as a file ReadDXFMapping reads back: a header
// row, then the common values, the layers' values and the layers left
// out, each in name order.
func (m DXFMapping) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	rows := [][]string{{"calque", "champ", "valeur"}}
	add := func(layer string, values map[string]string) {
		for _, k := range slices.Sorted(maps.Keys(values)) {
			rows = append(rows, []string{layer, k, values[k]})
		}
	}
	add("*", m.Common)
	for _, layer := range slices.Sorted(maps.Keys(m.Layers)) {
		add(layer, m.Layers[layer])
	}
	for _, s := range m.Skip {
		rows = append(rows, []string{s, "", DXFSkipValue})
	}
	if m.OnlyListed {
		rows = append(rows, []string{"*", "", DXFSkipValue})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("formats: dxf mapping: %w", err)
	}
	return nil
}
