package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"terrimap/store"
)

// The reads of the workspace's text index (store/searchtext_schema.go
// describes its tables).

// docRow is one feature as the index holds it.
type docRow struct {
	id      int64
	layer   string
	fid     int64
	uuid    string
	name    string
	commune int64 // fid in the communes layer; 0 for none
}

// communeRow is one commune: its name and words.
type communeRow struct {
	name  string
	words []string
}

// hasIndex reports whether the workspace has a text index at all.
func hasIndex(ctx context.Context, db *sql.DB) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tm_search_doc'`).Scan(&n)
	return n > 0, err
}

// jsonIDs is a JSON array of ids, as json_each reads it.
func jsonIDs[K comparable, V any](m map[K]V) string {
	ids := make([]K, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// readCommunes reads the communes of the workspace's communes layer, by
// fid: from the index, or from the layer itself while the index is partial
// (its communes may not be indexed yet).
func (ix *Index) readCommunes(ctx context.Context, partial bool) (map[int64]communeRow, error) {
	out := map[int64]communeRow{}
	var layer *store.Layer
	for _, l := range ix.ws.Layers() {
		if store.IsCommunes(l.Schema) {
			layer = l
			break
		}
	}
	if layer == nil {
		return out, nil
	}
	if partial {
		err := ix.ws.Each(ctx, store.Query{Layer: layer.Name()}, func(f store.Feature) bool {
			name := store.DisplayName(layer.Schema, f)
			out[f.FID] = communeRow{name: name, words: Words(name)}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("search: read the communes: %w", err)
		}
		return out, nil
	}
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT fid, name FROM tm_search_doc WHERE layer = ?`, layer.Name())
	if err != nil {
		return nil, fmt.Errorf("search: read the communes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid int64
		var name string
		if err := rows.Scan(&fid, &name); err != nil {
			return nil, fmt.Errorf("search: read the communes: %w", err)
		}
		out[fid] = communeRow{name: name, words: Words(name)}
	}
	return out, rows.Err()
}

// valueCap is how many values a word's first look-up reads: a word held
// by more is read whole only when no other word of the query is rarer.
const valueCap = 5000

// matchingValues returns the values holding a word that q matches (whole,
// as a start, or inside from minInside characters), with the quality of
// the best match; capped when it stopped at limit values (0: none).
func (ix *Index) matchingValues(ctx context.Context, q string, limit int) (values map[int64]int, capped bool, err error) {
	var rows *sql.Rows
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit+1)
	}
	if utf8.RuneCountInString(q) >= minInside {
		rows, err = ix.ws.DB().QueryContext(ctx, `SELECT v.id, v.words FROM tm_search_trigram t JOIN tm_search_value v ON v.id = t.rowid
			WHERE tm_search_trigram MATCH ?`+lim, trigramQuery(q))
	} else {
		rows, err = ix.ws.DB().QueryContext(ctx, `SELECT v.id, v.words FROM tm_search_term t JOIN tm_search_value v ON v.id = t.value
			WHERE t.word >= ? AND t.word < ?`+lim, q, q+"\U0010FFFF")
	}
	if err != nil {
		return nil, false, fmt.Errorf("search: words: %w", err)
	}
	defer rows.Close()
	values = map[int64]int{}
	n := 0
	for rows.Next() {
		var id int64
		var words string
		if err := rows.Scan(&id, &words); err != nil {
			return nil, false, fmt.Errorf("search: words: %w", err)
		}
		if n++; limit > 0 && n > limit {
			return values, true, nil
		}
		if best := bestQuality(q, words); best != noMatch {
			values[id] = best
		}
	}
	return values, false, rows.Err()
}

// wholeValues returns the values holding the word w itself.
func (ix *Index) wholeValues(ctx context.Context, w string) (map[int64]int, error) {
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT value FROM tm_search_term WHERE word = ?`, w)
	if err != nil {
		return nil, fmt.Errorf("search: words: %w", err)
	}
	defer rows.Close()
	values := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: words: %w", err)
		}
		values[id] = whole
	}
	return values, rows.Err()
}

// bestQuality is how well q matches the best of words (joined by spaces).
func bestQuality(q, words string) int {
	best := noMatch
	for w := range strings.FieldsSeq(words) {
		best = max(best, quality(q, w))
	}
	return best
}

// trigramQuery is the FTS5 query of the values whose words hold q: all
// of its trigrams (the match is checked word by word after).
func trigramQuery(q string) string {
	r := []rune(q)
	var parts []string
	for i := 0; i+3 <= len(r); i++ {
		t := `"` + string(r[i:i+3]) + `"`
		if !contains(parts, t) {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " AND ")
}

// countHolders counts the features holding the values plus those lying in
// the communes: what a word's candidates would cost to read.
func (ix *Index) countHolders(ctx context.Context, values, communes map[int64]int) (int, error) {
	var a, b int
	err := ix.ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM tm_search_hold WHERE value IN (SELECT value FROM json_each(?))`, jsonIDs(values)).Scan(&a)
	if err == nil && len(communes) > 0 {
		err = ix.ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM tm_search_doc WHERE commune IN (SELECT value FROM json_each(?))`, jsonIDs(communes)).Scan(&b)
	}
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return a + b, nil
}

// wordDocs scores every feature matching one word: by the values it holds
// (twice the match's quality, plus one in the field naming it) or by its
// commune (twice the quality).
func (ix *Index) wordDocs(ctx context.Context, values, communes map[int64]int) (map[int64]uint8, error) {
	docs := map[int64]uint8{}
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT doc, value, named FROM tm_search_hold WHERE value IN (SELECT value FROM json_each(?))`, jsonIDs(values))
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	for rows.Next() {
		var doc, value int64
		var named bool
		if err := rows.Scan(&doc, &value, &named); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search: read: %w", err)
		}
		s := uint8(2 * values[value])
		if named {
			s++
		}
		docs[doc] = max(docs[doc], s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	if len(communes) == 0 {
		return docs, nil
	}
	rows, err = ix.ws.DB().QueryContext(ctx, `SELECT id, commune FROM tm_search_doc WHERE commune IN (SELECT value FROM json_each(?))`, jsonIDs(communes))
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc, commune int64
		if err := rows.Scan(&doc, &commune); err != nil {
			return nil, fmt.Errorf("search: read: %w", err)
		}
		docs[doc] = max(docs[doc], uint8(2*communes[commune]))
	}
	return docs, rows.Err()
}

// heldWords reads, for each of the features docs, the words of every value
// it holds and whether the field holding it names the feature.
func (ix *Index) heldWords(ctx context.Context, docs map[int64]int) (map[int64][]heldValue, error) {
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT h.doc, h.field, h.named, v.text, v.words FROM tm_search_hold h
		JOIN tm_search_value v ON v.id = h.value WHERE h.doc IN (SELECT value FROM json_each(?)) ORDER BY h.doc, h.field`, jsonIDs(docs))
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	defer rows.Close()
	out := map[int64][]heldValue{}
	for rows.Next() {
		var doc int64
		var h heldValue
		if err := rows.Scan(&doc, &h.field, &h.named, &h.text, &h.words); err != nil {
			return nil, fmt.Errorf("search: read: %w", err)
		}
		out[doc] = append(out[doc], h)
	}
	return out, rows.Err()
}

// heldValue is the text a feature holds in one of its fields.
type heldValue struct {
	field int
	named bool
	text  string
	words string // TextWords of text, joined by spaces
}

// readDocs reads the features docs as the index holds them.
func (ix *Index) readDocs(ctx context.Context, docs map[int64]int) (map[int64]docRow, error) {
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT id, layer, fid, uuid, name, commune FROM tm_search_doc
		WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(docs))
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]docRow, len(docs))
	for rows.Next() {
		var d docRow
		if err := rows.Scan(&d.id, &d.layer, &d.fid, &d.uuid, &d.name, &d.commune); err != nil {
			return nil, fmt.Errorf("search: read: %w", err)
		}
		out[d.id] = d
	}
	return out, rows.Err()
}

// firstDocs reads the first n of the features ids by name, shortest
// first (then by name, layer name and fid), as SQLite sorts them.
func (ix *Index) firstDocs(ctx context.Context, ids []int64, n int) ([]docRow, error) {
	b, _ := json.Marshal(ids)
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT id, layer, fid, uuid, name, commune FROM tm_search_doc
		WHERE id IN (SELECT value FROM json_each(?)) ORDER BY length(CAST(name AS BLOB)), name, layer, fid LIMIT ?`, string(b), n)
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	defer rows.Close()
	var out []docRow
	for rows.Next() {
		var d docRow
		if err := rows.Scan(&d.id, &d.layer, &d.fid, &d.uuid, &d.name, &d.commune); err != nil {
			return nil, fmt.Errorf("search: read: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// docsByFID reads the index's rows of features of one layer, by fid.
func (ix *Index) docsByFID(ctx context.Context, layer string, fids []int64) (map[int64]docRow, error) {
	b, _ := json.Marshal(fids)
	rows, err := ix.ws.DB().QueryContext(ctx, `SELECT id, layer, fid, uuid, name, commune FROM tm_search_doc
		WHERE layer = ? AND fid IN (SELECT value FROM json_each(?))`, layer, string(b))
	if isNoSuchTable(err) {
		return map[int64]docRow{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: read: %w", err)
	}
	defer rows.Close()
	out := map[int64]docRow{}
	for rows.Next() {
		var d docRow
		if err := rows.Scan(&d.id, &d.layer, &d.fid, &d.uuid, &d.name, &d.commune); err != nil {
			return nil, fmt.Errorf("search: read: %w", err)
		}
		out[d.fid] = d
	}
	return out, rows.Err()
}

func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}
