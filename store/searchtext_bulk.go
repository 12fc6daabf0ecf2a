package store

import (
	"fmt"
	"strings"
)

// Indexing the features of a bulk load (bulkCreate) as they are written,
// from the features in hand: indexFIDs would read every row back, and
// index writes a row of tm_search_doc and looks each text up in a
// statement of its own; here a batch of features costs a few statements.

// startBulk prepares the indexer for the new rows of l from fid first on:
// entries a layer of the same name left at those fids (dropped and made
// again) leave first, so the rows go in without looking.
func (ix *textIndexer) startBulk(l *Layer, first int64) error {
	if _, err := ix.tx.exec(`DELETE FROM tm_search_hold WHERE doc IN (SELECT id FROM tm_search_doc WHERE layer = ? AND fid >= ?)`, l.Schema.Name, first); err != nil {
		return fmt.Errorf("store: search text: %w", err)
	}
	if _, err := ix.tx.exec(`DELETE FROM tm_search_doc WHERE layer = ? AND fid >= ?`, l.Schema.Name, first); err != nil {
		return fmt.Errorf("store: search text: %w", err)
	}
	ix.fresh = true
	return nil
}

// docRowsAtOnce is how many rows of tm_search_doc one INSERT of indexNew
// writes (8 values each).
const docRowsAtOnce = 256

// indexNew indexes new features of l (their FID set), not indexed yet.
func (ix *textIndexer) indexNew(l *Layer, fs []Feature) error {
	if err := ix.readCommunes(); err != nil {
		return err
	}
	insee := InseeField(l.Schema)
	cols := []string{"layer", "fid", "uuid", "name", "commune", "insee", "x", "y"}
	args := make([]any, 0, min(len(fs), docRowsAtOnce)*len(cols))
	for start := 0; start < len(fs); start += docRowsAtOnce {
		chunk := fs[start:min(start+docRowsAtOnce, len(fs))]
		args = args[:0]
		for _, f := range chunk {
			p, has := PointOf(f.Geometry)
			code := ""
			if insee != "" {
				code, _ = f.Properties[insee].(string)
			}
			var x, y any
			if has {
				x, y = p[0], p[1]
			}
			args = append(args, l.Schema.Name, f.FID, f.UUID, DisplayName(l.Schema, f), ix.communes.find(code, p, has), code, x, y)
		}
		res, err := ix.tx.exec(multiInsertSQL(searchDocTable, cols, len(chunk)), args...)
		if err != nil {
			return fmt.Errorf("store: search text: index %s: %w", l.Schema.Name, err)
		}
		last, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: search text: index %s: %w", l.Schema.Name, err)
		}
		if err := ix.holdValues(l, chunk, last-int64(len(chunk)-1)); err != nil {
			return err
		}
	}
	return nil
}

// pendingHold is a hold whose value is not known yet.
type pendingHold struct {
	text string
	hold holdRow
}

// holdValues records the values the features fs hold (their documents
// numbered from doc on), the texts met for the first time added in a few
// statements.
func (ix *textIndexer) holdValues(l *Layer, fs []Feature, doc int64) error {
	var pending []pendingHold
	for i, f := range fs {
		named := NameField(l.Schema, f.Properties)
		for k, fld := range l.Schema.Fields {
			text := FieldText(fld, f.Properties[fld.Name])
			if text == "" {
				continue
			}
			h := holdRow{Doc: doc + int64(i), Field: k, Named: k == named}
			if id, ok := ix.values[text]; ok {
				h.Value = id
				ix.holds = append(ix.holds, h)
				continue
			}
			pending = append(pending, pendingHold{text, h})
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if err := ix.resolveValues(pending); err != nil {
		return err
	}
	for _, p := range pending {
		p.hold.Value = ix.values[p.text]
		ix.holds = append(ix.holds, p.hold)
	}
	return nil
}

// resolveValues puts the ids of the texts of pending in ix.values: those
// tm_search_value holds already, read in one statement per fidChunk
// texts, the others added (with their words) in one statement per
// insertRowsAtOnce.
func (ix *textIndexer) resolveValues(pending []pendingHold) error {
	if len(ix.values) > 100_000 {
		clear(ix.values) // keep the cache bounded
	}
	var texts []string
	seen := map[string]bool{}
	for _, p := range pending {
		if !seen[p.text] {
			seen[p.text] = true
			texts = append(texts, p.text)
		}
	}
	for start := 0; start < len(texts); start += fidChunk {
		chunk := texts[start:min(start+fidChunk, len(texts))]
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t
		}
		rows, err := ix.tx.tx.QueryContext(ix.tx.ctx, `SELECT id, text FROM tm_search_value WHERE text IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: search text: values: %w", err)
		}
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				rows.Close()
				return fmt.Errorf("store: search text: values: %w", err)
			}
			ix.values[text] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: search text: values: %w", err)
		}
	}
	var fresh []string
	for _, t := range texts {
		if _, ok := ix.values[t]; !ok {
			fresh = append(fresh, t)
		}
	}
	for start := 0; start < len(fresh); start += insertRowsAtOnce {
		chunk := fresh[start:min(start+insertRowsAtOnce, len(fresh))]
		words := make([]string, len(chunk))
		args := make([]any, 0, 2*len(chunk))
		for i, t := range chunk {
			words[i] = valueWords(t)
			args = append(args, t, words[i])
		}
		res, err := ix.tx.exec(multiInsertSQL("tm_search_value", []string{"text", "words"}, len(chunk)), args...)
		if err != nil {
			return fmt.Errorf("store: search text: values: %w", err)
		}
		last, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: search text: values: %w", err)
		}
		for i, t := range chunk {
			id := last - int64(len(chunk)-1-i)
			ix.values[t] = id
			ix.addedValue(id, words[i])
		}
	}
	return nil
}
