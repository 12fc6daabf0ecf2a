package pgstore

import (
	"terrimap/sync/server"
)

// layerDef is a layer of the platform with the table that holds it.
type layerDef struct {
	rec server.LayerRecord
	// schema and table name the PostGIS table (reseaux.<name>).
	schema, table string
}
