// Command terrimap is Terrimap's desktop app. Started with no command, or
// with --workspace PATH, it opens the main window; followed by a command
// (terrimap help lists them) it does that command's work headless and exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"terrimap/app"
)

func main() {
	started := time.Now()
	if len(os.Args) > 1 && isCommand(os.Args[1]) {
		os.Exit(runCommand(os.Args[1:], os.Stdout, os.Stderr))
	}
	opts, err := parseOptions(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
		os.Exit(2)
	}
	opts.StartDemo = startDemo
	opts.Started = processStart(started)
	if err := app.Run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
		os.Exit(1)
	}
}
