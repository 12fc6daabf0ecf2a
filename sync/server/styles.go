package server

import (
	"encoding/json"

	"terrimap/assets"
)

// DefaultStyle returns the style the platform publishes for a demo layer:
// the map's own default (assets/styles/LAYER.json, the format mapview
// reads), so that the desk draws what the platform means; nil for a layer
// without one.
func DefaultStyle(layer string) json.RawMessage {
	data, err := assets.StylesFS.ReadFile(assets.StylesDir + "/" + layer + ".json")
	if err != nil {
		return nil
	}
	var compact json.RawMessage
	if err := json.Unmarshal(data, &compact); err != nil {
		return nil
	}
	out, err := json.Marshal(compact)
	if err != nil {
		return nil
	}
	return out
}
