package main

import (
	"fmt"
	"io"
	"log/slog"
)

// newLogger returns the server's logger writing to w: "text" (key=value,
// the default, easy to read and to grep) or "json" (one object a line, for
// a log collector).
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, fmt.Errorf("%w: --log-format %q: text or json", errUsage, format)
	}
}
