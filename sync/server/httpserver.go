package server

import (
	"log/slog"
	"net/http"
	"time"
)

// NewHTTPServer returns the http.Server to run h (a Server) with: headers
// within 10 s, idle keep-alive connections closed after 2 minutes, and by
// default a request's body within 30 s and its answer within 60 s — the
// Server lengthens both per request (Deadlines) for bodies and answers
// that may be large. net/http's own messages go to logger.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
