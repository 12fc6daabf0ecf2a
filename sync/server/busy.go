package server

import (
	"errors"
	"net/http"

	"terrimap/sync/protocol"
)

// ErrBusy is wrapped by a Storage whose data are held elsewhere for a
// moment (PostgreSQL: a feature's row locked by a QGIS transaction still
// open): nothing was written, and the request may be sent again shortly.
// The platform answers it 503 with a Retry-After, which the desk waits out
// and retries, rather than 500.
var ErrBusy = errors.New("server: data held by another writer, try again shortly")

// busyRetryAfter is the Retry-After, in seconds, of an ErrBusy answer.
const busyRetryAfter = "5"

// refuseBusy answers a request that met ErrBusy.
func refuseBusy(w http.ResponseWriter) {
	w.Header().Set(protocol.HeaderRetryAfter, busyRetryAfter)
	writeError(w, http.StatusServiceUnavailable, protocol.CodeUnavailable,
		"Un objet concerné est en cours de modification par un autre logiciel (QGIS…) : rien n'a été enregistré, la synchronisation réessaiera dans un instant.")
}
