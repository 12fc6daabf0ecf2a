// Package mapview is Terrimap's headless map engine: a Web Mercator
// viewport, layer styles as data, a vector painter that draws the
// workspace's layers through the in-memory R-tree, labels placed without
// collisions, a tile cache whose background workers render and fetch tiles
// so that a frame only composites what is ready, and hit tests. A layer may
// be filtered to a set of its features (Layer.Only): drawing, labels, hit
// tests and snapping all see the same subset.
//
// Nothing here imports Fyne: the map widget wraps a TileCache, calls Frame
// on every refresh and asks for one more refresh when OnReady says tiles
// arrived. The raster tile sources live in mapview/tiles.
//
// Pixels are logical (the toolkit's units) in every Viewport method; the
// images the engine returns are in device pixels, Viewport.Scale times
// larger.
package mapview
