// Package search finds a workspace's features by what a person types: every
// word of the query, in any order, ignoring case and accents, in the
// features' text fields, the labels of their coded values and the name of
// the commune they lie in; and the features nearest a point, with their
// distances in metres on the Lambert-93 plane.
//
// An Index reads the text index the workspace keeps beside its features,
// written in the same transaction as every edit (store: tm_search_*): it
// holds nothing in memory, and a query answers as fast as a person types.
package search

import (
	"strings"

	"terrimap/store"
)

// Words splits s into the words search compares: folded (lower case, no
// accents, œ as oe), cut at every character that is neither a letter nor a
// digit (spaces, apostrophes, hyphens, punctuation), with the abbreviations
// of saint and sainte written out ("St-Gengoux" gives saint, gengoux).
// The workspace's index holds the words of every text by it
// (store.TextWords).
func Words(s string) []string { return store.TextWords(s) }

// stopWords are the French words a query may hold that carry no meaning of
// their own («mairie de Tournus»): the query does without them, unless it
// holds nothing else.
var stopWords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true,
	"en": true, "et": true, "l": true, "la": true, "le": true, "les": true,
}

// queryWords are the words a feature must all match, each once, stop words
// left out; duplicates count once.
func queryWords(text string) []string {
	all := Words(text)
	var out []string
	for _, w := range all {
		if !stopWords[w] && !contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		for _, w := range all {
			if !contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// How well a query word matches a word of a feature, best last. A query
// word matches inside a word only from minInside characters on: two
// letters would match half the workspace.
const (
	noMatch = iota
	inside
	prefix
	whole
)

const minInside = 3

// quality is how the query word q matches the feature's word w.
func quality(q, w string) int {
	switch {
	case q == w:
		return whole
	case strings.HasPrefix(w, q):
		return prefix
	case len(q) >= minInside && strings.Contains(w, q):
		return inside
	}
	return noMatch
}
