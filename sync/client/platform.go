package client

import (
	"context"
	"fmt"
	"time"

	"terrimap/store"
)

// PlatformInfo is what a workspace records of its platform, read without
// the network.
type PlatformInfo struct {
	// URL is the platform the workspace last synced with; "" when it never
	// was linked to one.
	URL string
	// LastSync is when the last complete sync ended; zero when none did.
	LastSync time.Time
	// User is the name the desk signs in with; "" when it never did.
	User string
}

// Platform reads, from the workspace alone, which platform it syncs with
// and when it last synced: what a report or a printed map states about the
// freshness of its data.
func Platform(ctx context.Context, ws *store.Workspace) (PlatformInfo, error) {
	var info PlatformInfo
	u, err := ws.Meta(ctx, metaURL)
	if err != nil {
		return info, fmt.Errorf("client: platform: %w", err)
	}
	last, err := ws.Meta(ctx, metaLastSync)
	if err != nil {
		return info, fmt.Errorf("client: platform: %w", err)
	}
	user, err := ws.Meta(ctx, metaUser)
	if err != nil {
		return info, fmt.Errorf("client: platform: %w", err)
	}
	info.URL, info.User = u, user
	if t, err := time.Parse(time.RFC3339, last); err == nil {
		info.LastSync = t
	}
	return info, nil
}
