package app

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"terrimap/internal/paper"
)

// groupDigits writes n with its thousands grouped as the user's language
// does («12 418» in French, with a no-break space; «12,418» in English):
// paper.Int groups the digits, and a translated pattern joins the groups
// two by two, since the French separator — a space — could not be a
// translation of its own.
func groupDigits(n int) string {
	groups := strings.Split(paper.Int(int64(n)), paper.NBSP)
	out := groups[0]
	for _, g := range groups[1:] {
		out = lang.L("{{.Thousands}},{{.Units}}", map[string]any{"Thousands": out, "Units": g})
	}
	return out
}
