package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"

	"terrimap/app"
)

// parseOptions reads the flags of the desktop app from args (without the
// program name). On -h or --help it writes the usage to stdout and returns
// flag.ErrHelp.
func parseOptions(args []string, stdout io.Writer) (app.Options, error) {
	var opts app.Options
	fs := flag.NewFlagSet("terrimap", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, one sentence each
	fs.Usage = func() {}
	fs.StringVar(&opts.WorkspacePath, "workspace", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return opts, err
		}
		// The flag package quotes nothing: keep a typed control character
		// from breaking the one-line message.
		msg := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return '?'
			}
			return r
		}, err.Error())
		return opts, fmt.Errorf("%s; run \"terrimap help\" for usage", msg)
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("%q is not a command; run \"terrimap help\" for the list", fs.Arg(0))
	}
	return opts, nil
}
