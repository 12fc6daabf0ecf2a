package store

import (
	"database/sql/driver"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"modernc.org/sqlite"

	"terrimap/store/schema"
)

// keyMaker makes French collation keys: accents and case aside («Écluse»
// between «eau» and «fontaine»), numbers by value («n° 2» before
// «n° 10»); keys compare byte by byte as the texts compare. The app's
// textOrder compares the same way. A keyMaker serves one goroutine at a
// time.
type keyMaker struct {
	c   *collate.Collator
	buf collate.Buffer
}

func newKeyMaker() *keyMaker {
	return &keyMaker{c: collate.New(language.French, collate.Loose, collate.Numeric)}
}

// key returns the collation key of s.
func (k *keyMaker) key(s string) []byte {
	k.buf.Reset()
	return append([]byte(nil), k.c.KeyFromString(&k.buf, s)...)
}

// sortKeyFunc returns tm_sortkey, the SQL function of the tables' text
// sort: the French collation key of a value's text; NULL stays NULL.
// SQLite may call it from several connections at once: each call takes a
// keyMaker of its own from the pool.
func sortKeyFunc() func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	pool := sync.Pool{New: func() any { return newKeyMaker() }}
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var s string
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			s = v
		case []byte:
			s = string(v)
		default:
			s = schema.CodeString(v)
		}
		k := pool.Get().(*keyMaker)
		defer pool.Put(k)
		return k.key(s), nil
	}
}
