package pgstore

import (
	"encoding/hex"
	"strings"

	"terrimap/sync/protocol"
)

// parseUUID reads a feature id; ok is false for anything but the
// lower-case hyphenated form the protocol allows (protocol.ValidUUID):
// such an id names no feature, it is never an error of the database.
func parseUUID(id string) (u [16]byte, ok bool) {
	if !protocol.ValidUUID(id) {
		return u, false
	}
	h := id[0:8] + id[9:13] + id[14:18] + id[19:23] + id[24:36]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}

// formatUUID writes a UUID as the protocol spells it.
func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// lower is a layer name's key in maps (names are case-insensitive).
func lower(name string) string { return strings.ToLower(name) }
