package search

import (
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// DisplayName is the text that names a feature best: a name, a number or
// an identifier, else its first text value, else the end of its UUID
// (store.DisplayName: the index stores it with each feature).
func DisplayName(l schema.Layer, f store.Feature) string { return store.DisplayName(l, f) }

// FieldText is the text a value of a text or coded field shows: the label
// of a coded value, the text itself; "" for other types and no value.
func FieldText(fld schema.Field, v any) string { return store.FieldText(fld, v) }

// PointOf is a point that stands for g (store.PointOf): the index places a
// feature in the commune holding it.
func PointOf(g orb.Geometry) (orb.Point, bool) { return store.PointOf(g) }
