package integration

import (
	"fmt"
	"log/slog"
	"os"
	"testing"

	"terrimap/internal/pgtest"
)

// Environment variables that turn the re-executed test binary into a
// child process: a desk syncing until killed, or a platform server (and
// photoChildEnv, a desk syncing once).
const (
	syncChildEnv   = "TERRIMAP_SYNC_CHILD"   // JSON syncChildConfig
	serverChildEnv = "TERRIMAP_SERVER_CHILD" // JSON serverChildConfig
)

func TestMain(m *testing.M) {
	// The platform logs every request at INFO: thousands of lines a run,
	// written under the race detector. Warnings and errors stay.
	slog.SetLogLoggerLevel(slog.LevelWarn)
	if cfg := os.Getenv(syncChildEnv); cfg != "" {
		os.Exit(runSyncChild(cfg))
	}
	if cfg := os.Getenv(serverChildEnv); cfg != "" {
		os.Exit(runServerChild(cfg))
	}
	if path := os.Getenv(photoChildEnv); path != "" {
		os.Exit(runPhotoChild(path))
	}
	// The PostgreSQL cluster, when the tests start one, is stopped after
	// them; the children above use the parent's.
	code := pgtest.Main(m)
	if err := removeBenchPlatforms(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
