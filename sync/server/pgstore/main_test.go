package pgstore

import (
	"os"
	"testing"

	"terrimap/internal/pgtest"
)

// TestMain gives the package's tests a PostgreSQL cluster (pgtest).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
