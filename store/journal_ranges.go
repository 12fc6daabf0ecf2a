package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"terrimap/store/gpkgbin"
)

// A bulk import journals its creations as ranges of rows, one row of
// tm_journal_ranges per run of consecutive fids, rather than an entry per
// feature: writing 100,000 entries, each a copy of its row, was 0.65 s of
// a 1.6 s import of 100,000 points (journalRows, profiled). A range is
// unfolded into the entries journalRows would have written — same
// properties, geometry and time, a change id each — when the journal is
// next read to be sent (Journal, JournalExcept), before any other entry of
// one of its features is written (an edit, a deletion: the entries of a
// feature keep their order), and before its layer's schema changes. Until
// then every question about the journal counts the range's features as
// pending creations (hasJournal, journaledIDs, JournalCount,
// PendingByLayer). A range holds no copy of its rows: it needs none, since
// no row of a range changes without its range being unfolded first
// (Update and Delete call unfoldFID before they write the row).

// journalRange is the creation of the rows First to Last of a layer, all
// journaled together by one import.
type journalRange struct {
	id          int64
	layer       string
	first, last int64
	createdAt   string
}

// rangeable reports whether the creation of fs, just written, can be
// journaled as a range: their rows are those of a range (rowsOfFeatures)
// and none has an empty geometry (its row holds the blob of no geometry,
// which an unfolded entry would read as none).
func rangeable(l *Layer, fs []Feature) bool {
	if len(fs) == 0 || !rowsOfFeatures(l, fs) {
		return false
	}
	for _, f := range fs {
		if f.Geometry != nil && gpkgbin.IsEmpty(f.Geometry) {
			return false
		}
	}
	return true
}

// appendRange journals the creation of the rows first to last of layer
// (rangeable) by growing the last of ranges when they follow it, or
// opening another; writeRanges writes them.
func appendRange(ranges []fidRange, layer string, first, last int64) []fidRange {
	if n := len(ranges); n > 0 && ranges[n-1].layer == layer && ranges[n-1].last+1 == first {
		ranges[n-1].last = last
		return ranges
	}
	return append(ranges, fidRange{layer, first, last})
}

// writeRanges records ranges of creations in the journal.
func (tx *Tx) writeRanges(ranges []fidRange) error {
	now := journalTime()
	for _, r := range ranges {
		if _, err := tx.exec(`INSERT INTO tm_journal_ranges (layer, first_fid, last_fid, created_at) VALUES (?, ?, ?, ?)`,
			r.layer, r.first, r.last, now); err != nil {
			return fmt.Errorf("store: journal %s: %w", r.layer, err)
		}
	}
	return nil
}

// journalRanges reads the ranges of layer, or of every layer when layer
// is empty, in the order they were journaled; none in a workspace made
// before ranges were.
func (tx *Tx) journalRanges(layer string) ([]journalRange, error) {
	q := `SELECT id, layer, first_fid, last_fid, created_at FROM tm_journal_ranges`
	var args []any
	if layer != "" {
		q += ` WHERE layer = ?`
		args = append(args, layer)
	}
	s, err := tx.stmt(q + ` ORDER BY id`)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: journal ranges: %w", err)
	}
	rows, err := s.QueryContext(tx.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("store: journal ranges: %w", err)
	}
	defer rows.Close()
	var out []journalRange
	for rows.Next() {
		var r journalRange
		if err := rows.Scan(&r.id, &r.layer, &r.first, &r.last, &r.createdAt); err != nil {
			return nil, fmt.Errorf("store: journal ranges: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// unfoldChunk is how many entries of a range one statement writes: the
// change ids it binds take 36 bytes each.
const unfoldChunk = 16384

// unfoldRange writes r's entries into tm_journal and removes r.
func (tx *Tx) unfoldRange(r journalRange) error {
	l, err := tx.layer(r.layer)
	if err != nil {
		return fmt.Errorf("store: unfold journal of %s: %w", r.layer, err)
	}
	if err := tx.journalRange(l, r.first, r.last, r.createdAt); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM tm_journal_ranges WHERE id = ?`, r.id); err != nil {
		return fmt.Errorf("store: unfold journal of %s: %w", r.layer, err)
	}
	return nil
}

// journalRange writes the entries of the creation of rows first to last
// of l, made at the time created, into tm_journal.
func (tx *Tx) journalRange(l *Layer, first, last int64, created string) error {
	for from := first; from <= last; from += unfoldChunk {
		if _, _, err := tx.journalFIDs(l, from, min(from+unfoldChunk-1, last), created); err != nil {
			return err
		}
	}
	return nil
}

// unfoldRanges unfolds the ranges of every layer but those in except, in
// the order they were journaled.
func (tx *Tx) unfoldRanges(except []string) error {
	ranges, err := tx.journalRanges("")
	if err != nil {
		return err
	}
	for _, r := range ranges {
		if slices.Contains(except, r.layer) {
			continue
		}
		if err := tx.unfoldRange(r); err != nil {
			return err
		}
	}
	return nil
}

// unfoldLayer unfolds the ranges of one layer.
func (tx *Tx) unfoldLayer(layer string) error {
	ranges, err := tx.journalRanges(layer)
	if err != nil {
		return err
	}
	for _, r := range ranges {
		if err := tx.unfoldRange(r); err != nil {
			return err
		}
	}
	return nil
}

// unfoldFeature unfolds the range that holds the creation of the feature
// id of layer, if one does: before its entries are read or changed.
func (tx *Tx) unfoldFeature(layer, id string) error {
	r, ok, err := tx.rangeOfFeature(layer, id)
	if err != nil || !ok {
		return err
	}
	return tx.unfoldRange(r)
}

// unfoldFID unfolds the range that holds the creation of the row fid of
// layer, if one does: before the row changes (an edit, a deletion), as
// the range's entries are read from the rows.
func (tx *Tx) unfoldFID(layer string, fid int64) error {
	r, ok, err := tx.rangeOf(layer, fid)
	if err != nil || !ok {
		return err
	}
	return tx.unfoldRange(r)
}

// rangeOf finds the range of layer that holds the row fid; ok is false
// when none does.
func (tx *Tx) rangeOf(layer string, fid int64) (r journalRange, ok bool, err error) {
	ranges, err := tx.journalRanges(layer)
	if err != nil {
		return r, false, err
	}
	for _, r := range ranges {
		if fid >= r.first && fid <= r.last {
			return r, true, nil
		}
	}
	return r, false, nil
}

// rangeOfFeature finds the range of layer that holds the creation of the
// feature id; ok is false when none does (or no such feature).
func (tx *Tx) rangeOfFeature(layer, id string) (r journalRange, ok bool, err error) {
	ranges, err := tx.journalRanges(layer)
	if err != nil || len(ranges) == 0 {
		return r, false, err // no ranges: no need to look the feature up
	}
	fid, found, err := tx.fidOf(layer, id)
	if err != nil || !found {
		return r, false, err
	}
	return tx.rangeOf(layer, fid)
}

// fidOf finds the fid of the feature id of layer; ok is false when the
// layer has no such feature.
func (tx *Tx) fidOf(layer, id string) (fid int64, ok bool, err error) {
	l, err := tx.layer(layer)
	if err != nil {
		return 0, false, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	s, err := tx.stmt(fmt.Sprintf(`SELECT %s FROM %s WHERE uuid = ?`, quoteIdent(l.fidColumn), quoteIdent(l.Schema.Name)))
	if err != nil {
		return 0, false, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	rows, err := s.QueryContext(tx.ctx, id)
	if err != nil {
		return 0, false, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, false, rows.Err()
	}
	if err := rows.Scan(&fid); err != nil {
		return 0, false, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	return fid, true, rows.Err()
}

// inRanges reports whether the feature id of layer is the creation of one
// of the layer's ranges.
func (tx *Tx) inRanges(layer, id string) (bool, error) {
	_, ok, err := tx.rangeOfFeature(layer, id)
	return ok, err
}

// rangedIDs adds to ids the features of layer whose creation is in one of
// its ranges.
func (tx *Tx) rangedIDs(layer string, ids map[string]bool) error {
	ranges, err := tx.journalRanges(layer)
	if err != nil || len(ranges) == 0 {
		return err
	}
	l, err := tx.layer(layer)
	if err != nil {
		return fmt.Errorf("store: journal lookup: %w", err)
	}
	q := fmt.Sprintf(`SELECT uuid FROM %s WHERE %s BETWEEN ? AND ?`, quoteIdent(l.Schema.Name), quoteIdent(l.fidColumn))
	for _, r := range ranges {
		rows, err := tx.tx.QueryContext(tx.ctx, q, r.first, r.last)
		if err != nil {
			return fmt.Errorf("store: journal lookup: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: journal lookup: %w", err)
			}
			ids[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: journal lookup: %w", err)
		}
	}
	return nil
}

// unfoldJournal unfolds, before the journal is read, the ranges of every
// layer but those in except. A workspace opened read-only cannot: it
// refuses with ErrReadOnly rather than read a journal without them.
func (ws *Workspace) unfoldJournal(ctx context.Context, except []string) error {
	q := `SELECT count(*) FROM tm_journal_ranges`
	args := make([]any, len(except))
	if len(except) > 0 {
		q += ` WHERE layer NOT IN (` + strings.TrimSuffix(strings.Repeat("?,", len(except)), ",") + `)`
		for i, l := range except {
			args[i] = l
		}
	}
	var n int
	err := ws.db.QueryRowContext(ctx, q, args...).Scan(&n)
	if isNoSuchTable(err) || (err == nil && n == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read journal: %w", err)
	}
	if ws.readOnly {
		return fmt.Errorf("store: read journal: an import's creations are still to be written out: %w", ErrReadOnly)
	}
	return ws.Edit(ctx, func(tx *Tx) error { return tx.unfoldRanges(except) })
}

// unfoldFeature unfolds, before the entries of the feature id of layer are
// read, the range that holds its creation, if one does; a workspace opened
// read-only refuses then with ErrReadOnly.
func (ws *Workspace) unfoldFeature(ctx context.Context, layer, id string) error {
	l, err := ws.Layer(layer)
	if err != nil {
		return nil // no such layer: no entries either
	}
	var in bool
	err = ws.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM tm_journal_ranges r JOIN %s t
		ON t.%s BETWEEN r.first_fid AND r.last_fid WHERE r.layer = ? AND t.uuid = ?)`,
		quoteIdent(l.Schema.Name), quoteIdent(l.fidColumn)), l.Schema.Name, id).Scan(&in)
	if isNoSuchTable(err) || (err == nil && !in) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: journal of %s: %w", id, err)
	}
	if ws.readOnly {
		return fmt.Errorf("store: journal of %s: its creation by an import is still to be written out: %w", id, ErrReadOnly)
	}
	return ws.Edit(ctx, func(tx *Tx) error { return tx.unfoldFeature(l.Schema.Name, id) })
}

// rangeCounts counts the creations of the ranges, by layer.
func (ws *Workspace) rangeCounts(ctx context.Context) (map[string]int, error) {
	return ws.countJournal(ctx, `SELECT layer, sum(last_fid - first_fid + 1) FROM tm_journal_ranges GROUP BY layer`)
}
