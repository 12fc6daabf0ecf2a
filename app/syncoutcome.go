package app

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// pushOutcomeText says what became of the changes a sync had to send:
// «2 modifications envoyées» for those the platform took, then those it
// refused, those in conflict, and those kept here because their layer is
// not on the platform («600 gardées sur cet ordinateur»).
func pushOutcomeText(push client.PushReport) string {
	parts := []string{sentText(push.Applied + push.Merged)}
	if push.Rejected > 0 {
		parts = append(parts, lang.N("{{.N}} refused", push.Rejected, map[string]any{"N": groupDigits(push.Rejected)}))
	}
	if push.Conflicts > 0 {
		parts = append(parts, lang.N("{{.N}} in conflict", push.Conflicts, map[string]any{"N": groupDigits(push.Conflicts)}))
	}
	held := 0
	for _, n := range push.Held {
		held += n
	}
	if held > 0 {
		parts = append(parts, lang.N("{{.N}} kept on this computer", held, map[string]any{"N": groupDigits(held)}))
	}
	return strings.Join(parts, ", ")
}

// heldLayersText says, layer by layer, how many changes wait on this
// computer because the platform does not have their layer, and why (its
// refusal, or the layer was made during the sync and not offered yet);
// empty when none wait.
func heldLayersText(ws *store.Workspace, sum client.Summary) string {
	var lines []string
	for _, layer := range slices.Sorted(maps.Keys(sum.Push.Held)) {
		n := sum.Push.Held[layer]
		if n == 0 {
			continue
		}
		refusal, offered := sum.Layers.Publish[layer]
		if !offered { // made after the sync's layers step
			lines = append(lines, lang.N("«{{.Layer}}»: {{.N}} changes wait on this computer: the layer was made during the synchronisation; the next one offers it to the platform and sends them once it has it.", n,
				map[string]any{"Layer": layerTitle(ws, layer), "N": groupDigits(n)}))
			continue
		}
		lines = append(lines, lang.N("«{{.Layer}}»: {{.N}} changes wait on this computer, the platform does not have this layer ({{.Why}}). They will be sent once it has it.", n,
			map[string]any{"Layer": layerTitle(ws, layer), "N": groupDigits(n), "Why": refusalText(refusal)}))
	}
	return strings.Join(lines, "\n")
}

// refusalText is the platform's own reason for not taking a layer, or why
// it could not be asked.
func refusalText(err error) string {
	var apiErr *protocol.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return inSentence(strings.TrimSuffix(strings.TrimSpace(apiErr.Message), "."))
	}
	return lang.L("the platform could not be asked to take it")
}

// inSentence lowers the capital a sentence starts with, for its place
// within another («Seul un…» → «seul un…»); a word in capitals («SIG…») stays.
func inSentence(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
