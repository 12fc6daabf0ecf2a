package main

import (
	"regexp"
	"strings"
)

// flagErrorsFrench are the messages of package flag, in French, for the
// commands whose readers are the services and the élus (indicators):
// each pattern with its sentence ($1 the value, $2 the option).
var flagErrorsFrench = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`invalid boolean value "(.*)" for -(\S+?):`), "--$2 « $1 » : true ou false est attendu"},
	{regexp.MustCompile(`invalid value "(.*)" for flag -(\S+?):`), "--$2 « $1 » : un nombre est attendu"},
	{regexp.MustCompile(`help requested()()`), "aide demandée"},
	{regexp.MustCompile(`flag provided but not defined: -+(\S+)()`), "option inconnue --$1"},
	{regexp.MustCompile(`flag needs an argument: -+(\S+)()`), "--$1 attend une valeur"},
	{regexp.MustCompile(`bad flag syntax: (.*)()`), "option mal écrite « $1 »"},
}

// flagErrorFrench says a command-line error of parseFlags in French,
// without the command's name (the caller says it once). An error it does
// not know keeps its words.
func flagErrorFrench(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		msg = rest // parseFlags prefixes the command's name
	}
	for _, f := range flagErrorsFrench {
		if m := f.re.FindStringSubmatchIndex(msg); m != nil {
			return string(f.re.ExpandString(nil, f.with, msg, m))
		}
	}
	return msg
}
