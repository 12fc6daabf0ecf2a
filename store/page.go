package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"terrimap/store/schema"
)

// TableQuery picks the rows of one layer that an attribute table shows:
// those meeting every condition of Where, in the order Order asks (fid
// order when nil). SQLite does the filtering and the sorting; the table
// then reads the rows it shows by pages (FeaturesByFID).
type TableQuery struct {
	Layer string
	Where []Cond
	Order *Order
}

// Order sorts a table's rows on one field: numbers as numbers, dates in
// time, yes before no, and the rest by their text in French order (case
// and accents aside, numbers within by value). Empty values come last
// whichever the way; rows that compare equal keep their fid order.
type Order struct {
	Field string
	Desc  bool
	// Labels, when set, are the texts shown for values (a coded value's
	// label, a commune's name for its INSEE code): the rows sort by them,
	// a value without a label by its own text.
	Labels map[string]string
}

// Cond is a condition on a layer's rows that SQLite evaluates: make one
// with Contains, In, FIDIn or AnyOf.
type Cond struct {
	op     condOp
	word   string
	parts  []TextPart
	field  string
	values []any
	fids   []int64
	any    []Cond
}

type condOp int

const (
	opContains condOp = iota
	opIn
	opFIDs
	opAny
)

// TextForm is how a field's value is written in the text Contains
// searches, so that it reads as the table shows it.
type TextForm int

const (
	// FormText is the value's own text.
	FormText TextForm = iota
	// FormDate writes a date (2006-01-02) as 02/01/2006.
	FormDate
	// FormDateTime writes a date and time as 02/01/2006 15:04, local time.
	FormDateTime
	// FormReal writes a number without a useless «.0», with TextPart.Mark
	// as its decimal mark.
	FormReal
)

// TextPart is a field's share of the text Contains searches.
type TextPart struct {
	Field string
	Form  TextForm
	// Mark is FormReal's decimal mark ("," in French; "." when empty).
	Mark string
	// Except are values shown as other words (coded values by their
	// labels): their own text is not searched.
	Except []string
}

// Contains keeps the rows where the text of the parts, case and accents
// aside, contains word.
func Contains(word string, parts ...TextPart) Cond {
	return Cond{op: opContains, word: Fold(word), parts: parts}
}

// In keeps the rows whose field holds one of values (none: no row).
func In(field string, values ...any) Cond { return Cond{op: opIn, field: field, values: values} }

// FIDIn keeps the rows of these fids.
func FIDIn(fids []int64) Cond { return Cond{op: opFIDs, fids: fids} }

// AnyOf keeps the rows meeting at least one of conds (none: no row).
func AnyOf(conds ...Cond) Cond { return Cond{op: opAny, any: conds} }

// CountRows returns the number of rows of a layer.
func (ws *Workspace) CountRows(ctx context.Context, layer string) (int, error) {
	l, err := ws.Layer(layer)
	if err != nil {
		return 0, err
	}
	var n int
	if err := ws.db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(l.Schema.Name)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s: %w", layer, err)
	}
	return n, nil
}

// TableFIDs returns the fids of the rows q picks, in its order: a table
// of half a million rows holds 4 MB of them and reads the rows it shows
// by pages. SQLite gives them as one text (group_concat): a row of the
// driver per fid would cost more than the query.
func (ws *Workspace) TableFIDs(ctx context.Context, q TableQuery) ([]int64, error) {
	l, err := ws.Layer(q.Layer)
	if err != nil {
		return nil, err
	}
	var where, order sqlBuilder
	for i, c := range q.Where {
		if i == 0 {
			where.WriteString(" WHERE ")
		} else {
			where.WriteString(" AND ")
		}
		if err := where.cond(l, c); err != nil {
			return nil, fmt.Errorf("store: table %s: %w", l.Schema.Name, err)
		}
	}
	if q.Order != nil {
		if err := order.order(l, *q.Order); err != nil {
			return nil, fmt.Errorf("store: table %s: %w", l.Schema.Name, err)
		}
	}
	// Without ORDER BY, SQLite reads the fids from the smallest index
	// that holds them (the UUIDs'), not from the whole table: sorting them
	// here is faster than its walk of every row.
	query := fmt.Sprintf("SELECT group_concat(%s, ','%s) FROM %s%s", quoteIdent(l.fidColumn), order.String(), quoteIdent(l.Schema.Name), where.String())
	var list sql.NullString
	if err := ws.db.QueryRowContext(ctx, query, where.args...).Scan(&list); err != nil {
		return nil, fmt.Errorf("store: table %s: %w", l.Schema.Name, err)
	}
	fids, err := parseFIDs(list.String)
	if err != nil {
		return nil, fmt.Errorf("store: table %s: %w", l.Schema.Name, err)
	}
	if q.Order == nil {
		slices.Sort(fids)
	}
	return fids, nil
}

// parseFIDs reads fids written 1,2,3 ("" for none).
func parseFIDs(list string) ([]int64, error) {
	if list == "" {
		return nil, nil
	}
	fids := make([]int64, 0, strings.Count(list, ",")+1)
	for item := range strings.SplitSeq(list, ",") {
		fid, err := strconv.ParseInt(item, 10, 64)
		if err != nil {
			return nil, err
		}
		fids = append(fids, fid)
	}
	return fids, nil
}

// FeaturesByFID reads the features of these fids, in their order; a fid
// without a row is left out. It is a table's read of a page.
func (ws *Workspace) FeaturesByFID(ctx context.Context, layer string, fids []int64) ([]Feature, error) {
	l, err := ws.Layer(layer)
	if err != nil {
		return nil, err
	}
	if len(fids) == 0 {
		return nil, nil
	}
	query := selectSQL(l) + " WHERE " + quoteIdent(l.fidColumn) + " IN (SELECT value FROM json_each(?))"
	rows, err := ws.db.QueryContext(ctx, query, fidsJSON(fids))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	defer rows.Close()
	byFID := make(map[int64]Feature, len(fids))
	for rows.Next() {
		f, err := scanFeature(l, rows)
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
		}
		byFID[f.FID] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	out := make([]Feature, 0, len(byFID))
	for _, fid := range fids {
		if f, ok := byFID[fid]; ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// fidsJSON is a JSON array of fids, as json_each reads it.
func fidsJSON(fids []int64) string {
	ids := make([]byte, 0, 8*len(fids)+2)
	ids = append(ids, '[')
	for i, fid := range fids {
		if i > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, fid, 10)
	}
	return string(append(ids, ']'))
}

// sqlBuilder writes a statement and gathers its arguments.
type sqlBuilder struct {
	strings.Builder
	args []any
}

// column is the quoted column of a field of l.
func column(l *Layer, field string) (string, schema.Field, error) {
	f, ok := l.Schema.Field(field)
	if !ok {
		return "", f, fmt.Errorf("%w: %s", schema.ErrUnknownField, field)
	}
	return quoteIdent(l.columns[field]), f, nil
}

// cond writes a condition.
func (b *sqlBuilder) cond(l *Layer, c Cond) error {
	switch c.op {
	case opContains:
		return b.contains(l, c)
	case opIn:
		col, _, err := column(l, c.field)
		if err != nil {
			return err
		}
		if len(c.values) == 0 {
			b.WriteString("0")
			return nil
		}
		b.WriteString(col + " IN (" + strings.Repeat("?, ", len(c.values)-1) + "?)")
		for _, v := range c.values {
			b.args = append(b.args, sqlValue(v))
		}
	case opFIDs:
		b.WriteString(quoteIdent(l.fidColumn) + " IN (SELECT value FROM json_each(?))")
		b.args = append(b.args, fidsJSON(c.fids))
	case opAny:
		if len(c.any) == 0 {
			b.WriteString("0")
			return nil
		}
		b.WriteString("(")
		for i, sub := range c.any {
			if i > 0 {
				b.WriteString(" OR ")
			}
			if err := b.cond(l, sub); err != nil {
				return err
			}
		}
		b.WriteString(")")
	}
	return nil
}

// contains writes Contains: one fold of the parts joined by line feeds (a
// word holds none), searched for the word.
func (b *sqlBuilder) contains(l *Layer, c Cond) error {
	if len(c.parts) == 0 {
		b.WriteString("0")
		return nil
	}
	b.WriteString("instr(tm_fold(")
	for i, p := range c.parts {
		col, _, err := column(l, p.Field)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(" || char(10) || ")
		}
		b.WriteString("ifnull(" + partText(col, p) + ", '')")
	}
	b.WriteString("), ?) > 0")
	b.args = append(b.args, c.word)
	return nil
}

// partText is the SQL of a field's value written as the table shows it.
func partText(col string, p TextPart) string {
	expr := col
	switch p.Form {
	case FormDate:
		expr = fmt.Sprintf("CASE WHEN %[1]s GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(%[1]s, 9, 2) || '/' || substr(%[1]s, 6, 2) || '/' || substr(%[1]s, 1, 4) ELSE %[1]s END", col)
	case FormDateTime:
		expr = fmt.Sprintf("ifnull(strftime('%%d/%%m/%%Y %%H:%%M', %[1]s, 'localtime'), %[1]s)", col)
	case FormReal:
		mark := p.Mark
		if mark == "" {
			mark = "."
		}
		expr = fmt.Sprintf("replace(CASE WHEN typeof(%[1]s) = 'real' AND %[1]s = CAST(%[1]s AS INTEGER) THEN CAST(CAST(%[1]s AS INTEGER) AS TEXT) ELSE CAST(%[1]s AS TEXT) END, '.', %[2]s)", col, sqlLiteral(mark))
	}
	if len(p.Except) == 0 {
		return expr
	}
	except := make([]string, len(p.Except))
	for i, v := range p.Except {
		except[i] = sqlLiteral(v)
	}
	return fmt.Sprintf("CASE WHEN CAST(%s AS TEXT) IN (%s) THEN NULL ELSE %s END", col, strings.Join(except, ", "), expr)
}

// order writes the ORDER BY of o: empty values last, then the field's
// sort key, then the fid. It takes no argument: TableFIDs writes it
// inside group_concat, before the WHERE's.
func (b *sqlBuilder) order(l *Layer, o Order) error {
	col, f, err := column(l, o.Field)
	if err != nil {
		return err
	}
	dir := ""
	if o.Desc {
		dir = " DESC"
	}
	var key string
	switch {
	case f.Type == schema.Date || f.Type == schema.DateTime:
		key = "CAST(" + col + " AS TEXT)"
	case f.Type == schema.Boolean:
		key = col // yes (1) first: the ascending order is the descending one
		if o.Desc {
			dir = ""
		} else {
			dir = " DESC"
		}
	case o.Labels == nil && (f.Type == schema.Integer || f.Type == schema.Real):
		key = col
	case len(o.Labels) > 0:
		key = b.labelKey(col, o.Labels)
	default:
		key = "tm_sortkey(" + col + ")"
	}
	fmt.Fprintf(b, " ORDER BY %s IS NULL, %s%s, %s", col, key, dir, quoteIdent(l.fidColumn))
	return nil
}

// labelKey is the sort key of a value shown by its label: the label's
// French collation key, computed here once per label.
func (b *sqlBuilder) labelKey(col string, labels map[string]string) string {
	var s strings.Builder
	s.WriteString("CASE CAST(" + col + " AS TEXT)")
	codes := make([]string, 0, len(labels))
	for code := range labels {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	keys := newKeyMaker()
	for _, code := range codes {
		fmt.Fprintf(&s, " WHEN %s THEN x'%x'", sqlLiteral(code), keys.key(labels[code]))
	}
	s.WriteString(" ELSE tm_sortkey(" + col + ") END")
	return s.String()
}
