package server

import (
	"net/http"
	"strings"
	"time"

	"terrimap/sync/protocol"
)

// Deadlines bound how long a request may take to arrive and its answer to
// leave, so that a client that stalls (or sends a byte a minute) holds a
// connection for a bounded time only. Each request gets Base plus the time
// its body, and then its answer, take at MinRate: a 25 MB photo has
// 30 s + 25 MB / 16 KiB/s ≈ 26 minutes, enough for a poor rural line
// (about 130 kbit/s); slower lines resume the upload where it stopped.
type Deadlines struct {
	// Base is the time allowed beyond the transfer; default 30 s.
	Base time.Duration
	// MinRate is the slowest line served, in bytes per second; default
	// 16 KiB/s.
	MinRate int64
}

// DefaultDeadlines: 30 s plus the transfer at 16 KiB/s.
func DefaultDeadlines() Deadlines { return Deadlines{Base: 30 * time.Second, MinRate: 16 << 10} }

// smallBody bounds what a request or an answer of the JSON calls not
// listed in routeSizes is expected to weigh, for its deadline.
const smallBody = 1 << 20

// routeSizes returns the largest body a request to r may send and the
// largest answer it may get, for its deadlines.
func routeSizes(r *http.Request) (in, out int64) {
	in, out = smallBody, smallBody
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, protocol.PathBlobs+"/"):
		if r.Method == http.MethodPut {
			in = protocol.MaxBlobBytes
		} else {
			out = protocol.MaxBlobBytes
		}
	case path == protocol.PathPush:
		in, out = protocol.MaxPushBytes, protocol.MaxPushResponseBytes
	case strings.HasPrefix(path, protocol.PathLayers):
		in, out = protocol.MaxLayersBytes, protocol.MaxLayersBytes
	case strings.HasPrefix(path, protocol.PathChanges), strings.HasPrefix(path, protocol.PathFeatures),
		strings.HasPrefix(path, "/ogc"), strings.HasPrefix(path, "/tiles"):
		out = protocol.MaxChangesBytes
	}
	if r.ContentLength >= 0 {
		in = min(in, r.ContentLength)
	}
	return in, out
}

// setDeadlines sets the read deadline of the request's body and the write
// deadline of its answer (which follows the body).
func (s *Server) setDeadlines(w http.ResponseWriter, r *http.Request, start time.Time) {
	d := s.opts.Deadlines
	in, out := routeSizes(r)
	transfer := func(n int64) time.Duration { return time.Duration(n/d.MinRate+1) * time.Second }
	read := start.Add(d.Base + transfer(in))
	rc := http.NewResponseController(w)
	// Errors mean a writer without deadlines (a test's recorder): the
	// server's own timeouts, if any, apply.
	rc.SetReadDeadline(read)
	rc.SetWriteDeadline(read.Add(d.Base + transfer(out)))
}
