package store

import (
	"context"
	"fmt"
)

// CountBy counts the features of a layer by the value of one of its fields
// (its text form; "" for no value), and among them those whose field
// filled holds a value other than "" (none when filled is "" or not a
// field): what a statistic asks of a whole layer, counted by SQLite
// without a row leaving it.
func (ws *Workspace) CountBy(ctx context.Context, layer, field, filled string) (all, withFilled map[string]int, err error) {
	l, err := ws.Layer(layer)
	if err != nil {
		return nil, nil, err
	}
	column := func(name string) string {
		if _, ok := l.Schema.Field(name); ok && name != "" {
			return quoteIdent(l.columns[name])
		}
		return "NULL"
	}
	rows, err := ws.db.QueryContext(ctx, fmt.Sprintf("SELECT COALESCE(CAST(%s AS TEXT), ''), count(*), count(NULLIF(CAST(%s AS TEXT), '')) FROM %s GROUP BY 1",
		column(field), column(filled), quoteIdent(l.Schema.Name)))
	if err != nil {
		return nil, nil, fmt.Errorf("store: count %s by %s: %w", layer, field, err)
	}
	defer rows.Close()
	all, withFilled = map[string]int{}, map[string]int{}
	for rows.Next() {
		var v string
		var n, f int
		if err := rows.Scan(&v, &n, &f); err != nil {
			return nil, nil, fmt.Errorf("store: count %s by %s: %w", layer, field, err)
		}
		all[v] += n
		if f > 0 {
			withFilled[v] += f
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: count %s by %s: %w", layer, field, err)
	}
	return all, withFilled, nil
}
