package icgp

import (
	"context"
	"errors"

	"terrimap/store"
)

// DeclarationsLayer is the synced layer that holds the declared checklist.
const DeclarationsLayer = "icgp_declarations"

// ErrNoNetwork is returned (wrapped) when the workspace holds neither the
// water nor the sewer network's layer.
var ErrNoNetwork = errors.New("icgp: the workspace has no canalaep nor canalass layer")

// Compute scores both services of the territory opts names.
func Compute(ctx context.Context, ws *store.Workspace, opts Options) (*Report, error) {
	return nil, ErrNoNetwork
}

// Declare writes a declaration into icgp_declarations, at the interior
// point of the commune's territory; it is synced as any edit.
func Declare(ctx context.Context, ws *store.Workspace, d Declaration) error {
	return errors.New("icgp: declare: not yet")
}
