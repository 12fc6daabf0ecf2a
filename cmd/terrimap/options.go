package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"terrimap/app"
)

// desktopOptions are the desktop app's command line: the app's options,
// and what main itself does.
type desktopOptions struct {
	app.Options
	// cpuProfile is a file to write a CPU profile of the whole run to
	// (--cpuprofile), for the startup trace's investigations.
	cpuProfile string
	// memProfile is a file to write a heap profile of the whole run to
	// when it ends (--memprofile): what the start allocated, and what was
	// live at its last garbage collection.
	memProfile string
}

// parseOptions reads the flags of the desktop app from args (without the
// program name). On -h or --help it writes the usage to stdout and returns
// flag.ErrHelp.
func parseOptions(args []string, stdout io.Writer) (desktopOptions, error) {
	var opts desktopOptions
	fs := flag.NewFlagSet("terrimap", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, one sentence each
	fs.Usage = func() {}
	fs.StringVar(&opts.WorkspacePath, "workspace", "", "")
	fs.Var((*traceFlag)(&opts.StartupTrace), "startup-trace", "")
	fs.StringVar(&opts.cpuProfile, "cpuprofile", "", "")
	fs.StringVar(&opts.memProfile, "memprofile", "", "")
	// Hidden: scripts/e2e-linux.sh plays the secretary's path with it.
	fs.StringVar(&opts.E2EScript, "e2e-script", "", "")
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

// traceFlag is --startup-trace: alone, the app writes on stderr when the
// workspace it opens at start is open and when its map is first drawn
// (milliseconds after the process started); --startup-trace=exit also
// quits then, for scripts that measure the start again and again.
type traceFlag app.StartupTrace

func (f *traceFlag) String() string {
	switch app.StartupTrace(*f) {
	case app.TraceStartup:
		return "true"
	case app.TraceStartupAndQuit:
		return "exit"
	}
	return "false"
}

func (f *traceFlag) Set(s string) error {
	if s == "exit" {
		*f = traceFlag(app.TraceStartupAndQuit)
		return nil
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New(`takes "exit", or no value`)
	}
	*f = traceFlag(app.NoStartupTrace)
	if on {
		*f = traceFlag(app.TraceStartup)
	}
	return nil
}

// IsBoolFlag lets --startup-trace go without a value.
func (f *traceFlag) IsBoolFlag() bool { return true }
