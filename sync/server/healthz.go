package server

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime/debug"
	"time"

	"terrimap/sync/protocol"
)

// RouteHealth answers monitoring without a token: 200 when the platform
// reads its database, 503 when it cannot.
const RouteHealth = "GET /healthz"

// Health is the answer of RouteHealth.
type Health struct {
	// Status is "ok" or "unavailable".
	Status string `json:"status"`
	// Version is the build of terrimap-server; Protocol the sync
	// protocol's version.
	Version  string `json:"version"`
	Protocol string `json:"protocol"`
	// Database is "ok", or why it could not be read (no path, no SQL).
	Database string `json:"database"`
	// Replica is the read replica's state, for a Storage that reads from
	// one (ReplicaReporter); absent otherwise.
	Replica *ReplicaHealth `json:"replica,omitempty"`
}

// ReplicaReporter is a Storage that may send reads to a streaming replica
// (pgstore with a replica URL): GET /healthz shows how far behind it is.
type ReplicaReporter interface {
	// ReplicaHealth reads the replica's state; ok is false without one.
	ReplicaHealth(ctx context.Context) (h ReplicaHealth, ok bool)
}

// ReplicaHealth is how far a read replica lags behind the primary.
type ReplicaHealth struct {
	// Status is "ok", or "unreadable" when the replica does not answer
	// (reads then go to the primary).
	Status string `json:"status"`
	// LagSeconds is how long ago the last transaction it replayed was
	// committed on the primary, while it has WAL left to replay; 0 when it
	// has replayed everything. It is the whole cluster's (other databases'
	// writes count); FeedBehind is this platform's.
	LagSeconds float64 `json:"lag_seconds"`
	// FeedBehind counts the feed's sequence numbers the primary has given
	// out that the replica has not replayed yet.
	FeedBehind int64 `json:"feed_behind"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	h := Health{Status: "ok", Version: s.opts.Version, Protocol: protocol.ProtocolVersion, Database: "ok"}
	status := http.StatusOK
	if _, err := s.st.SchemaVersion(ctx); err != nil {
		s.opts.Logger.Error("health check: database unreadable", "err", err)
		h.Status, h.Database, status = "unavailable", "unreadable", http.StatusServiceUnavailable
	}
	if rr, ok := s.st.(ReplicaReporter); ok {
		if rh, ok := rr.ReplicaHealth(ctx); ok {
			h.Replica = &rh
		}
	}
	w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(h)
}

// buildVersion names the build: the module's version, or its VCS revision
// for a build from a checkout, or "dev".
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
