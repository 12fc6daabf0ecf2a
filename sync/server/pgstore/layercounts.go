package pgstore

import (
	"context"
	"fmt"
)

// LayerCounts returns how many current features each layer's table holds
// (terrimap-server layer list).
func (s *Storage) LayerCounts(ctx context.Context) (map[string]int, error) {
	ls, err := loadLayers(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("pgstore: layer counts: %w", err)
	}
	out := make(map[string]int, len(ls))
	for _, l := range ls {
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+l.ident()).Scan(&n); err != nil {
			return nil, fmt.Errorf("pgstore: layer counts: %s: %w", l.name(), err)
		}
		out[l.name()] = n
	}
	return out, nil
}
