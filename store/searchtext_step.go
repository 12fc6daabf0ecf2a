package store

import (
	"encoding/json"
	"fmt"
	"strings"
)

// deriveSearchText is the derived step of the text index: it indexes the
// rows the transaction wrote (or takes out those it deleted), marks the
// layers whose schema changed to be indexed again, and places again the
// features of a commune whose outline changed — in the transaction, so a
// search never finds a feature as it was before a committed edit, nor
// misses one.
func (tx *Tx) deriveSearchText() error {
	if len(tx.writtenRows) == 0 && len(tx.newLayers) == 0 && len(tx.changedLayers) == 0 && len(tx.searchLater) == 0 {
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
	for _, r := range tx.searchLater {
		if err := tx.searchLayerFrom(r.layer, r.first-1); err != nil {
			return err
		}
	}
	for _, l := range tx.changedLayers {
		if err := tx.reindexLayer(l); err != nil {
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
		if err := ix.replaceCommunes(communesWritten); err != nil {
			return err
		}
	}
	return ix.flush()
}

// searchLayerFrom records that the rows of layer after fid next are to
// be indexed (BuildSearchText), those before it staying as they are.
func (tx *Tx) searchLayerFrom(layer string, next int64) error {
	_, err := tx.exec(`INSERT INTO tm_search_layer(name, built, next_fid) VALUES (?, 0, ?)
		ON CONFLICT(name) DO UPDATE SET built = 0, next_fid = CASE WHEN built THEN excluded.next_fid ELSE min(next_fid, excluded.next_fid) END`, layer, next)
	if err != nil {
		return fmt.Errorf("store: search text: layer %s: %w", layer, err)
	}
	return nil
}

// reindexInTx is the number of rows up to which the text of a layer whose
// schema changed is indexed again in the transaction, and that of a bulk
// load's rows (bulkLoad.start, bulkLoad.write) in it; more are left to
// BuildSearchText (searches say the index is partial meanwhile).
const reindexInTx = 20_000

// reindexLayer indexes again every row of l, whose fields changed: in the
// transaction when it is small, else later.
func (tx *Tx) reindexLayer(l *Layer) error {
	if err := tx.setSearchLayer(l.Schema.Name, false); err != nil {
		return err
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM "+quoteIdent(l.Schema.Name)).Scan(&n); err != nil {
		return fmt.Errorf("store: search text: count %s: %w", l.Schema.Name, err)
	}
	if n > reindexInTx {
		return nil
	}
	for next := int64(0); ; {
		_, last, whole, err := tx.buildSearchLayer(l, next)
		if err != nil || whole {
			return err
		}
		next = last
	}
}

// jsonList is a JSON array of values, as json_each reads it.
func jsonList[T any](vs []T) string {
	if len(vs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(vs)
	return string(b)
}
