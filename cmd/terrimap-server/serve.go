package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"terrimap/sync/server"
	"terrimap/sync/server/basemap"
)

func runServe(ctx context.Context, args []string, e env) error {
	fs := flags("serve")
	db := fs.String("db", "", "platform database (GeoPackage)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	logFormat := fs.String("log-format", "text", "log lines as text (key=value) or json")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	logger, err := newLogger(*logFormat, e.stderr)
	if err != nil {
		return err
	}
	st, err := server.OpenSQLite(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	srv := server.New(st, server.Options{Logger: logger, Basemap: basemap.New(st)})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(e.stdout, "terrimap-server: serving %s on http://%s (sync API /api/v1, OGC API /ogc)\n", *db, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		fmt.Fprintln(e.stdout, "terrimap-server: stopped")
		return nil
	}
}
