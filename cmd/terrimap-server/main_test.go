package main

import (
	"os"
	"testing"

	"terrimap/internal/pgtest"
)

// TestMain gives the tests a PostgreSQL cluster (pgtest) for the commands
// run on both storages.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
