// Package integration tests the desktop's sync client and the platform
// server together, for real: the server on httptest over a real database
// of each storage — a SQLite file and a PostgreSQL/PostGIS database (every
// test runs on both: forEachStorage) — and clients over real workspace
// files. It has no code of its own but its test fixtures: sync/client
// never imports sync/server, and this package is where the two meet.
package integration
