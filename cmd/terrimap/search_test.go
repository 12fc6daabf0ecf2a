package main

import (
	"strings"
	"testing"

	"terrimap/internal/demows"
)

// demoTournus is a copy of the demo workspace of Tournus: the search
// builds its text index when the cached file predates it.
func demoTournus(t *testing.T) string {
	t.Helper()
	return demows.Copy(t, "tournus", demows.Tournus())
}

func TestSearchCommand(t *testing.T) {
	ws := demoTournus(t)
	code, out, errOut := run(t, "search", "--workspace", ws, "mairie", "tournus")
	lines := strings.Split(out, "\n")
	if code != 0 || len(lines) < 3 {
		t.Fatalf("search: %d\n%s%s", code, out, errOut)
	}
	// The columns are as wide as their longest value: compare words.
	if first := strings.Join(strings.Fields(lines[1]), " "); !strings.HasPrefix(lines[0], "LAYER") ||
		!strings.HasPrefix(first, "batiment Mairie de Tournus Tournus Nom: Mairie de Tournus") {
		t.Errorf("first result:\n%s", out)
	}
	// The mairie, the two networks Tournus declares at the guichet unique
	// (their services sit at the mairie), then the lights and hydrants of
	// the Rue de la Mairie.
	if !strings.Contains(out, "\n20 result(s)") {
		t.Errorf("no count:\n%s", out)
	}

	// The nearest features of one layer, with their distance.
	code, out, errOut = run(t, "search", "--workspace", ws, "--near", "4.9109,46.5637", "--layer", "pei", "--limit", "3")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 || !strings.HasPrefix(lines[0], "DISTANCE") {
		t.Fatalf("search --near: %d\n%s%s", code, out, errOut)
	}
	for _, l := range lines[1:4] {
		if !strings.Contains(l, " m ") || !strings.Contains(l, "pei") || !strings.Contains(l, "Tournus") {
			t.Errorf("nearby line %q", l)
		}
	}
	if !strings.Contains(lines[4], "3 result(s)") {
		t.Errorf("nearby count: %q", lines[4])
	}

	// Words and a point: the matches, nearest first.
	code, out, _ = run(t, "search", "--workspace", ws, "--near", "4.9109,46.5637", "--limit", "2", "poteau")
	if code != 0 || !strings.Contains(out, "2 of ") || !strings.Contains(out, "Type de PEI: Poteau d'incendie") {
		t.Errorf("search poteau --near:\n%s", out)
	}

	code, out, _ = run(t, "search", "--workspace", ws, "piscine olympique")
	if code != 0 || out != "nothing matches \"piscine olympique\"\n" {
		t.Errorf("nothing found: %d %q", code, out)
	}
}

func TestSearchCommandErrors(t *testing.T) {
	ws := demoTournus(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"search", "mairie"}, 2, "--workspace is required"},
		{[]string{"search", "--workspace", ws}, 2, "give words to look for, or --near LON,LAT"},
		{[]string{"search", "--workspace", ws, "--near", "4.9"}, 2, "--near takes LON,LAT"},
		{[]string{"search", "--workspace", ws, "--near", "46.5,400"}, 2, "is not a longitude"},
		{[]string{"search", "--workspace", ws, "--layer", "piscines", "x"}, 2, `no layer "piscines"`},
		{[]string{"search", "--workspace", ws, "--limit", "0", "x"}, 2, "--limit must be a positive number"},
		{[]string{"search", "--workspace", ws + ".missing", "x"}, 1, "terrimap search: store: open"},
	} {
		code, out, errOut := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: %d %q %q, want %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
}
