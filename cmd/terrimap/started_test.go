package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"terrimap/app"
)

func TestProcessAge(t *testing.T) {
	for _, tc := range []struct {
		name, stat, uptime string
		age                time.Duration
		ok                 bool
	}{
		{"plain", "4242 (terrimap) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 12 0 12345 1000 ...", "200.50 300.00", 77*time.Second + 50*time.Millisecond, true},
		{"a name with spaces and parentheses", "7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0", "1.25 2", 250 * time.Millisecond, true},
		{"no parenthesis", "4242 terrimap S 1", "200 300", 0, false},
		{"too short", "4242 (terrimap) S 1 2 3", "200 300", 0, false},
		{"not a number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 soon 0 0", "200 300", 0, false},
		{"no uptime", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			age, ok := processAge(tc.stat, tc.uptime)
			if ok != tc.ok || (ok && (age-tc.age).Abs() > time.Millisecond) {
				t.Errorf("processAge = %v, %v; want %v, %v", age, ok, tc.age, tc.ok)
			}
		})
	}
}

// This test process started before the test ran, and less than a
// minute before (Linux reads it from /proc; elsewhere it is the fallback).
func TestProcessStart(t *testing.T) {
	now := time.Now()
	got := processStart(now)
	if got.After(now) || now.Sub(got) > 10*time.Minute {
		t.Errorf("processStart = %v, %v before now", got, now.Sub(got))
	}
}

func TestStartupTraceFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want app.StartupTrace
		err  string
	}{
		{nil, app.NoStartupTrace, ""},
		{[]string{"--startup-trace"}, app.TraceStartup, ""},
		{[]string{"--startup-trace=exit", "--workspace", "a.gpkg"}, app.TraceStartupAndQuit, ""},
		{[]string{"--startup-trace=false"}, app.NoStartupTrace, ""},
		{[]string{"--startup-trace=later"}, app.NoStartupTrace, `takes "exit", or no value`},
		// As a boolean flag, it takes no separate value.
		{[]string{"--startup-trace", "exit"}, app.TraceStartup, `"exit" is not a command`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			opts, err := parseOptions(tc.args, new(bytes.Buffer))
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want one containing %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("unexpected error: %v", err)
			case opts.StartupTrace != tc.want:
				t.Errorf("StartupTrace = %v, want %v", opts.StartupTrace, tc.want)
			}
		})
	}
}
