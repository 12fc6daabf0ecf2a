package assets

import "embed"

// DemoDir is the directory of DemoFS that holds the real data of the demo
// territory; demo/SOURCE.txt beside it gives origin, licence and the
// attribution lines to show wherever the data is shown.
const DemoDir = "demo"

// DemoFS holds the real data the demo territory is generated on, under
// DemoDir, in GeoJSON (EPSG:4326): the 24 communes of the Communauté de
// communes du Mâconnais-Tournugeois (ccmt-communes.geojson, IGN Admin Express,
// Licence Ouverte), their dissolved outline (ccmt-perimetre.geojson) and the
// Saône centreline clipped to it (ne_10m_saone_ccmt_clip.geojson, Natural
// Earth, public domain).
//
//go:embed demo/*.geojson
var DemoFS embed.FS
