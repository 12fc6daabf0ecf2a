package app

import (
	"errors"
	"strings"
	"testing"
)

func TestParseE2EScript(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []e2eStep
		err    string
	}{
		{name: "the secretary's path", script: "# a comment\nready\n\nsearch mairie tournus\nopen-result 1\nset debit 62,5\nexpect-empty date_dispo\npending 1\n",
			want: []e2eStep{{line: 2, verb: "ready"}, {line: 4, verb: "search", arg: "mairie tournus"}, {line: 5, verb: "open-result", arg: "1"},
				{line: 6, verb: "set", field: "debit", arg: "62,5"}, {line: 7, verb: "expect-empty", arg: "date_dispo", field: "date_dispo"}, {line: 8, verb: "pending", arg: "1"}}},
		{name: "a value with spaces", script: "set nom_etab  Mairie de Tournus ", want: []e2eStep{{line: 1, verb: "set", field: "nom_etab", arg: "Mairie de Tournus"}}},
		{name: "an empty value", script: "set debit", want: []e2eStep{{line: 1, verb: "set", field: "debit"}}},
		{name: "ready for a window size", script: "ready 1366x768", want: []e2eStep{{line: 1, verb: "ready", arg: "1366x768"}}},
		{name: "not a size", script: "ready 1366 x 768", err: `ready takes a size WIDTHxHEIGHT or nothing`},
		{name: "unknown verb", script: "ready\nclick 10 20", err: `line 2: unknown step "click"`},
		{name: "argument where none goes", script: "save now", err: `save takes nothing`},
		{name: "not a number", script: "open-result first", err: `open-result takes a number from 1`},
		{name: "zero", script: "pending 0", err: `pending takes a number from 1`},
		{name: "no text", script: "search", err: `search needs an argument`},
		{name: "two field names", script: "expect-empty date dispo", err: `expect-empty takes a field's name`},
		{name: "no step", script: "# nothing\n\n", err: "no step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseE2EScript(strings.NewReader(tt.script))
			if tt.err != "" {
				if err == nil || !errors.Is(err, errE2EScript) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d steps %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("step %d: %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
