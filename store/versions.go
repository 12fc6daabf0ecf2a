package store

import (
	"fmt"
	"strings"
)

// StoredVersions returns, for those of ids the layer holds, the platform
// version each has (0 for a feature the platform has not acknowledged yet).
// A sync tells by it the features of the change feed that are already as
// stored — this desk's own edits coming back — from the news.
func (tx *Tx) StoredVersions(layer string, ids []string) (map[string]int64, error) {
	l, err := tx.layer(layer)
	if err != nil {
		return nil, err
	}
	return tx.storedVersions(l, ids)
}

func (tx *Tx) storedVersions(l *Layer, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := fmt.Sprintf("SELECT uuid, tm_version FROM %s WHERE uuid IN (%s)", quoteIdent(l.Schema.Name), strings.TrimSuffix(strings.Repeat("?,", len(part)), ","))
		rows, err := tx.tx.QueryContext(tx.ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: stored versions of %s: %w", l.Schema.Name, err)
		}
		for rows.Next() {
			var id string
			var v int64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: stored versions of %s: %w", l.Schema.Name, err)
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: stored versions of %s: %w", l.Schema.Name, err)
		}
	}
	return out, nil
}

// remoteIDs returns the UUIDs of a batch, in order.
func remoteIDs(batch []RemoteFeature) []string {
	ids := make([]string, len(batch))
	for i, rf := range batch {
		ids[i] = rf.UUID
	}
	return ids
}
