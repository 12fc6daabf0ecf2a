// Command terrimap is Terrimap's desktop app. Started with no command, or
// with --workspace PATH, it opens the main window; followed by a command
// (terrimap help lists them) it does that command's work headless and exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"terrimap/app"
	"terrimap/internal/memlimit"
)

func main() {
	started := time.Now()
	if len(os.Args) > 1 && isCommand(os.Args[1]) {
		setCommandMemoryLimit(os.Args[1], os.Getenv("GOMEMLIMIT"), os.Getenv("GOGC"))
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
	memlimit.Set(appMemoryLimit, os.Getenv("GOMEMLIMIT"))
	opts.StartDemo = startDemo
	opts.Started = processStart(started)
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
			os.Exit(1)
		}
		defer stop()
	}
	if opts.memProfile != "" {
		write, err := startHeapProfile(opts.memProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
			os.Exit(1)
		}
		defer func() {
			if err := write(); err != nil {
				fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
			}
		}()
	}
	if err := app.Run(opts.Options); err != nil {
		fmt.Fprintf(os.Stderr, "terrimap: %v\n", err)
		os.Exit(1) // the profiles are lost: they are for runs that end well
	}
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "terrimap: --cpuprofile: %v\n", err)
		}
	}, nil
}
