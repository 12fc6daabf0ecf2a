package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// e2eStep is one step of an end-to-end script (terrimap --e2e-script):
// a verb, and its argument (the rest of the line; for «set», the field's
// name then its value).
type e2eStep struct {
	// line is the step's line in the script, for messages.
	line  int
	verb  string
	arg   string
	field string // set, expect-empty: the field's name
}

// e2eVerbs are the verbs of an end-to-end script, each with what its
// argument is: "" none, "size" WIDTHxHEIGHT or nothing, "text" any text, "n" a whole number ≥ 1, "field"
// a field's name, "field value" a field's name then its value.
var e2eVerbs = map[string]string{
	"ready":           "size",        // the workspace open, its map drawn, the platform looked at; the window WxH when given
	"search":          "text",        // types the text in the search box
	"open-result":     "n",           // clicks the nth result
	"nearby":          "",            // presses «À proximité»
	"nearby-in":       "text",        // picks a layer (its name) in «À proximité»'s choice
	"expect-empty":    "field",       // the form shows this field empty
	"set":             "field value", // types a value in a field of the form
	"save":            "",            // presses «Enregistrer» and waits for the saved message
	"pending":         "n",           // the status bar counts n changes waiting
	"sync":            "",            // presses «Synchroniser» and waits for its end
	"intervention":    "text",        // a new intervention on the equipment shown, with this photo file
	"report":          "text",        // a before-works report around the feature shown, to this PDF file
	"dtdict-register": "",            // opens Outils › DT-DICT and waits for the register's list
	"dtdict-import":   "text",        // drops this DT-DICT declaration (.xml) on the window, confirms it, waits for its answer screen
	"dtdict-answer":   "text",        // generates the answer of the declaration shown into this folder, as the signed-in user
}

// errE2EScript marks a script that cannot be run as written.
var errE2EScript = errors.New("e2e script")

// parseE2EScript reads a script: one step a line, a verb and its
// argument; blank lines and lines starting with # are left out.
func parseE2EScript(r io.Reader) ([]e2eStep, error) {
	var steps []e2eStep
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		kind, ok := e2eVerbs[verb]
		if !ok {
			return nil, fmt.Errorf("app: %w: line %d: unknown step %q", errE2EScript, n, verb)
		}
		st := e2eStep{line: n, verb: verb, arg: arg}
		switch kind {
		case "":
			if arg != "" {
				return nil, fmt.Errorf("app: %w: line %d: %s takes nothing, not %q", errE2EScript, n, verb, arg)
			}
		case "size":
			var w, h int
			if arg != "" {
				if _, err := fmt.Sscanf(arg, "%dx%d", &w, &h); err != nil || w < 1 || h < 1 || fmt.Sprintf("%dx%d", w, h) != arg {
					return nil, fmt.Errorf("app: %w: line %d: %s takes a size WIDTHxHEIGHT or nothing, not %q", errE2EScript, n, verb, arg)
				}
			}
		case "n":
			if v, err := strconv.Atoi(arg); err != nil || v < 1 {
				return nil, fmt.Errorf("app: %w: line %d: %s takes a number from 1, not %q", errE2EScript, n, verb, arg)
			}
		case "text":
			if arg == "" {
				return nil, fmt.Errorf("app: %w: line %d: %s needs an argument", errE2EScript, n, verb)
			}
		case "field":
			if arg == "" || strings.ContainsAny(arg, " \t") {
				return nil, fmt.Errorf("app: %w: line %d: %s takes a field's name, not %q", errE2EScript, n, verb, arg)
			}
			st.field = arg
		case "field value":
			field, value, _ := strings.Cut(arg, " ")
			if field == "" {
				return nil, fmt.Errorf("app: %w: line %d: %s takes a field's name and a value", errE2EScript, n, verb)
			}
			st.field, st.arg = field, strings.TrimSpace(value)
		}
		steps = append(steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("app: %w: %w", errE2EScript, err)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("app: %w: no step", errE2EScript)
	}
	return steps, nil
}

// number is the step's argument as a whole number (checked at parse).
func (st e2eStep) number() int {
	n, _ := strconv.Atoi(st.arg)
	return n
}

// String is the step as the log names it.
func (st e2eStep) String() string {
	switch {
	case st.field != "" && st.verb == "set":
		return fmt.Sprintf("%s %s «%s»", st.verb, st.field, st.arg)
	case st.field != "":
		return st.verb + " " + st.field
	case st.arg != "":
		return fmt.Sprintf("%s «%s»", st.verb, st.arg)
	}
	return st.verb
}
