package store

import (
	"maps"
	"math"

	"terrimap/internal/jsonscan"
)

// appendProperties encodes coerced property values (string, int64, float64,
// bool, nil) as a JSON object, keys sorted, with jsonscan's writer (the
// bytes encoding/json writes, without reflection): the journal writes one
// per edit and an import writes a hundred thousand. A nil map is written
// {}; a NaN or an infinity, which JSON cannot hold, is written null.
func appendProperties(dst []byte, props map[string]any) ([]byte, error) {
	if props == nil {
		return append(dst, "{}"...), nil
	}
	for _, v := range props {
		if !finite(v) {
			props = maps.Clone(props)
			for k, v := range props {
				if !finite(v) {
					props[k] = nil
				}
			}
			break
		}
	}
	return jsonscan.AppendObject(dst, props)
}

// finite reports whether v is not a NaN or infinite float64.
func finite(v any) bool {
	f, ok := v.(float64)
	return !ok || !math.IsNaN(f) && !math.IsInf(f, 0)
}
