package search

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb"
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
// among equals, the shortest name first.
// An empty query finds nothing.
func (ix *Index) Search(ctx context.Context, q Query) (Found, error) {
	words := queryWords(q.Text)
	if len(words) == 0 {
		return Found{}, nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.refresh(ctx); err != nil {
		return Found{}, err
	}
	keep := ix.layerFilter(q.Layers)
	scores := make([][]uint8, len(words))
	communeScores := make([][]uint8, len(words))
	for i, w := range words {
		scores[i], communeScores[i] = ix.wordScores(w)
	}
	type hit struct {
		doc   int32
		score int
	}
	var hits []hit
	for d := range ix.docs {
		doc := &ix.docs[d]
		if doc.dead || (keep != nil && !keep[doc.layer]) {
			continue
		}
		total := 0
		for i := range words {
			s := scores[i][d]
			if doc.commune >= 0 {
				s = max(s, communeScores[i][doc.commune])
			}
			if s == 0 {
				total = -1
				break
			}
			total += int(s)
		}
		if total > 0 {
			hits = append(hits, hit{int32(d), total})
		}
	}
	total := len(hits)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if q.Near == nil {
		hits = best(hits, limit, func(h hit) int { return h.score })
		slices.SortFunc(hits, func(a, b hit) int {
			da, db := &ix.docs[a.doc], &ix.docs[b.doc]
			// Among equals, the shortest name is the closest to the words.
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(len(da.name), len(db.name)), strings.Compare(da.name, db.name),
				cmp.Compare(da.layer, db.layer), cmp.Compare(da.fid, db.fid))
		})
		hits = hits[:min(limit, len(hits))]
	}
	results := make([]Result, len(hits))
	for i, h := range hits {
		results[i] = ix.result(h.doc)
		results[i].Score = h.score
	}
	if q.Near != nil {
		if err := ix.measure(ctx, results, *q.Near); err != nil {
			return Found{}, err
		}
		slices.SortStableFunc(results, func(a, b Result) int {
			return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(b.Score, a.Score))
		})
	}
	found := Found{Total: total, Results: results[:min(limit, len(results))]}
	for i := range found.Results {
		found.Results[i].Matched = ix.matches(ix.docByFID(found.Results[i]), words)
	}
	return found, nil
}

// layerFilter returns which layers to keep, by index; nil for all.
func (ix *Index) layerFilter(names []string) []bool {
	if len(names) == 0 {
		return nil
	}
	keep := make([]bool, len(ix.layers))
	for _, n := range names {
		if li, ok := ix.layerOf[strings.ToLower(n)]; ok {
			keep[li] = true
		}
	}
	return keep
}

// wordScores scores every feature, and every commune, for one query word:
// 0 when no word of it matches, else twice the quality of the best match,
// plus one when it is in the field that names the feature.
func (ix *Index) wordScores(w string) (docs, communes []uint8) {
	docs = make([]uint8, len(ix.docs))
	for t, tok := range ix.tokens {
		q := quality(w, tok)
		if q == noMatch {
			continue
		}
		for _, p := range ix.postings[t] {
			s := uint8(2 * q)
			if p.field == ix.docs[p.doc].nameField {
				s++
			}
			docs[p.doc] = max(docs[p.doc], s)
		}
	}
	communes = make([]uint8, len(ix.communes))
	for i, c := range ix.communes {
		for _, cw := range c.words {
			communes[i] = max(communes[i], uint8(2*quality(w, cw)))
		}
	}
	return docs, communes
}

// result describes the feature d.
func (ix *Index) result(d int32) Result {
	doc := &ix.docs[d]
	l := &ix.layers[doc.layer]
	r := Result{Layer: l.Name, LayerTitle: l.DisplayTitle(), FID: doc.fid, UUID: doc.uuid, Name: doc.name}
	if doc.commune >= 0 {
		r.Commune = ix.communes[doc.commune].name
	}
	return r
}

func (ix *Index) docByFID(r Result) *doc {
	li := ix.layerOf[strings.ToLower(r.Layer)]
	return &ix.docs[ix.byFID[li][r.FID]]
}

// matches lists the fields of d whose words match query words, those
// matching the most words first (the naming field first among equals),
// then the commune when it matches words no field does.
func (ix *Index) matches(d *doc, words []string) []Match {
	type scored struct {
		m      Match
		n, sum int
	}
	var found []scored
	matched := make([]bool, len(words))
	for _, v := range d.values {
		n, sum := 0, 0
		fieldWords := Words(v.text)
		for i, w := range words {
			best := noMatch
			for _, fw := range fieldWords {
				best = max(best, quality(w, fw))
			}
			if best != noMatch {
				n, sum, matched[i] = n+1, sum+best, true
			}
		}
		if n == 0 {
			continue
		}
		if v.field == d.nameField {
			sum += len(words) * whole // the name first among equals
		}
		found = append(found, scored{Match{Field: ix.layers[d.layer].Fields[v.field].DisplayTitle(), Value: v.text}, n, sum})
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(b.sum, a.sum)) })
	out := make([]Match, 0, len(found)+1)
	for _, s := range found {
		out = append(out, s.m)
	}
	if d.commune >= 0 && slices.Contains(matched, false) {
		out = append(out, Match{Value: ix.communes[d.commune].name, Commune: true})
	}
	return out
}

// best keeps the hits of the highest scores, at least limit of them when
// there are (all those of the lowest score kept), without sorting them all:
// scores are small numbers.
func best[H any](hits []H, limit int, score func(H) int) []H {
	if len(hits) <= limit {
		return hits
	}
	var count []int
	for _, h := range hits {
		s := score(h)
		if s >= len(count) {
			count = append(count, make([]int, s+1-len(count))...)
		}
		count[s]++
	}
	floor, n := len(count)-1, 0
	for ; floor > 0; floor-- {
		if n += count[floor]; n >= limit {
			break
		}
	}
	kept := hits[:0:0]
	for _, h := range hits {
		if score(h) >= floor {
			kept = append(kept, h)
		}
	}
	return kept
}
