package mapview

// The basemap's health: whether its tiles can be had, so that the map can
// say so when they cannot (offline, a server down) instead of showing an
// empty background in silence.

// SetOnBasemapStatus sets the function told when the basemap becomes
// unreachable (its tiles fail for a reason that may pass: offline, a
// server that does not answer) and when its tiles come again. It is called
// from a worker goroutine, never with a lock held.
func (tc *TileCache) SetOnBasemapStatus(fn func(unreachable bool)) {
	tc.mu.Lock()
	tc.onBasemap = fn
	tc.mu.Unlock()
}

// BasemapUnreachable reports whether the last basemap tile fetched failed
// for a reason that may pass. A tile the basemap does not have (outside
// its extent) is not a failure; changing the basemap starts afresh.
func (tc *TileCache) BasemapUnreachable() bool {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.baseDown
}

// basemapStatus records whether the basemap's last tile failed and, when
// that changes, returns the function that tells OnBasemapStatus (to be
// called once tc.mu is released). tc.mu is held.
func (tc *TileCache) basemapStatus(down bool) func() {
	if down == tc.baseDown {
		return nil
	}
	tc.baseDown = down
	fn := tc.onBasemap
	if fn == nil || tc.closed {
		return nil
	}
	return func() { fn(down) }
}
