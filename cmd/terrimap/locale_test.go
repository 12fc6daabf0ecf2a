package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets a test run this test binary as terrimap itself: with
// TERRIMAP_TEST_MAIN=1 in its environment, it is main.
func TestMain(m *testing.M) {
	if os.Getenv("TERRIMAP_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestNoLocaleNoise runs headless commands as the real binary does, in
// the C locales of containers and CI and in French: nothing but their own
// words reaches stderr (Fyne's «Error parsing user locale C» did, see
// internal/clocale).
func TestNoLocaleNoise(t *testing.T) {
	var env []string
	for _, kv := range os.Environ() {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE":
		default:
			env = append(env, kv)
		}
	}
	for _, lang := range []string{"C", "C.UTF-8", "C.utf8", "POSIX", "fr_FR.UTF-8", "en_US.UTF-8"} {
		for _, args := range [][]string{{"version"}, {"help"}} {
			t.Run(lang+" "+strings.Join(args, " "), func(t *testing.T) {
				cmd := exec.Command(os.Args[0], args...)
				cmd.Env = append(env, "TERRIMAP_TEST_MAIN=1", "LANG="+lang)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("%v\n%s", err, stderr.String())
				}
				if stderr.Len() > 0 || stdout.Len() == 0 {
					t.Errorf("stderr:\n%s\nstdout:\n%s", stderr.String(), stdout.String())
				}
			})
		}
	}
}
