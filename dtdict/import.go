package dtdict

import (
	"context"
	"fmt"
	"time"

	"terrimap/store"
)

// Import records a declaration received in the register (Register), then
// analyses it with opts and records whether our networks are concerned —
// the app's import, `terrimap dtdict import` and Answer all begin so.
// When the analysis fails, the entry recorded is returned with the error
// (and a nil Analysis): the declaration stays in the register, to be
// analysed when it is opened or answered. When Register fails, the Entry
// is zero.
func Import(ctx context.Context, ws *store.Workspace, d *Declaration, xml []byte, received time.Time, electronic bool, opts AnalysisOptions) (Entry, *Analysis, error) {
	entry, err := Register(ctx, ws, d, xml, received, electronic)
	if err != nil {
		return Entry{}, nil, err
	}
	a, err := Analyse(ctx, ws, d, opts)
	if err != nil {
		return entry, nil, fmt.Errorf("dtdict: import %s: %w", d.Number, err)
	}
	analysed, err := recordVerdict(ctx, ws, d.Number, d.Kind, a.Concerned)
	if err != nil {
		return entry, nil, err
	}
	return analysed, a, nil
}
