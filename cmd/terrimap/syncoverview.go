package main

import (
	"context"
	"fmt"
	"io"

	"terrimap/mapview"
	"terrimap/store"
)

// prepareOverview builds the map's overview of what a sync brought (the
// generalized geometry of the low zooms, store/overview.go), so that the
// workspace's first opening draws a département from it at once rather
// than from a million features while the app builds it. A failure only
// delays it: the app builds it in the background and draws from the
// features meanwhile, never a stale picture.
func prepareOverview(ctx context.Context, ws *store.Workspace, stderr io.Writer) {
	styles := workspaceStyles(ctx, ws)
	r := mapview.NewRenderer(ws, mapview.RendererOptions{Styles: styles})
	fmt.Fprintln(stderr, "Preparing the map's overview…")
	if err := r.BuildOverviewShown(ctx, mapview.DefaultLayers(ws, styles)); err != nil {
		fmt.Fprintf(stderr, "The map's overview will be built when Terrimap opens: %v\n", err)
	}
}
