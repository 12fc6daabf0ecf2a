package server

import "encoding/json"

// DefaultStyle returns the style the platform publishes for a demo layer:
// colours a GIS technician reads at a glance (water blue, sewers brown,
// hydrants red, lights yellow), as JSON for the desktop's map engine.
func DefaultStyle(layer string) json.RawMessage {
	styles := map[string]string{
		"communes":       `{"stroke":"#5c5c5c","width":1.5,"fill":"#00000000","label":"nom_officiel"}`,
		"canalaep":       `{"stroke":"#1f78b4","width":2}`,
		"apparaep":       `{"symbol":"square","fill":"#1f78b4","size":6}`,
		"ouvraep":        `{"symbol":"square","fill":"#08306b","size":10,"label":"nom"}`,
		"canalass":       `{"stroke":"#8c510a","width":2,"dash":[6,3]}`,
		"apparass":       `{"symbol":"triangle","fill":"#8c510a","size":6}`,
		"ouvrass":        `{"symbol":"circle","fill":"#ffffff","stroke":"#8c510a","size":6}`,
		"pei":            `{"symbol":"circle","fill":"#e31a1c","stroke":"#ffffff","size":9,"label":"numero"}`,
		"eclairage":      `{"symbol":"star","fill":"#ffd92f","stroke":"#7a6000","size":6}`,
		"batiment":       `{"stroke":"#6a3d9a","width":1,"fill":"#cab2d6aa","label":"nom"}`,
		"zone_inondable": `{"stroke":"#2c7fb8","width":1,"fill":"#7fcdbb66"}`,
		"interventions":  `{"symbol":"diamond","fill":"#ff7f00","size":8}`,
	}
	if s, ok := styles[layer]; ok {
		return json.RawMessage(s)
	}
	return nil
}
