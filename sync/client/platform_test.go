package client

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"terrimap/store"
)

func TestPlatform(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	info, err := Platform(ctx, ws)
	if err != nil || info.URL != "" || !info.LastSync.IsZero() || info.User != "" {
		t.Errorf("a workspace never synced: %+v, %v", info, err)
	}
	at := time.Date(2026, time.June, 14, 8, 2, 0, 0, time.UTC)
	for k, v := range map[string]string{metaURL: "https://plateforme.example", metaLastSync: at.Format(time.RFC3339), metaUser: "tournus"} {
		if err := ws.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	info, err = Platform(ctx, ws)
	if err != nil || info.URL != "https://plateforme.example" || !info.LastSync.Equal(at) || info.User != "tournus" {
		t.Errorf("Platform = %+v, %v", info, err)
	}
	c, err := New(ws, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.LastSync(ctx).Equal(info.LastSync) {
		t.Errorf("the client's LastSync %v differs from Platform's %v", c.LastSync(ctx), info.LastSync)
	}
}
