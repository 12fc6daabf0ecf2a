package store

import (
	"encoding/json"
	"strings"
)

// deriveSearchText is the derived step of the text index: it indexes the
// rows the transaction wrote (or takes out those it deleted), marks the
// layers whose schema changed to be indexed again, and places again the
// features of a commune whose outline changed — in the transaction, so a
// search never finds a feature as it was before a committed edit, nor
// misses one.
func (tx *Tx) deriveSearchText() error {
	if len(tx.writtenRows) == 0 && len(tx.newLayers) == 0 && len(tx.changedLayers) == 0 {
		return nil
	}
	if err := tx.ensureSearchText(); err != nil {
		return err
	}
	for _, l := range tx.newLayers {
		if err := tx.setSearchLayer(l.Schema.Name, true); err != nil {
			return err
		}
	}
	for _, l := range tx.changedLayers {
		if err := tx.setSearchLayer(l.Schema.Name, false); err != nil {
			return err
		}
	}
	var order []string
	byLayer := map[string][]int64{}
	seen := map[Written]bool{}
	for _, w := range tx.writtenRows {
		if seen[w] {
			continue
		}
		seen[w] = true
		if _, ok := byLayer[w.Layer]; !ok {
			order = append(order, w.Layer)
		}
		byLayer[w.Layer] = append(byLayer[w.Layer], w.FID)
	}
	ix := newTextIndexer(tx)
	communes := tx.communesLayerOf()
	var communesWritten []int64
	for _, name := range order {
		l, err := tx.layer(name)
		if err != nil {
			continue // a layer dropped in the transaction
		}
		if err := ix.indexFIDs(l, byLayer[name]); err != nil {
			return err
		}
		if communes != nil && strings.EqualFold(name, communes.Schema.Name) {
			communesWritten = byLayer[name]
		}
	}
	if len(communesWritten) > 0 {
		return ix.replaceCommunes(communesWritten)
	}
	return nil
}

// jsonList is a JSON array of values, as json_each reads it.
func jsonList[T any](vs []T) string {
	if len(vs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(vs)
	return string(b)
}
