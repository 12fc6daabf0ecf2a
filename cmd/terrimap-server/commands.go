package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// command is a subcommand: terrimap-server NAME ARGS….
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, args []string, env env) error
}

// env is what a command reads and writes besides its arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// errUsage marks a command line that cannot work (exit status 2).
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"serve", "--db FILE|URL [--addr 127.0.0.1:8080] [--log-format text|json] [--tls-cert FILE --tls-key FILE] [--trusted-proxy ADDR,…] [--read-replica URL]", "serve the sync API, OGC API – Features and the basemap", runServe},
		{"backup", "--db FILE|URL --out FILE.bak", "copy a platform, even while it serves, with its attachments (FILE.bak.blobs; PostgreSQL: pg_dump -Fc, attachments inside)", runBackup},
		{"migrate", "--from FILE.gpkg --to postgres://…", "move a SQLite platform whole into PostgreSQL (history, feed order, users, tokens, attachments), verified; desks sync on without a first sync", runMigrate},
		{"demo", "--db FILE|URL [--scale N] [--credentials FILE]", "seed a new platform with the demo territory and its users", runDemo},
		{"import", "--db FILE|URL --layer NAME [--srs EPSG:2154] [--attributes-only] FILE", "import GeoJSON, Shapefile, CSV or GeoPackage features into a layer (--attributes-only: rows without geometry, such as a CSV of settings)", runImport},
		{"user", "add|list|remove|revoke --db FILE|URL [--org INSEE|ccmt --role viewer|editor|admin [--db-role ROLE]] [NAME]", "add a user (password on standard input; an existing user's desks are signed out), list users, remove one, or sign all their desks out", runUser},
		{"layer", "list|add-standard|add-field|add-code|title|temporal|edit-by --db FILE|URL …", "list layers, publish the layers a desk feature needs (add-standard --standard dtdict|icgp), evolve a layer's schema, declare the date field OGC API datetime filters read (temporal --field date|none), or say who may edit it (edit-by --by editor|admin)", runLayer},
		{"reconcile", "--db postgres://…", "compare every layer table with the feed and turn what changed behind the platform's back (triggers disabled, a table re-created, TRUNCATE) into versions; serve does it every few minutes", runReconcile},
		{"help", "", "list the commands", nil},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		err := c.run(ctx, args[1:], e)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "terrimap-server %s: %v\nusage: terrimap-server %s %s\n", c.name, strings.TrimPrefix(err.Error(), "usage: "), c.name, c.usage)
			return 2
		default:
			fmt.Fprintf(stderr, "terrimap-server %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "terrimap-server: %q is not a command; run \"terrimap-server help\"\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "terrimap-server: the data platform of the Communauté de Communes du Mâconnais-Tournugeois.")
	fmt.Fprintln(w, "\nCommands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.usage, c.summary)
	}
	tw.Flush()
}

// flags returns a flag set that reports errors as errUsage.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses flags placed before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func need(value, flagName string) error {
	if value == "" {
		return fmt.Errorf("%w: --%s is required", errUsage, flagName)
	}
	return nil
}
