package demoseed

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// ErrUnknownStandard is returned (wrapped) by Standard for a name it does
// not know.
var ErrUnknownStandard = errors.New("demoseed: unknown standard")

// standards are the sets of layers a real platform publishes empty, as the
// demo defines them, for a feature of the desks that needs them: "dtdict"
// (the networks declared at the guichet unique and the register of
// DT-DICT declarations), "icgp" (the checklist of the network knowledge
// index).
var standards = map[string][]string{
	"dtdict": {demo.LayerDTDictOuvrages, demo.LayerDTDict},
	"icgp":   {demo.LayerICGPDeclarations},
}

// StandardNames lists the standards Standard knows, sorted.
func StandardNames() []string {
	names := make([]string, 0, len(standards))
	for n := range standards {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Standard returns the layers of a standard as the platform publishes
// them (schema, style, who may edit), without features.
func Standard(name string) ([]server.LayerRecord, error) {
	wanted, ok := standards[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("%w: %q (known: %s)", ErrUnknownStandard, name, strings.Join(StandardNames(), ", "))
	}
	var out []server.LayerRecord
	for _, l := range demo.Layers() {
		if slices.Contains(wanted, l.Name) {
			out = append(out, layerRecord(l))
		}
	}
	if len(out) != len(wanted) {
		return nil, fmt.Errorf("demoseed: standard %s: the demo defines %d of its %d layers", name, len(out), len(wanted))
	}
	return out, nil
}
