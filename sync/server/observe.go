package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

// HeaderRequestID carries the id of a request in its answer, and in the
// log line of the request: a user reporting a failure quotes it.
const HeaderRequestID = "X-Request-Id"

// requestInfo is what the request log learns while a request is answered.
type requestInfo struct {
	id   string
	user string
}

type requestInfoKey struct{}

// infoOf returns the request's log information, nil outside ServeHTTP.
func infoOf(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// begin starts a request: an id (sent back as X-Request-Id), its
// deadlines, and a writer that counts what is answered. end writes the
// request's log line: id, user, method, path (never the query, which may
// carry secrets, nor any header), status, bytes and duration.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) (*countingWriter, *http.Request, func()) {
	start := time.Now()
	info := &requestInfo{id: newRequestID()}
	w.Header().Set(HeaderRequestID, info.id)
	cw := &countingWriter{ResponseWriter: w}
	s.setDeadlines(cw, r, start)
	r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
	return cw, r, func() {
		if cw.status == 0 {
			cw.status = http.StatusOK // what net/http sends
		}
		level := slog.LevelInfo
		switch {
		case cw.status >= 500:
			level = slog.LevelError
		case cw.status >= 400:
			level = slog.LevelWarn
		}
		s.opts.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("id", info.id), slog.String("user", info.user),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", cw.status), slog.Int64("bytes", cw.bytes),
			slog.Duration("duration", time.Since(start)))
	}
}

// statusClientClosed answers (should anyone still read) and logs a request
// whose client left before it was answered: the "499 client closed
// request" of reverse proxies' logs. Never a 200 for work rolled back.
const statusClientClosed = 499

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// countingWriter records the status and size of an answer.
type countingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// flushes).
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
