package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"terrimap/store"
	"terrimap/store/schema"
)

// Index is the text index of one workspace's features. It reads the
// workspace in full on first use, then only the rows written since. It is
// safe for concurrent use; queries run one at a time.
type Index struct {
	ws   *store.Workspace
	name Namer // nil: DisplayName

	mu       sync.Mutex
	built    bool
	mark     uint64 // of ws.WrittenSince
	layers   []schema.Layer
	layerOf  map[string]int // index in layers, by lower-cased name
	communes communes
	docs     []doc
	byFID    []map[int64]int32 // index in docs, per layer
	dead     int               // docs of rows changed or deleted since
	tokens   []string          // every distinct word of the features
	tokenOf  map[string]int32
	postings [][]posting // per token, the fields holding it
	// wordsOf caches Words of the texts read while building: many values
	// repeat (operators, materials), and folding accents is slow.
	wordsOf map[string][]string
}

// doc is one feature as the index holds it.
type doc struct {
	layer     int32
	nameField int16 // index of the field that names it; -1 for none
	commune   int32 // index in communes; -1 for none
	dead      bool
	fid       int64
	uuid      string
	name      string
	values    []value
}

// value is the text of one field of a feature.
type value struct {
	field int16
	text  string
}

// posting says that a word is in a field of a feature.
type posting struct {
	doc   int32
	field int16
}

// rebuildAbove is the number of rows written since the last query above
// which the index reads the workspace again rather than row by row.
const rebuildAbove = 2000

// New returns the text index of ws. It reads nothing yet: the first query,
// or Refresh, does.
func New(ws *store.Workspace) *Index { return &Index{ws: ws} }

// Namer names a feature in the results; "" leaves it the name DisplayName
// gives.
type Namer func(l schema.Layer, f store.Feature) string

// NewNamed is New with the results named by name: the application names
// some features as its other views do («Poteau d'incendie n° 94»).
func NewNamed(ws *store.Workspace, name Namer) *Index { return &Index{ws: ws, name: name} }

// Refresh brings the index up to date with the workspace: in full the
// first time, then with the rows written since. Queries refresh
// themselves; calling it early (after opening a workspace) spares the
// first query the full read.
func (ix *Index) Refresh(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.refresh(ctx)
}

func (ix *Index) refresh(ctx context.Context) error {
	if !ix.built {
		return ix.build(ctx)
	}
	rows, next, complete := ix.ws.WrittenSince(ix.mark)
	if len(rows) == 0 && complete {
		return nil
	}
	if !complete || len(rows) > rebuildAbove {
		return ix.build(ctx)
	}
	seen := map[store.Written]bool{}
	for _, r := range rows {
		li, known := ix.layerOf[strings.ToLower(r.Layer)]
		if r.Schema || !known || isCommunes(ix.layers[li]) {
			return ix.build(ctx) // a new layer, new fields, a commune's outline
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		if d, ok := ix.byFID[li][r.FID]; ok {
			ix.docs[d].dead = true
			delete(ix.byFID[li], r.FID)
			ix.dead++
		}
		f, err := ix.ws.GetByFID(ctx, r.Layer, r.FID)
		if errors.Is(err, store.ErrFeatureNotFound) {
			continue
		}
		if err != nil {
			ix.built = false
			return fmt.Errorf("search: refresh: %w", err)
		}
		ix.add(li, f)
	}
	ix.mark = next
	if ix.dead > 1000 && ix.dead > len(ix.docs)/2 {
		return ix.build(ctx)
	}
	return nil
}

// build reads every feature of the workspace.
func (ix *Index) build(ctx context.Context) error {
	_, ix.mark, _ = ix.ws.WrittenSince(^uint64(0)) // rows written from now on are read again
	ix.built = false
	ix.layers, ix.layerOf, ix.communes = nil, map[string]int{}, nil
	ix.docs, ix.byFID, ix.dead = nil, nil, 0
	ix.tokens, ix.tokenOf, ix.postings = nil, map[string]int32{}, nil
	ix.wordsOf = map[string][]string{}
	defer func() { ix.wordsOf = nil }()
	for _, l := range ix.ws.Layers() {
		ix.layerOf[strings.ToLower(l.Name())] = len(ix.layers)
		ix.layers = append(ix.layers, l.Schema)
		ix.byFID = append(ix.byFID, map[int64]int32{})
		if isCommunes(l.Schema) && ix.communes == nil {
			err := ix.ws.Each(ctx, store.Query{Layer: l.Name()}, func(f store.Feature) bool {
				ix.communes = append(ix.communes, communeOf(l.Schema, f))
				return true
			})
			if err != nil {
				return fmt.Errorf("search: read the communes: %w", err)
			}
		}
	}
	for li, l := range ix.layers {
		err := ix.ws.Each(ctx, store.Query{Layer: l.Name}, func(f store.Feature) bool {
			ix.add(li, f)
			return true
		})
		if err != nil {
			return fmt.Errorf("search: read %s: %w", l.Name, err)
		}
	}
	ix.built = true
	return nil
}

// add indexes a feature of the layer li.
func (ix *Index) add(li int, f store.Feature) {
	l := ix.layers[li]
	d := doc{layer: int32(li), fid: f.FID, uuid: f.UUID, commune: int32(ix.communes.find(l, f))}
	d.nameField = int16(nameField(l, f.Properties))
	n := int32(len(ix.docs))
	for i, fld := range l.Fields {
		text := FieldText(fld, f.Properties[fld.Name])
		if text == "" {
			continue
		}
		d.values = append(d.values, value{field: int16(i), text: text})
		if int16(i) == d.nameField {
			d.name = text
		}
		words, ok := ix.wordsOf[text]
		if !ok {
			words = Words(text)
			if ix.wordsOf != nil {
				ix.wordsOf[text] = words
			}
		}
		for wi, w := range words {
			if contains(words[:wi], w) {
				continue
			}
			t, ok := ix.tokenOf[w]
			if !ok {
				t = int32(len(ix.tokens))
				ix.tokenOf[w] = t
				ix.tokens = append(ix.tokens, w)
				ix.postings = append(ix.postings, nil)
			}
			ix.postings[t] = append(ix.postings[t], posting{doc: n, field: int16(i)})
		}
	}
	if ix.name != nil {
		if name := ix.name(l, f); name != "" {
			d.name = name
		}
	}
	if d.name == "" {
		d.name = DisplayName(l, f)
	}
	ix.docs = append(ix.docs, d)
	ix.byFID[li][f.FID] = n
}
