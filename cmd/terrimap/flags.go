package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a flag set for a command that reports errors itself,
// one sentence each, instead of printing the flag package's usage.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("terrimap "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args, accepting flags before and after the positional
// arguments (terrimap import FILE --workspace WS works too), and returns the
// positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
		if len(args) > 0 && args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
	}
}

// usageError reports a command line that cannot work, and returns exit status 2.
func usageError(stderr io.Writer, cmd, format string, args ...any) int {
	fmt.Fprintf(stderr, "terrimap %s: %s; run \"terrimap help\" for usage\n", cmd, fmt.Sprintf(format, args...))
	return 2
}

// usageFrench reports, in French, a command line that cannot work, and
// returns exit status 2: the commands whose readers are the communes'
// services (report, indicators).
func usageFrench(stderr io.Writer, cmd, format string, args ...any) int {
	fmt.Fprintf(stderr, "terrimap %s: %s ; \"terrimap help\" donne l'usage\n", cmd, fmt.Sprintf(format, args...))
	return 2
}

// failureFrench reports a French sentence and returns exit status 1.
func failureFrench(stderr io.Writer, cmd, msg string) int {
	fmt.Fprintf(stderr, "terrimap %s: %s\n", cmd, msg)
	return 1
}

// failure reports an error in one sentence and returns exit status 1.
func failure(stderr io.Writer, cmd string, err error) int {
	msg := err.Error()
	// Errors carry their package prefixes ("store: open x: store: not a
	// GeoPackage"); say each prefix once.
	for _, p := range []string{"store: ", "formats: ", "srs: ", "schema: ", "gpkgbin: "} {
		if i := strings.Index(msg, p); i >= 0 {
			msg = msg[:i+len(p)] + strings.ReplaceAll(msg[i+len(p):], p, "")
		}
	}
	fmt.Fprintf(stderr, "terrimap %s: %s\n", cmd, msg)
	return 1
}
