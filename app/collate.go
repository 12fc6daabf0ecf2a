package app

import (
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// textOrder sorts texts as a French reader expects: accents and case
// aside («Écluse» between «eau» and «fontaine»), numbers by value
// («n° 2» before «n° 10»). It is not safe for concurrent use: make one per
// sort.
type textOrder struct{ c *collate.Collator }

func newTextOrder() textOrder {
	return textOrder{collate.New(language.French, collate.Loose, collate.Numeric)}
}

// compare returns -1, 0 or 1 as a sorts before, with or after b.
func (o textOrder) compare(a, b string) int { return o.c.CompareString(a, b) }
