package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"terrimap/sync/server"
)

func runServe(ctx context.Context, args []string, e env) error {
	fs := flags("serve")
	db := fs.String("db", "", dbUsage)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	logFormat := fs.String("log-format", "text", "log lines as text (key=value) or json")
	trusted := fs.String("trusted-proxy", "", "reverse proxies whose X-Forwarded-* headers are believed: addresses or CIDR blocks, comma-separated (127.0.0.1 for a proxy on this machine)")
	readReplica := fs.String("read-replica", "", "postgres:// URL of a streaming replica of --db that serves the reads (feed, OGC API, history, tiles)")
	var tf tlsFiles
	fs.StringVar(&tf.cert, "tls-cert", "", "certificate (PEM, with its chain) to serve HTTPS without a reverse proxy")
	fs.StringVar(&tf.key, "tls-key", "", "private key (PEM) of --tls-cert")
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
	proxies, err := server.ParseTrustedProxies(*trusted)
	if err != nil {
		return fmt.Errorf("%w: --trusted-proxy: %v", errUsage, err)
	}
	if err := tf.check(); err != nil {
		return err
	}
	st, err := openServed(ctx, *db, *readReplica)
	if err != nil {
		return err
	}
	defer st.Close()
	tiles, stopTiles, err := platformBasemap(ctx, st, logger)
	if err != nil {
		return err
	}
	defer stopTiles()
	opts := server.Options{Logger: logger, TrustedProxies: proxies, Basemap: tiles}
	srv := server.New(st, opts)
	go srv.PurgeTokensEvery(ctx, time.Hour)
	startCapture(st, logger)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	hs := server.NewHTTPServer(srv, logger)
	warnPlainHTTP(logger, ln.Addr(), tf, proxies)
	fmt.Fprintf(e.stdout, "terrimap-server: serving %s on %s://%s (sync API /api/v1, OGC API /ogc)\n", shownDB(*db), tf.scheme(), ln.Addr())
	if *readReplica != "" {
		fmt.Fprintf(e.stdout, "terrimap-server: reads (feed, OGC API, history, tiles) from the replica %s; a desk that has just pushed reads from %s until the replica has its push (GET /healthz shows the replica's lag)\n", shownDB(*readReplica), shownDB(*db))
	}
	return serveUntilDone(ctx, hs, ln, tf, e)
}
