package app

import (
	"context"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"terrimap/store"
	"terrimap/sync/client"
)

// showPreview tells, before syncing, what would be sent and what waits on
// the platform; offline, what would be sent only.
func (p *syncPanel) showPreview() {
	if p.client == nil {
		return
	}
	p.loading++
	go func() {
		pv, err := p.client.Preview(context.Background())
		p.do(func() {
			p.loading--
			dialog.ShowInformation(lang.L("What the synchronisation will do"), previewText(p.ws, pv, err), p.win)
		})
	}()
}

// previewText says a preview in words, layer by layer.
func previewText(ws *store.Workspace, pv client.Preview, err error) string {
	var b strings.Builder
	ops := map[string]string{"create": lang.L("new"), "update": lang.L("changed"), "delete": lang.L("deleted")}
	if len(pv.ToSend) == 0 {
		b.WriteString(lang.L("Nothing to send."))
	} else {
		b.WriteString(lang.L("To send:"))
		for _, layer := range slices.Sorted(maps.Keys(pv.ToSend)) {
			var parts []string
			for _, op := range []string{"create", "update", "delete"} {
				if n := pv.ToSend[layer][op]; n > 0 {
					parts = append(parts, lang.L("{{.N}} {{.What}}", map[string]any{"N": n, "What": ops[op]}))
				}
			}
			b.WriteString("\n  • " + layerTitle(ws, layer) + " : " + strings.Join(parts, ", "))
		}
	}
	if len(pv.Held) > 0 {
		b.WriteString("\n\n" + lang.L("Kept on this computer, the platform does not have their layer yet (the synchronisation offers it first):"))
		b.WriteString(changesByLayerText(ws, pv.Held))
	}
	b.WriteString("\n\n")
	switch {
	case err != nil:
		b.WriteString(lang.L("What waits on the platform cannot be known now: it cannot be reached. You can keep working offline."))
	case len(pv.Waiting) == 0:
		b.WriteString(lang.L("Nothing new on the platform."))
	default:
		b.WriteString(lang.L("To receive:"))
		b.WriteString(changesByLayerText(ws, pv.Waiting))
		if pv.More {
			b.WriteString("\n  " + lang.L("…and more."))
		}
	}
	if pv.Conflicts+pv.Rejected > 0 {
		b.WriteString("\n\n" + lang.L("{{.Conflicts}} conflicts and {{.Rejected}} rejected changes wait for you.",
			map[string]any{"Conflicts": pv.Conflicts, "Rejected": pv.Rejected}))
	}
	return b.String()
}

// changesByLayerText lists how many changes each layer has, one bulleted
// line a layer, by name: «\n  • Relevés de terrain : 3 modifications».
func changesByLayerText(ws *store.Workspace, counts map[string]int) string {
	var b strings.Builder
	for _, layer := range slices.Sorted(maps.Keys(counts)) {
		n := counts[layer]
		b.WriteString("\n  • " + layerTitle(ws, layer) + " : " + lang.N("{{.N}} changes", n, map[string]any{"N": groupDigits(n)}))
	}
	return b.String()
}
