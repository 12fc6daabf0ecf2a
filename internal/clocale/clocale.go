// Package clocale keeps Fyne quiet in the C locale. LANG=C.UTF-8 (the
// default of containers and CI) names no language, but Fyne's locale
// lookup (github.com/jeandeaual/go-locale) takes "C" from it for a
// language tag and logs «Error parsing user locale C» on stderr each time
// translations are loaded — three times per headless command, the first
// while Fyne's lang package initialises, before main runs.
//
// Imported for its side effect by package app (so by every program that
// links Fyne's lang through it), it runs
// before Fyne's lang package initialises (Go initialises packages in the
// order of their import paths once their imports are; lang waits for
// text/template, whose path sorts after terrimap/…; cmd/terrimap's
// TestNoLocaleNoise holds this). In a C or POSIX locale with no LANGUAGE
// (gettext's list of languages, ignored in the C locale: no program
// changes language for it), it sets LANGUAGE=en: the English Fyne falls
// back to anyway, without the noise. No other locale is touched.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if language, ok := Language(os.Getenv); ok {
		os.Setenv("LANGUAGE", language)
	}
}

// Language returns the LANGUAGE to set for an environment read by getenv:
// "en" when the locale in force (LC_ALL, else LC_MESSAGES, else LANG) is
// C or POSIX with an encoding ("C.UTF-8") and LANGUAGE is unset.
func Language(getenv func(string) string) (string, bool) {
	if getenv("LANGUAGE") != "" {
		return "", false
	}
	locale := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(v); locale != "" {
			break
		}
	}
	name, _, _ := strings.Cut(locale, ".")
	name, _, _ = strings.Cut(name, "@")
	if (name == "C" || name == "POSIX") && locale != name {
		return "en", true
	}
	return "", false
}
