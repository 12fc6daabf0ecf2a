package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// Query is what to look for.
type Query struct {
	// Text holds the words every result must match, in any order.
	Text string
	// Layers keeps the results to these layers (names); empty for all.
	Layers []string
	// Near, when set, ranks the results by their distance to it (WGS84
	// longitude, latitude) and gives each its Distance.
	Near *orb.Point
	// Limit caps the results (DefaultLimit when 0); Found.Total counts them all.
	Limit int
}

// DefaultLimit is how many results a query returns when it does not say.
const DefaultLimit = 50

// Found is the answer to a query: the best results, best first, and how
// many features matched in all.
type Found struct {
	Results []Result
	Total   int
	// Partial is set while the workspace's index is being built (a
	// workspace written by an older Terrimap): features not yet indexed
	// are missing from the results.
	Partial bool
}

// Result is one feature found.
type Result struct {
	Layer      string // the layer's name
	LayerTitle string // the layer's title, as people read it
	FID        int64
	UUID       string
	Name       string // what names the feature: name, number, identifier
	Commune    string // the commune it lies in; "" when none is known
	// Matched are the fields whose text matched words of the query, best
	// first; empty for a result found by distance alone.
	Matched []Match
	// Score ranks the results of a text query: higher is better.
	Score int
	// Distance is in metres on the Lambert-93 plane, when the query had a
	// point (Query.Near, Nearby); else 0.
	Distance float64
}

// Match is a field whose text matched words of the query.
type Match struct {
	Field string // the field's title; "" for the commune the feature lies in
	Value string // the field's text (a coded value's label)
	// Commune is set when the words matched the name of the commune the
	// feature lies in rather than one of its fields.
	Commune bool
}

// Search returns the features that match every word of q.Text in their
// text fields, the labels of their coded values or the name of their
// commune. Whole words rank above word starts, word starts above inner
// parts, and words found in the field that names a feature above others;
// among equals, the shortest name first. A word of one or two characters
// that starts thousands of words is matched whole only.
// An empty query finds nothing. While the workspace's index is being
// built (an older workspace), it answers from what is indexed and says so
// (Found.Partial).
func (ix *Index) Search(ctx context.Context, q Query) (Found, error) {
	words := queryWords(q.Text)
	if len(words) == 0 {
		return Found{}, nil
	}
	exists, err := hasIndex(ctx, ix.ws.DB())
	if err != nil {
		return Found{}, fmt.Errorf("search: %w", err)
	}
	if !exists {
		return Found{Partial: true}, nil
	}
	ready, err := ix.Ready(ctx)
	if err != nil {
		return Found{}, err
	}
	communes, err := ix.readCommunes(ctx, !ready)
	if err != nil {
		return Found{}, err
	}
	sets, err := ix.wordSets(ctx, words, communes)
	if err != nil {
		return Found{}, err
	}
	scores, err := ix.score(ctx, sets)
	if err != nil {
		return Found{}, err
	}
	var docs map[int64]docRow
	if len(q.Layers) > 0 {
		if docs, err = ix.readDocs(ctx, scores); err != nil {
			return Found{}, err
		}
		keep := map[string]bool{}
		for _, n := range q.Layers {
			keep[strings.ToLower(n)] = true
		}
		for id := range scores {
			if !keep[strings.ToLower(docs[id].layer)] {
				delete(scores, id)
			}
		}
	}
	hits := make([]hit, 0, len(scores))
	for id, s := range scores {
		hits = append(hits, hit{id, s})
	}
	total := len(hits)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if q.Near == nil {
		hits, docs, err = ix.rank(ctx, hits, docs, limit)
	} else if docs == nil {
		docs, err = ix.readDocs(ctx, scores)
	}
	if err != nil {
		return Found{}, err
	}
	results := make([]Result, 0, len(hits))
	ids := make([]int64, 0, len(hits))
	for _, h := range hits {
		r, ok := ix.result(docs[h.doc], communes)
		if !ok {
			total--
			continue
		}
		r.Score = h.score
		results = append(results, r)
		ids = append(ids, h.doc)
	}
	if q.Near != nil {
		if err := ix.measure(ctx, results, *q.Near); err != nil {
			return Found{}, err
		}
		idOf := make(map[Ref]int64, len(results))
		for i, r := range results {
			idOf[Ref{r.Layer, r.FID}] = ids[i]
		}
		slices.SortStableFunc(results, func(a, b Result) int {
			return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(b.Score, a.Score))
		})
		for i, r := range results {
			ids[i] = idOf[Ref{r.Layer, r.FID}]
		}
	}
	found := Found{Total: total, Results: results[:min(limit, len(results))], Partial: !ready}
	if err := ix.explain(ctx, found.Results, ids, communes, words); err != nil {
		return Found{}, err
	}
	if err := ix.rename(ctx, found.Results); err != nil {
		return Found{}, err
	}
	return found, nil
}

// hit is a feature found (its id in the index) and its score.
type hit struct {
	doc   int64
	score int
}

// sqlRankAbove is the size of a group of equal scores above which SQLite
// ranks it by name (reading the names of 300,000 pipes holding «fonte»
// into Go and sorting them took seconds).
const sqlRankAbove = 2000

// rank returns the best limit hits, best first, with their rows: by score,
// then, among equals, the shortest name first, then by name, layer and fid.
// docs holds the rows already read, if any.
func (ix *Index) rank(ctx context.Context, hits []hit, docs map[int64]docRow, limit int) ([]hit, map[int64]docRow, error) {
	byScore := map[int][]int64{}
	for _, h := range hits {
		byScore[h.score] = append(byScore[h.score], h.doc)
	}
	scores := make([]int, 0, len(byScore))
	for s := range byScore {
		scores = append(scores, s)
	}
	slices.SortFunc(scores, func(a, b int) int { return cmp.Compare(b, a) })
	order := ix.layerOrder()
	out := make([]hit, 0, limit)
	got := map[int64]docRow{}
	for _, s := range scores {
		need := limit - len(out)
		if need <= 0 {
			break
		}
		group := byScore[s]
		var rows []docRow
		if len(group) > sqlRankAbove {
			var err error
			if rows, err = ix.firstDocs(ctx, group, need); err != nil {
				return nil, nil, err
			}
		} else {
			ids := make(map[int64]int, len(group))
			for _, id := range group {
				ids[id] = s
			}
			read := docs
			if read == nil {
				var err error
				if read, err = ix.readDocs(ctx, ids); err != nil {
					return nil, nil, err
				}
			}
			for _, id := range group {
				rows = append(rows, read[id])
			}
			slices.SortFunc(rows, func(a, b docRow) int {
				// Among equals, the shortest name is the closest to the words.
				return cmp.Or(cmp.Compare(len(a.name), len(b.name)), strings.Compare(a.name, b.name),
					cmp.Compare(order[strings.ToLower(a.layer)], order[strings.ToLower(b.layer)]), cmp.Compare(a.fid, b.fid))
			})
			rows = rows[:min(need, len(rows))]
		}
		for _, d := range rows {
			out = append(out, hit{d.id, s})
			got[d.id] = d
		}
	}
	return out, got, nil
}

// wordSet is one word of a query: the values and communes it matches, and
// what reading the features holding them would cost.
type wordSet struct {
	word     string
	values   map[int64]int // value id → quality of the match
	capped   bool          // values holds only the first valueCap
	communes map[int64]int // commune fid → quality of the match
	cost     int
}

// wordSets looks up every word of a query, the rarest first.
func (ix *Index) wordSets(ctx context.Context, words []string, communes map[int64]communeRow) ([]*wordSet, error) {
	sets := make([]*wordSet, len(words))
	for i, w := range words {
		s := &wordSet{word: w, communes: map[int64]int{}}
		var err error
		if s.values, s.capped, err = ix.matchingValues(ctx, w, valueCap); err != nil {
			return nil, err
		}
		if s.capped && utf8.RuneCountInString(w) < minInside {
			// One or two letters start too many words: whole words only
			// («e» typed first would read every feature).
			if s.values, err = ix.wholeValues(ctx, w); err != nil {
				return nil, err
			}
			s.capped = false
		}
		for fid, c := range communes {
			best := noMatch
			for _, cw := range c.words {
				best = max(best, quality(w, cw))
			}
			if best != noMatch {
				s.communes[fid] = best
			}
		}
		if s.capped {
			s.cost = math.MaxInt
		} else if s.cost, err = ix.countHolders(ctx, s.values, s.communes); err != nil {
			return nil, err
		}
		sets[i] = s
	}
	slices.SortStableFunc(sets, func(a, b *wordSet) int { return cmp.Compare(a.cost, b.cost) })
	return sets, nil
}

// byCandidates is the number of candidates under which the words after the
// rarest are checked on the candidates' own texts rather than by reading
// every feature they match.
const byCandidates = 20_000

// score returns every feature matching all the word sets (the rarest
// first) with its score: the sum, over the words, of the best match of
// each.
func (ix *Index) score(ctx context.Context, sets []*wordSet) (map[int64]int, error) {
	scores := map[int64]int{}
	for i, s := range sets {
		if i > 0 && len(scores) <= byCandidates {
			return scores, ix.scoreOnTexts(ctx, scores, sets[i:])
		}
		if s.capped {
			var err error
			if s.values, _, err = ix.matchingValues(ctx, s.word, 0); err != nil {
				return nil, err
			}
		}
		docs, err := ix.wordDocs(ctx, s.values, s.communes)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			for id, sc := range docs {
				scores[id] = int(sc)
			}
			continue
		}
		for id, sc := range scores {
			if d, ok := docs[id]; ok {
				scores[id] = sc + int(d)
			} else {
				delete(scores, id)
			}
		}
	}
	return scores, nil
}

// scoreOnTexts adds to the candidates' scores those of the other words,
// matched against the candidates' own texts and communes; a candidate that
// misses one leaves.
func (ix *Index) scoreOnTexts(ctx context.Context, scores map[int64]int, sets []*wordSet) error {
	if len(scores) == 0 {
		return nil
	}
	held, err := ix.heldWords(ctx, scores)
	if err != nil {
		return err
	}
	docs, err := ix.readDocs(ctx, scores)
	if err != nil {
		return err
	}
	for id, sc := range scores {
		for _, s := range sets {
			best := 2 * s.communes[docs[id].commune]
			for _, h := range held[id] {
				if q := bestQuality(s.word, h.words); q != noMatch {
					best = max(best, 2*q+boolInt(h.named))
				}
			}
			if best == 0 {
				sc = -1
				break
			}
			sc += best
		}
		if sc < 0 {
			delete(scores, id)
		} else {
			scores[id] = sc
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// layerOrder numbers the workspace's layers in display order, by
// lower-cased name.
func (ix *Index) layerOrder() map[string]int {
	order := map[string]int{}
	for i, l := range ix.ws.Layers() {
		order[strings.ToLower(l.Name())] = i
	}
	return order
}

// result describes the feature the index holds as d; false when its layer
// is gone.
func (ix *Index) result(d docRow, communes map[int64]communeRow) (Result, bool) {
	l, err := ix.ws.Layer(d.layer)
	if err != nil {
		return Result{}, false
	}
	return Result{Layer: l.Name(), LayerTitle: l.Schema.DisplayTitle(), FID: d.fid, UUID: d.uuid, Name: d.name,
		Commune: communes[d.commune].name}, true
}

// explain sets what matched in each result (the feature ids[i]).
func (ix *Index) explain(ctx context.Context, results []Result, ids []int64, communes map[int64]communeRow, words []string) error {
	want := make(map[int64]int, len(results))
	for i := range results {
		want[ids[i]] = i
	}
	held, err := ix.heldWords(ctx, want)
	if err != nil {
		return err
	}
	for i := range results {
		l, err := ix.ws.Layer(results[i].Layer)
		if err != nil {
			continue
		}
		results[i].Matched = matches(l.Schema, held[ids[i]], results[i].Commune, words)
	}
	return nil
}

// rename names the results by the index's Namer.
func (ix *Index) rename(ctx context.Context, results []Result) error {
	if ix.name == nil {
		return nil
	}
	for i, r := range results {
		l, err := ix.ws.Layer(r.Layer)
		if err != nil {
			continue
		}
		f, err := ix.ws.GetByFID(ctx, r.Layer, r.FID)
		if errors.Is(err, store.ErrFeatureNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if name := ix.name(l.Schema, f); name != "" {
			results[i].Name = name
		}
	}
	return nil
}

// matches lists the fields of a feature of layer l (holding held) whose
// words match query words, those matching the most words first (the
// naming field first among equals), then its commune when it matches words
// no field does.
func matches(l schema.Layer, held []heldValue, commune string, words []string) []Match {
	type scored struct {
		m      Match
		n, sum int
	}
	var found []scored
	matched := make([]bool, len(words))
	for _, v := range held {
		if v.field < 0 || v.field >= len(l.Fields) {
			continue
		}
		n, sum := 0, 0
		for i, w := range words {
			if best := bestQuality(w, v.words); best != noMatch {
				n, sum, matched[i] = n+1, sum+best, true
			}
		}
		if n == 0 {
			continue
		}
		if v.named {
			sum += len(words) * whole // the name first among equals
		}
		found = append(found, scored{Match{Field: l.Fields[v.field].DisplayTitle(), Value: v.text}, n, sum})
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(b.sum, a.sum)) })
	out := make([]Match, 0, len(found)+1)
	for _, s := range found {
		out = append(out, s.m)
	}
	if commune != "" && slices.Contains(matched, false) {
		out = append(out, Match{Value: commune, Commune: true})
	}
	return out
}
