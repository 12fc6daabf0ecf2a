package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"terrimap/app"
)

func TestRunCommand(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		status     int
		stdout     []string // each must appear
		stderrPart string   // "" means stderr must be empty
	}{
		{[]string{"help"}, 0, []string{"Usage:", "--workspace PATH", "help", "version"}, ""},
		{[]string{"version"}, 0, []string{"terrimap " + app.Version + " (go"}, ""},
		{[]string{"help", "me"}, 2, nil, `terrimap help: takes no arguments, got "me"`},
		{[]string{"version", "--short"}, 2, nil, "takes no arguments"},
		{[]string{"frobnicate"}, 2, nil, `"frobnicate" is not a command`},
		{nil, 2, nil, "no command given"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := runCommand(tc.args, &stdout, &stderr); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if tc.stderrPart == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr: %s", stderr.String())
			}
			if tc.stderrPart != "" {
				if !strings.Contains(stderr.String(), tc.stderrPart) {
					t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderrPart)
				}
				if strings.Count(stderr.String(), "\n") != 1 {
					t.Errorf("stderr is not one line: %q", stderr.String())
				}
			}
		})
	}
}

func TestIsCommand(t *testing.T) {
	for _, c := range commands() {
		if !isCommand(c.name) {
			t.Errorf("isCommand(%q) = false", c.name)
		}
		if c.summary == "" || c.run == nil {
			t.Errorf("command %q has no summary or no run function", c.name)
		}
	}
	for _, name := range []string{"", "-h", "--workspace", "Help", "x.gpkg"} {
		if isCommand(name) {
			t.Errorf("isCommand(%q) = true", name)
		}
	}
}

var optionCases = []struct {
	args      []string
	workspace string
	err       string // "" for none; "help" for flag.ErrHelp
}{
	{nil, "", ""},
	{[]string{"--workspace", "tournus.gpkg"}, "tournus.gpkg", ""},
	{[]string{"-workspace=/data/ccmt.gpkg"}, "/data/ccmt.gpkg", ""},
	{[]string{"-h"}, "", "help"},
	{[]string{"--help"}, "", "help"},
	{[]string{"--workspace"}, "", "flag needs an argument"},
	{[]string{"--bogus"}, "", "not defined: -bogus"},
	{[]string{"tournus.gpkg"}, "", `"tournus.gpkg" is not a command`},
	{[]string{"--workspace", "a.gpkg", "extra"}, "", `"extra" is not a command`},
}

func TestParseOptions(t *testing.T) {
	for _, tc := range optionCases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout bytes.Buffer
			opts, err := parseOptions(tc.args, &stdout)
			switch {
			case tc.err == "help":
				if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stdout.String(), "Usage:") {
					t.Errorf("err = %v, stdout %q; want flag.ErrHelp and the usage", err, stdout.String())
				}
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want one containing %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("unexpected error: %v", err)
			case opts.WorkspacePath != tc.workspace:
				t.Errorf("workspace = %q, want %q", opts.WorkspacePath, tc.workspace)
			}
		})
	}
}

// FuzzParseOptions checks that no command line makes parseOptions panic or
// return a message of more than one line. Arguments are separated by NUL.
func FuzzParseOptions(f *testing.F) {
	for _, tc := range optionCases {
		f.Add(strings.Join(tc.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		var args []string
		if line != "" {
			args = strings.Split(line, "\x00")
		}
		if len(args) > 0 && isCommand(args[0]) {
			return // main runs it as a command instead
		}
		_, err := parseOptions(args, new(bytes.Buffer))
		if err != nil && !errors.Is(err, flag.ErrHelp) && strings.Contains(err.Error(), "\n") {
			t.Errorf("error of more than one line: %q", err)
		}
	})
}
