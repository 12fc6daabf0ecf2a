package mapview

// Drawing failures: a vector tile or the labels that cannot be drawn (a
// workspace that cannot be read) stay blank on the map; the cache tells
// OnDrawError what failed, so that the map does not fail in silence.

// SetOnDrawError sets the function told what failed when a vector tile or
// the labels cannot be drawn: once per different error until the layers
// change or features are invalidated, so that a hundred failing tiles say
// it once. It is called from a worker goroutine, never with a lock held.
func (tc *TileCache) SetOnDrawError(fn func(error)) {
	tc.mu.Lock()
	tc.onDrawError = fn
	tc.mu.Unlock()
}

// drawFailed records err (Err returns it) and returns the function that
// tells OnDrawError, nil when this error was told already. tc.mu is held.
func (tc *TileCache) drawFailed(err error) func() {
	tc.err = err
	fn := tc.onDrawError
	if fn == nil || tc.closed || err.Error() == tc.errTold {
		return nil
	}
	tc.errTold = err.Error()
	return func() { fn(err) }
}

// forgetDrawError lets the next drawing failure be told again, after a
// change that may have cured or changed it. tc.mu is held.
func (tc *TileCache) forgetDrawError() { tc.errTold = "" }
