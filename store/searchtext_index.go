package store

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// textIndexer writes features into the text index within one transaction.
type textIndexer struct {
	tx *Tx
	// communes are read at the first feature to place, after the
	// transaction's own writes.
	communes     textCommunes
	communesRead bool
	// values caches the ids of the texts met, for the transaction's life.
	values map[string]int64
	// trigrams are the new values' words, written to the FTS5 table by
	// flush in one statement: FTS5 writes its pending data out at every
	// statement that touches it, one small segment each.
	trigrams []trigramRow
	// terms and holds wait for flush too: one statement for thousands of
	// rows rather than one each (12 holds a feature at 1M).
	terms []termRow
	holds []holdRow
	// fresh says the features indexed hold nothing yet (their entries
	// were deleted in bulk): no delete per feature.
	fresh bool
}

// insertRowsAtOnce is how many rows one INSERT of insertRows writes.
const insertRowsAtOnce = 500

// insertRows writes n rows into table, many per statement (bound values:
// a JSON array read by json_each cost more, parsed again for each column);
// add appends the values of row i to args.
func (ix *textIndexer) insertRows(table string, cols []string, n int, add func(i int, args []any) []any) error {
	args := make([]any, 0, min(n, insertRowsAtOnce)*len(cols))
	for start := 0; start < n; start += insertRowsAtOnce {
		end := min(start+insertRowsAtOnce, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = add(i, args)
		}
		query := "INSERT OR IGNORE" + strings.TrimPrefix(multiInsertSQL(table, cols, end-start), "INSERT")
		if _, err := ix.tx.exec(query, args...); err != nil {
			return err
		}
	}
	return nil
}

// termRow is a word of a new value.
type termRow struct {
	Word  string `json:"w"`
	Value int64  `json:"v"`
}

// holdRow says that a feature holds a value in a field.
type holdRow struct {
	Value int64 `json:"v"`
	Doc   int64 `json:"d"`
	Field int   `json:"f"`
	Named bool  `json:"n"`
}

// trigramRow is a new value for the FTS5 table.
type trigramRow struct {
	ID    int64  `json:"i"`
	Words string `json:"w"`
}

// flush writes the new values' words into the FTS5 table.
func (ix *textIndexer) flush() error {
	if len(ix.trigrams) > 0 {
		_, err := ix.tx.exec(`INSERT INTO tm_search_trigram(rowid, words) SELECT value->>'i', value->>'w' FROM json_each(?)`, jsonList(ix.trigrams))
		if err != nil {
			return fmt.Errorf("store: search text: %w", err)
		}
	}
	err := ix.insertRows("tm_search_term", []string{"word", "value"}, len(ix.terms), func(i int, args []any) []any {
		return append(args, ix.terms[i].Word, ix.terms[i].Value)
	})
	if err == nil {
		err = ix.insertRows("tm_search_hold", []string{"value", "doc", "field", "named"}, len(ix.holds), func(i int, args []any) []any {
			h := ix.holds[i]
			return append(args, h.Value, h.Doc, h.Field, h.Named)
		})
	}
	if err != nil {
		return fmt.Errorf("store: search text: %w", err)
	}
	ix.trigrams, ix.terms, ix.holds = ix.trigrams[:0], ix.terms[:0], ix.holds[:0]
	return nil
}

func newTextIndexer(tx *Tx) *textIndexer {
	return &textIndexer{tx: tx, values: map[string]int64{}}
}

func (ix *textIndexer) readCommunes() error {
	if ix.communesRead {
		return nil
	}
	cs, err := ix.tx.readCommunes(ix.tx.communesLayerOf())
	if err != nil {
		return err
	}
	ix.communes, ix.communesRead = cs, true
	return nil
}

// index writes feature f of layer l into the index, replacing what it held.
func (ix *textIndexer) index(l *Layer, f Feature) error {
	if err := ix.readCommunes(); err != nil {
		return err
	}
	p, has := PointOf(f.Geometry)
	insee := ""
	if key := InseeField(l.Schema); key != "" {
		insee, _ = f.Properties[key].(string)
	}
	var x, y any
	if has {
		x, y = p[0], p[1]
	}
	var doc int64
	s, err := ix.tx.stmt(`INSERT INTO tm_search_doc(layer, fid, uuid, name, commune, insee, x, y) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(layer, fid) DO UPDATE SET uuid = excluded.uuid, name = excluded.name, commune = excluded.commune,
		insee = excluded.insee, x = excluded.x, y = excluded.y RETURNING id`)
	if err == nil {
		err = s.QueryRowContext(ix.tx.ctx, l.Schema.Name, f.FID, f.UUID, DisplayName(l.Schema, f),
			ix.communes.find(insee, p, has), insee, x, y).Scan(&doc)
	}
	if err == nil && !ix.fresh {
		_, err = ix.tx.exec(`DELETE FROM tm_search_hold WHERE doc = ?`, doc)
	}
	if err != nil {
		return fmt.Errorf("store: search text: index %s fid %d: %w", l.Schema.Name, f.FID, err)
	}
	named := NameField(l.Schema, f.Properties)
	for i, fld := range l.Schema.Fields {
		text := FieldText(fld, f.Properties[fld.Name])
		if text == "" {
			continue
		}
		v, err := ix.value(text)
		if err != nil {
			return err
		}
		ix.holds = append(ix.holds, holdRow{v, doc, i, i == named})
	}
	return nil
}

// value returns the id of text in tm_search_value, adding it (with its
// words) when new.
func (ix *textIndexer) value(text string) (int64, error) {
	if id, ok := ix.values[text]; ok {
		return id, nil
	}
	// Most texts missing from the cache are new (a pipe's identifier):
	// insert first, read the id of a text known already only then.
	id, err := ix.addValue(text)
	if err == sql.ErrNoRows {
		var s *sql.Stmt
		if s, err = ix.tx.stmt(`SELECT id FROM tm_search_value WHERE text = ?`); err == nil {
			err = s.QueryRowContext(ix.tx.ctx, text).Scan(&id)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("store: search text: value %q: %w", text, err)
	}
	if len(ix.values) > 100_000 {
		clear(ix.values) // a first build of a large layer: keep the cache bounded
	}
	ix.values[text] = id
	return id, nil
}

// addValue adds text to tm_search_value with its words, and returns its
// id; sql.ErrNoRows when the text is there already.
func (ix *textIndexer) addValue(text string) (int64, error) {
	joined := valueWords(text)
	var id int64
	s, err := ix.tx.stmt(`INSERT INTO tm_search_value(text, words) VALUES (?, ?) ON CONFLICT(text) DO NOTHING RETURNING id`)
	if err != nil {
		return 0, err
	}
	if err := s.QueryRowContext(ix.tx.ctx, text, joined).Scan(&id); err != nil {
		return 0, err
	}
	ix.addedValue(id, joined)
	return id, nil
}

// valueWords are the distinct words of a text (TextWords), joined by
// spaces, as tm_search_value keeps them.
func valueWords(text string) string {
	var words []string
	for _, w := range TextWords(text) {
		if !containsWord(words, w) {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// addedValue queues the words of the value id, just added, for flush.
func (ix *textIndexer) addedValue(id int64, joined string) {
	ix.trigrams = append(ix.trigrams, trigramRow{id, joined})
	if joined == "" {
		return
	}
	for _, w := range strings.Split(joined, " ") {
		ix.terms = append(ix.terms, termRow{w, id})
	}
}

func containsWord(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// remove takes the feature fid of layer out of the index.
func (ix *textIndexer) remove(layer string, fid int64) error {
	_, err := ix.tx.exec(`DELETE FROM tm_search_hold WHERE doc = (SELECT id FROM tm_search_doc WHERE layer = ? AND fid = ?)`, layer, fid)
	if err == nil {
		_, err = ix.tx.exec(`DELETE FROM tm_search_doc WHERE layer = ? AND fid = ?`, layer, fid)
	}
	if err != nil {
		return fmt.Errorf("store: search text: remove %s fid %d: %w", layer, fid, err)
	}
	return nil
}

// fidChunk is how many rows one statement reads by fid.
const fidChunk = 500

// indexFIDs indexes the rows fids of layer l as they are in the
// transaction: those that no longer exist leave the index.
func (ix *textIndexer) indexFIDs(l *Layer, fids []int64) error {
	for start := 0; start < len(fids); start += fidChunk {
		chunk := fids[start:min(start+fidChunk, len(fids))]
		args := make([]any, len(chunk))
		for i, fid := range chunk {
			args[i] = fid
		}
		query := selectSQL(l) + " WHERE " + quoteIdent(l.fidColumn) + " IN (?" + strings.Repeat(", ?", len(chunk)-1) + ")"
		rows, err := ix.tx.tx.QueryContext(ix.tx.ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
		}
		var fs []Feature
		for rows.Next() {
			f, err := scanFeature(l, rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
			}
			fs = append(fs, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
		}
		found := make(map[int64]bool, len(fs))
		for _, f := range fs {
			found[f.FID] = true
			if err := ix.index(l, f); err != nil {
				return err
			}
		}
		for _, fid := range chunk {
			if !found[fid] {
				if err := ix.remove(l.Schema.Name, fid); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// replaceCommunes places again, after the communes fids changed, the
// features that lay in them or lie within their new outlines.
func (ix *textIndexer) replaceCommunes(fids []int64) error {
	ix.communesRead = false
	if err := ix.readCommunes(); err != nil {
		return err
	}
	changed := map[int64]bool{}
	for _, fid := range fids {
		changed[fid] = true
	}
	var area orb.Bound
	first := true
	var codes []string
	for _, c := range ix.communes {
		if !changed[c.fid] {
			continue
		}
		if first {
			area, first = c.bound, false
		} else {
			area = area.Union(c.bound)
		}
		if c.insee != "" {
			codes = append(codes, c.insee)
		}
	}
	query := `SELECT id, insee, x, y, commune FROM tm_search_doc WHERE commune IN (SELECT value FROM json_each(?))
		OR insee IN (SELECT value FROM json_each(?))`
	args := []any{jsonList(fids), jsonList(codes)}
	if !first {
		query += ` OR (x BETWEEN ? AND ? AND y BETWEEN ? AND ?)`
		args = append(args, area.Min[0], area.Max[0], area.Min[1], area.Max[1])
	}
	rows, err := ix.tx.tx.QueryContext(ix.tx.ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: search text: communes: %w", err)
	}
	moved := map[int64]int64{}
	for rows.Next() {
		var id, was int64
		var insee string
		var x, y sql.NullFloat64
		if err := rows.Scan(&id, &insee, &x, &y, &was); err != nil {
			rows.Close()
			return fmt.Errorf("store: search text: communes: %w", err)
		}
		if now := ix.communes.find(insee, orb.Point{x.Float64, y.Float64}, x.Valid && y.Valid); now != was {
			moved[id] = now
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: search text: communes: %w", err)
	}
	for id, c := range moved {
		if _, err := ix.tx.exec(`UPDATE tm_search_doc SET commune = ? WHERE id = ?`, c, id); err != nil {
			return fmt.Errorf("store: search text: communes: %w", err)
		}
	}
	return nil
}
