package pgstore

import (
	"strings"

	"github.com/google/uuid"

	"terrimap/sync/protocol"
)

// parseUUID reads a feature id; ok is false for anything but the
// lower-case hyphenated form the protocol allows (protocol.ValidUUID):
// such an id names no feature, it is never an error of the database.
func parseUUID(id string) (u [16]byte, ok bool) {
	if !protocol.ValidUUID(id) {
		return u, false
	}
	parsed, err := uuid.Parse(id)
	return parsed, err == nil
}

// formatUUID writes a UUID as the protocol spells it.
func formatUUID(u [16]byte) string { return uuid.UUID(u).String() }

// lower is a layer name's key in maps (names are case-insensitive).
func lower(name string) string { return strings.ToLower(name) }
