package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// passwordEnv names the environment variable a script gives the password in.
const passwordEnv = "TERRIMAP_PASSWORD"

// runSync syncs a workspace with the platform: first run downloads what
// the user may read, later runs push the journal then pull the feed.
func runSync(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sync")
	workspace := fs.String("workspace", "", "workspace GeoPackage (created on first sync)")
	serverURL := fs.String("server", "", "platform address, e.g. http://127.0.0.1:8080 (remembered)")
	user := fs.String("user", "", "user name (remembered; the password comes from TERRIMAP_PASSWORD or a prompt)")
	dryRun := fs.Bool("dry-run", false, "show what would be sent and what waits on the platform, changing nothing")
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return usageError(stderr, "sync", "%v", err)
	case *workspace == "":
		return usageError(stderr, "sync", "--workspace is required")
	case len(rest) > 0:
		return usageError(stderr, "sync", "unexpected argument %q", rest[0])
	}
	ctx := context.Background()
	ws, err := store.OpenOrCreate(*workspace)
	if err != nil {
		return failure(stderr, "sync", err)
	}
	defer ws.Close()
	c, err := client.New(ws, *serverURL, client.Options{Progress: progressPrinter(stderr)})
	if errors.Is(err, client.ErrNoPlatform) && !*dryRun && client.HasSources(ctx, ws) {
		// No platform: the outside sources are what there is to sync.
		sum, err := client.SyncSources(ctx, ws, nil)
		printSources(stdout, sum.Sources)
		if err != nil {
			return failure(stderr, "sync", err)
		}
		return 0
	}
	if errors.Is(err, client.ErrNoPlatform) {
		return usageError(stderr, "sync", "this workspace was never synced: give --server and --user")
	}
	if err != nil {
		return failure(stderr, "sync", err)
	}
	if *user != "" && *user != c.User(ctx) || !c.LoggedIn(ctx) {
		name := *user
		if name == "" {
			name = c.User(ctx)
		}
		if name == "" {
			return usageError(stderr, "sync", "give --user for the first sync")
		}
		password, err := readPassword(stderr, name)
		if err != nil {
			return failure(stderr, "sync", err)
		}
		resp, err := c.Login(ctx, name, password)
		if err != nil {
			return failure(stderr, "sync", explain(err))
		}
		fmt.Fprintf(stdout, "Signed in as %s.\n", resp.User.Name)
	}
	if *dryRun {
		return printPreview(ctx, c, stdout, stderr)
	}
	sum, err := c.Sync(ctx)
	if err != nil {
		return failure(stderr, "sync", explain(err))
	}
	if sum.Pull.Received+sum.Pull.Deleted > 0 || len(sum.Layers.Created)+len(sum.Layers.Updated) > 0 {
		prepareOverview(ctx, ws, stderr)
	}
	fmt.Fprintf(stdout, "Sent %d: %d applied, %d merged, %s, %d rejected. Received %d, deleted %d.\n",
		sum.Push.Sent, sum.Push.Applied, sum.Push.Merged, counted(sum.Push.Conflicts, "conflict"), sum.Push.Rejected, sum.Pull.Received, sum.Pull.Deleted)
	if len(sum.Layers.Created)+len(sum.Layers.Updated) > 0 {
		fmt.Fprintf(stdout, "Layers: new %s; updated %s.\n", list(sum.Layers.Created), list(sum.Layers.Updated))
	}
	for _, name := range slices.Sorted(maps.Keys(sum.Layers.Publish)) {
		err := sum.Layers.Publish[name]
		switch n := sum.Push.Held[name]; {
		case err != nil && n > 0:
			fmt.Fprintf(stdout, "Layer %s stays on this computer, its %d pending changes kept until the platform has it: %v\n", name, n, explain(err))
		case err != nil:
			fmt.Fprintf(stdout, "Layer %s stays on this computer: %v\n", name, explain(err))
		default:
			fmt.Fprintf(stdout, "Layer %s published on the platform.\n", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sum.Push.Held)) {
		if _, offered := sum.Layers.Publish[name]; !offered {
			fmt.Fprintf(stdout, "Layer %s was made during the sync: its %d pending changes stay on this computer; the next sync offers it to the platform.\n", name, sum.Push.Held[name])
		}
	}
	printSources(stdout, sum.Sources)
	if sum.Conflicts+sum.Rejected > 0 {
		fmt.Fprintf(stdout, "Waiting for you: %s, %s (open Terrimap to settle them; nothing is lost).\n",
			counted(sum.Conflicts, "conflict"), counted(sum.Rejected, "rejected change"))
	}
	return 0
}

// printSources says how refreshing each outside source went, by layer.
func printSources(stdout io.Writer, sources map[string]error) {
	layers := make([]string, 0, len(sources))
	for l := range sources {
		layers = append(layers, l)
	}
	sort.Strings(layers)
	for _, l := range layers {
		if err := sources[l]; err != nil {
			fmt.Fprintf(stdout, "Source %s not refreshed (its last copy stays): %v\n", l, err)
		} else {
			fmt.Fprintf(stdout, "Source %s refreshed.\n", l)
		}
	}
}

func printPreview(ctx context.Context, c *client.Client, stdout, stderr io.Writer) int {
	p, err := c.Preview(ctx)
	if err != nil {
		return failure(stderr, "sync", explain(err))
	}
	fmt.Fprintln(stdout, "Dry run: nothing was sent or changed.")
	layers := make([]string, 0, len(p.ToSend))
	for l := range p.ToSend {
		layers = append(layers, l)
	}
	sort.Strings(layers)
	if len(layers) == 0 {
		fmt.Fprintln(stdout, "To send: nothing.")
	}
	for _, l := range layers {
		ops := p.ToSend[l]
		fmt.Fprintf(stdout, "To send, %s: %d created, %d updated, %d deleted.\n", l, ops["create"], ops["update"], ops["delete"])
	}
	for _, l := range slices.Sorted(maps.Keys(p.Held)) {
		fmt.Fprintf(stdout, "Kept on this computer, %s: %s (the platform does not have this layer: the sync offers it first and sends them once it has it).\n", l, counted(p.Held[l], "change"))
	}
	total := 0
	for _, n := range p.Waiting {
		total += n
	}
	more := ""
	if p.More {
		more = " (and more)"
	}
	fmt.Fprintf(stdout, "Waiting on the platform: %d changed features%s.\n", total, more)
	if p.Conflicts+p.Rejected > 0 {
		fmt.Fprintf(stdout, "Held for you: %s, %s.\n", counted(p.Conflicts, "conflict"), counted(p.Rejected, "rejected change"))
	}
	return 0
}

// counted writes n things in English: "1 conflict", "2 conflicts".
func counted(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// explain turns the client's errors into what the user can do.
func explain(err error) error {
	var apiErr *protocol.APIError
	switch {
	case errors.Is(err, client.ErrCertificate):
		return fmt.Errorf("the platform's HTTPS certificate is not trusted by this computer: install its certificate authority in the system's store (on Linux, SSL_CERT_FILE=ca.pem also works for one run) (%w)", err)
	case errors.Is(err, client.ErrPlatformFailing) && errors.As(err, &apiErr):
		return fmt.Errorf("the platform answers but fails (HTTP %d), even after retrying: tell its administrator if this goes on; your changes wait in the workspace and go at the next sync (%w)", apiErr.StatusCode, err)
	case errors.Is(err, client.ErrUnreachable):
		return fmt.Errorf("the platform cannot be reached; you can keep working offline, your changes wait in the workspace and go at the next sync (%w)", err)
	case errors.Is(err, client.ErrNotLoggedIn):
		return fmt.Errorf("the platform refused the sign-in: check the user name and password, or sign in again (%w)", err)
	}
	return err
}

func readPassword(stderr io.Writer, user string) (string, error) {
	if p := os.Getenv(passwordEnv); p != "" {
		return p, nil
	}
	fmt.Fprintf(stderr, "Password for %s: ", user)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password: set %s or type it when asked", passwordEnv)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func progressPrinter(w io.Writer) func(client.Progress) {
	last := ""
	return func(p client.Progress) {
		if p.Stage == last && p.Done%500 != 0 && p.Done != p.Total {
			return
		}
		last = p.Stage
		if p.Total > 0 {
			fmt.Fprintf(w, "%s: %d/%d\n", p.Stage, p.Done, p.Total)
		} else if p.Stage != "done" {
			fmt.Fprintf(w, "%s: %d\n", p.Stage, p.Done)
		}
	}
}

func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
