package pgstore

import (
	"strings"

	"github.com/jackc/pgx/v5"

	"terrimap/store/schema"
)

// rowJSON is an SQL expression giving the row alias's fields as one JSON
// object, keyed by field name, in the forms protocol.CoerceProperties
// reads (dates as text, timestamps in UTC RFC 3339).
func rowJSON(def schema.Layer, alias string) string {
	if len(def.Fields) == 0 {
		return `'{}'::jsonb`
	}
	parts := make([]string, 0, 2*len(def.Fields))
	for _, f := range def.Fields {
		parts = append(parts, quoteLiteral(f.Name), canonicalColumn(f, alias))
	}
	return `jsonb_build_object(` + strings.Join(parts, ", ") + `)`
}

// canonicalColumn is the SQL expression of a field's value in its canonical
// form, whatever the column's type (a table re-created by ogr2ogr may
// have varchar or integer where the platform made text or bigint).
func canonicalColumn(f schema.Field, alias string) string {
	col := alias + "." + pgx.Identifier{f.Name}.Sanitize()
	switch f.Type {
	case schema.Date:
		return `to_char(` + col + `::date, 'YYYY-MM-DD')`
	case schema.DateTime:
		return `to_char(` + col + `::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
	}
	return col
}

// geomValue is the SQL expression of a row's geometry as 2-D EWKB in
// EPSG:4326: Z and M are dropped (flattened) explicitly, another SRID is
// transformed.
func geomValue(alias string) string {
	g := alias + ".geom"
	return `ST_AsEWKB(ST_Force2D(CASE WHEN ST_SRID(` + g + `) IN (0, 4326) THEN ST_SetSRID(` + g + `, 4326) ELSE ST_Transform(` + g + `, 4326) END))`
}

// rowHashExpr is the SQL expression of a table row's hash (heads.row_hash):
// the md5 of its fields' canonical values and its geometry's EWKB as
// stored, each quoted (NULL as NULL), so that no two different rows share
// the text hashed. The hash only tells rows that may have changed: the
// rows whose hash differs are compared by content (settleRows), so the
// geometry is hashed as it is (a third of the cost of geomValue's
// flattening, for every row of every reconciliation).
func rowHashExpr(def schema.Layer, alias string) string {
	parts := make([]string, 0, len(def.Fields)+1)
	for _, f := range def.Fields {
		parts = append(parts, `quote_nullable(`+canonicalColumn(f, alias)+`::text)`)
	}
	parts = append(parts, `quote_nullable(encode(ST_AsEWKB(`+alias+`.geom), 'hex'))`)
	return `md5(concat_ws(',', ` + strings.Join(parts, ", ") + `))`
}
