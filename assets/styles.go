package assets

import "embed"

// StylesDir is the directory of StylesFS that holds the default map style
// of each demo layer: one JSON file per layer, named after it
// (canalaep.json…), in the style format of the platform and mapview.
const StylesDir = "styles"

// StylesFS holds the default map styles, under StylesDir.
//
//go:embed styles/*.json
var StylesFS embed.FS
