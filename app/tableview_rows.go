package app

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"terrimap/store"
	"terrimap/store/schema"
)

// tablePageRows is the number of rows of a page the table reads at once:
// two screens of rows.
const tablePageRows = 64

// tableRow is a row read: its feature and its cells as shown.
type tableRow struct {
	f     store.Feature
	cells []string
	gone  bool
}

// reload asks for the rows shown by the filter, the commune and the order
// chosen: SQLite finds their fids off the UI goroutine, then the first
// page is read, and both replace what the table shows at once. A reload
// asked while another runs stops it.
func (t *attributeTable) reload() {
	if t.cancel != nil {
		t.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.gen++
	if t.count != nil {
		t.count.SetText(lang.L("Reading the rows…")) // until they come: a filter of 500,000 rows takes a while
	}
	gen, q, only := t.gen, t.query(), t.only
	commune, area, known := t.commune, t.communeArea(), t.inCommune[t.commune]
	go func() {
		defer cancel()
		var fids []int64
		var err error
		if area != nil && known == nil {
			known, err = area.fids(ctx)
		}
		if area != nil {
			q.Where = append(q.Where, area.cond(known))
		}
		if err == nil {
			fids, err = t.ws.TableFIDs(ctx, q)
		}
		if err == nil && only != nil {
			fids, err = t.keepOnly(ctx, fids, only, q.Order == nil)
		}
		var first []tableRow
		if err == nil {
			first, err = t.readRows(ctx, fids[:min(len(fids), tablePageRows)])
		}
		if ctx.Err() != nil {
			return
		}
		t.m.do(func() {
			if gen != t.gen {
				return
			}
			if err != nil {
				showError(t.window(), lang.L("The layer could not be read. Check that the workspace is not open in another program."))
				return
			}
			if area != nil {
				t.inCommune[commune] = known
			}
			t.rows, t.loaded = fids, gen
			t.pages = newPageCache()
			t.pages.put(0, first)
			t.count.SetText(lang.N("{{.N}} of {{.Total}} features", len(t.rows),
				map[string]any{"N": groupDigits(len(t.rows)), "Total": groupDigits(t.total)}))
			t.table.Refresh()
			t.table.ScrollToTop() // a new list shows from its start (the offset of a longer one shows nothing)
		})
	}()
}

// ready reports whether the table shows the rows last asked for.
func (t *attributeTable) ready() bool { return t.table != nil && t.loaded == t.gen }

// window is the table's window, or the main one when it has none.
func (t *attributeTable) window() fyne.Window {
	if t.win != nil {
		return t.win
	}
	return t.m.window
}

// query is what SQLite is asked for: every word of the filter found in
// some cell as shown, in the order of the column sorted on.
func (t *attributeTable) query() store.TableQuery {
	q := store.TableQuery{Layer: t.layer.Name}
	filter := ""
	if t.filter != nil {
		filter = t.filter.Text
	}
	for _, w := range strings.Fields(store.Fold(filter)) {
		q.Where = append(q.Where, t.wordCond(w))
	}
	if t.sortCol >= 0 && t.sortCol < len(t.layer.Fields) {
		fld := t.layer.Fields[t.sortCol]
		q.Order = &store.Order{Field: fld.Name, Desc: t.sortDesc}
		switch {
		case t.communeColumn(t.sortCol):
			q.Order.Labels = t.communes.names
		case len(fld.Domain) > 0:
			q.Order.Labels = make(map[string]string, len(fld.Domain))
			for _, cv := range fld.Domain {
				q.Order.Labels[cv.Code] = codeLabel(cv)
			}
		}
	}
	return q
}

// wordCond keeps the rows where a folded word is in some cell as shown:
// in the text of the plain fields (dates and numbers as written here),
// or in the label of a coded value, a commune's name, «oui» or «non».
func (t *attributeTable) wordCond(w string) store.Cond {
	var parts []store.TextPart
	var shownAs []store.Cond
	for i, fld := range t.layer.Fields {
		switch {
		case t.communeColumn(i):
			var codes []any
			except := make([]string, 0, len(t.communes.names))
			for code, name := range t.communes.names {
				except = append(except, code)
				if strings.Contains(store.Fold(name), w) {
					codes = append(codes, code)
				}
			}
			slices.Sort(except)
			shownAs = append(shownAs, store.In(fld.Name, codes...))
			parts = append(parts, store.TextPart{Field: fld.Name, Except: except})
		case len(fld.Domain) > 0:
			var codes []any
			except := make([]string, len(fld.Domain))
			for j, cv := range fld.Domain {
				except[j] = cv.Code
				if strings.Contains(store.Fold(codeLabel(cv)), w) {
					codes = append(codes, cv.Code)
				}
			}
			shownAs = append(shownAs, store.In(fld.Name, codes...))
			parts = append(parts, store.TextPart{Field: fld.Name, Except: except})
		case fld.Type == schema.Boolean:
			var values []any
			for _, b := range []bool{true, false} {
				if strings.Contains(store.Fold(describeValue(fld, b)), w) {
					values = append(values, b)
				}
			}
			shownAs = append(shownAs, store.In(fld.Name, values...))
		case fld.Type == schema.Date:
			parts = append(parts, store.TextPart{Field: fld.Name, Form: store.FormDate})
		case fld.Type == schema.DateTime:
			parts = append(parts, store.TextPart{Field: fld.Name, Form: store.FormDateTime})
		case fld.Type == schema.Real:
			parts = append(parts, store.TextPart{Field: fld.Name, Form: store.FormReal, Mark: lang.L("decimal mark")})
		default:
			parts = append(parts, store.TextPart{Field: fld.Name})
		}
	}
	return store.AnyOf(append(shownAs, store.Contains(w, parts...))...)
}

// keepOnly keeps the fids of the features of only's UUIDs, in the order
// of their rank when byRank.
func (t *attributeTable) keepOnly(ctx context.Context, fids []int64, only map[string]int, byRank bool) ([]int64, error) {
	var kept []store.Feature
	for start := 0; start < len(fids); start += 1000 {
		fs, err := t.ws.FeaturesByFID(ctx, t.layer.Name, fids[start:min(len(fids), start+1000)])
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if _, ok := only[f.UUID]; ok {
				kept = append(kept, f)
			}
		}
	}
	if byRank {
		slices.SortStableFunc(kept, func(a, b store.Feature) int { return only[a.UUID] - only[b.UUID] })
	}
	out := make([]int64, len(kept))
	for i, f := range kept {
		out[i] = f.FID
	}
	return out, nil
}

// readRows reads the features of fids and their cells, a row each: one
// deleted since the list was made is gone. It does I/O: run
// it off the UI goroutine.
func (t *attributeTable) readRows(ctx context.Context, fids []int64) ([]tableRow, error) {
	fs, err := t.ws.FeaturesByFID(ctx, t.layer.Name, fids)
	if err != nil {
		return nil, err
	}
	out := make([]tableRow, len(fids))
	for i, fid := range fids {
		if len(fs) > 0 && fs[0].FID == fid {
			out[i] = tableRow{f: fs[0], cells: t.cellsOf(fs[0])}
			fs = fs[1:]
			continue
		}
		out[i] = tableRow{f: store.Feature{FID: fid}, cells: make([]string, len(t.layer.Fields)), gone: true}
	}
	return out, nil
}

// row returns a row shown, when its page is read; otherwise it asks for
// the page. Near a page's end it asks for the next one too, so that
// scrolling down finds it read.
func (t *attributeTable) row(row int) (tableRow, bool) {
	if row < 0 || row >= len(t.rows) {
		return tableRow{}, false
	}
	page, at := row/tablePageRows, row%tablePageRows
	if at >= tablePageRows*3/4 {
		t.askPage(page + 1)
	}
	rows, ok := t.pages.get(page)
	if !ok {
		t.askPage(page)
		return tableRow{}, false
	}
	if at >= len(rows) || rows[at].gone {
		return tableRow{}, false
	}
	return rows[at], true
}

// askPage reads a page off the UI goroutine, unless it is read or being
// read, then shows it.
func (t *attributeTable) askPage(page int) {
	if page*tablePageRows >= len(t.rows) || !t.pages.ask(page) {
		return
	}
	gen, pages := t.gen, t.pages
	fids := t.rows[page*tablePageRows : min(len(t.rows), (page+1)*tablePageRows)]
	go func() {
		rows, err := t.readRows(context.Background(), fids)
		t.m.do(func() {
			if gen != t.gen || pages != t.pages {
				return
			}
			if err != nil {
				pages.forget(page)
				return
			}
			pages.put(page, rows)
			t.table.Refresh()
		})
	}()
}

// pickRow frames and selects a row's feature on the map, once its page is
// read.
func (t *attributeTable) pickRow(row int) {
	if f, ok := t.feature(row); ok {
		t.m.view.pick(f)
		return
	}
	fid, v := t.rows[row], t.m.view
	go func() {
		fs, err := t.ws.FeaturesByFID(context.Background(), t.layer.Name, []int64{fid})
		if err != nil || len(fs) == 0 {
			return
		}
		t.m.do(func() {
			if t.m.view == v {
				v.pick(fs[0])
			}
		})
	}()
}

// tablePagesKept is the number of pages the table keeps read: the pages
// around the rows in view and those seen last.
const tablePagesKept = 32

// pageCache holds the pages of rows read, the last used kept. It is used
// on the UI goroutine only.
type pageCache struct {
	pages  map[int][]tableRow
	asked  map[int]bool
	recent []int // pages by last use, the latest last
}

func newPageCache() *pageCache {
	return &pageCache{pages: map[int][]tableRow{}, asked: map[int]bool{}}
}

// get returns a page read.
func (c *pageCache) get(page int) ([]tableRow, bool) {
	rows, ok := c.pages[page]
	if ok {
		c.touch(page)
	}
	return rows, ok
}

// ask reports whether a page must be read, and notes it is being read.
func (c *pageCache) ask(page int) bool {
	if _, ok := c.pages[page]; ok || c.asked[page] {
		return false
	}
	c.asked[page] = true
	return true
}

// forget notes a page not read (an error): it may be asked again.
func (c *pageCache) forget(page int) { delete(c.asked, page) }

// put keeps a page read, dropping the one used least lately when full.
func (c *pageCache) put(page int, rows []tableRow) {
	delete(c.asked, page)
	c.pages[page] = rows
	c.touch(page)
	for len(c.recent) > tablePagesKept {
		delete(c.pages, c.recent[0])
		c.recent = c.recent[1:]
	}
}

// touch moves a page to the end of recent.
func (c *pageCache) touch(page int) {
	if i := slices.Index(c.recent, page); i >= 0 {
		c.recent = slices.Delete(c.recent, i, i+1)
	}
	c.recent = append(c.recent, page)
}
