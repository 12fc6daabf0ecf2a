package main

import "testing"

func TestStreamsFiles(t *testing.T) {
	for _, c := range []struct {
		command string
		want    bool
	}{
		{"import", true},
		{"export", true},
		{"sync", false},
		{"render", false},
	} {
		if got := streamsFiles(c.command); got != c.want {
			t.Errorf("streamsFiles(%q) = %v, want %v", c.command, got, c.want)
		}
	}
}
