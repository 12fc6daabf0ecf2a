package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/internal/paper"
	"terrimap/sync/client"
)

// statusBar builds the workspace's status line, left to right: what waits
// to be sent (first: it is what she looks for), whether the platform
// answers, what the last sync did or what the one under way does, then the
// coordinate system, the cursor's coordinates and the scale. Every part
// but the sync's detail has a fixed width, wide enough for its longest
// text: the line does not move, nor the panel divider above it, when the
// cursor enters the map or the count grows.
func (v *workspaceView) statusBar() fyne.CanvasObject {
	v.syncLabel = widget.NewLabel("")
	v.syncDetail = widget.NewLabel("")
	v.syncDetail.Truncation = fyne.TextTruncateEllipsis
	v.onlineLabel = widget.NewLabel("")
	if v.s.client == nil {
		v.onlineLabel.SetText(lang.L("Not linked to a platform"))
	}
	v.coords = widget.NewLabel("—") // until the cursor is over the map
	v.scale = widget.NewLabel("")
	v.due = newDueWarning(v.s.ws, v.do, v.now)
	v.due.open = func() {
		if v.onDTDICT != nil {
			v.onDTDICT()
		}
	}
	v.due.refresh()
	left := container.NewHBox(
		fixedLabel(v.syncLabel, pendingText(0), pendingText(1), pendingText(9999)),
		fixedLabel(v.onlineLabel, "● "+lang.L("Online"), "○ "+lang.L("Offline"), lang.L("Not linked to a platform")),
		v.due.button)
	right := container.NewHBox(v.coordSystem,
		// Wide enough for anywhere in mainland France (and Corsica), in
		// either system; farther, the text is cut rather than the line moved.
		fixedLabel(v.coords, formatLonLat(-5.999999, 51.999999), formatLonLat(10.999999, 41.999999), formatLambert(1299999.9, 7199999.9)),
		fixedLabel(v.scale, lang.L("Scale 1:{{.N}}", map[string]any{"N": paper.ScaleNumber(5e7)})))
	return container.NewBorder(nil, nil, left, right, v.syncDetail)
}

// showSyncState shows the sync panel's state in the status bar.
func (v *workspaceView) showSyncState(pending, detail string) {
	v.syncLabel.SetText(pending)
	v.syncDetail.SetText(detail)
}

// syncFinished says in the status bar what a sync did: once for an
// automatic one that sent edits made offline («3 modifications
// envoyées», those the platform took; then those it refused and those
// kept here, their layer not on the platform), every time for one she
// asked for. An automatic sync that
// sent nothing says nothing.
func (v *workspaceView) syncFinished(sum client.Summary, err error, auto bool) {
	v.due.refresh() // a sync may bring declarations, or answers from another desk
	at := v.now().Format("15:04")
	switch {
	case err != nil && auto:
		v.setStatus(lang.L("The automatic synchronisation of {{.Time}} did not finish: {{.Why}}", map[string]any{"Time": at, "Why": syncErrorMessage(err)}))
	case err != nil:
	case auto && sum.Push.Sent > 0:
		v.setStatus(lang.L("Automatic synchronisation at {{.Time}}: {{.Sent}}.", map[string]any{"Time": at, "Sent": pushOutcomeText(sum.Push)}))
	case !auto:
		v.setStatus(lang.L("Synchronised at {{.Time}}: {{.Sent}}, {{.Received}}.", map[string]any{
			"Time": at, "Sent": pushOutcomeText(sum.Push), "Received": receivedText(sum.Pull.Received + sum.Pull.Deleted)}))
	}
}

// sentText is "1 modification envoyée", "3 modifications envoyées".
func sentText(n int) string {
	switch n {
	case 0:
		return lang.L("No change sent")
	case 1:
		return lang.L("1 change sent")
	}
	return lang.L("{{.N}} changes sent", map[string]any{"N": groupDigits(n)})
}

// receivedText is "1 modification reçue", "3 modifications reçues".
func receivedText(n int) string {
	switch n {
	case 0:
		return lang.L("No change received")
	case 1:
		return lang.L("1 change received")
	}
	return lang.L("{{.N}} changes received", map[string]any{"N": groupDigits(n)})
}

// now is the view's clock.
func (v *workspaceView) now() time.Time {
	if v.clock != nil {
		return v.clock()
	}
	return time.Now()
}

func formatLonLat(lon, lat float64) string { return fmt.Sprintf("%.6f° E  %.6f° N", lon, lat) }

func formatLambert(x, y float64) string { return fmt.Sprintf("X %.1f  Y %.1f", x, y) }

// fixedLabel shows l in an area as wide as the widest of samples, whatever
// l says; a longer text is cut with an ellipsis.
func fixedLabel(l *widget.Label, samples ...string) fyne.CanvasObject {
	var w float32
	for _, s := range samples {
		w = max(w, fyne.MeasureText(s, theme.TextSize(), l.TextStyle).Width)
	}
	l.Truncation = fyne.TextTruncateEllipsis
	return container.New(fixedWidth(w+2*theme.InnerPadding()+2), l)
}

// fixedWidth lays its objects over each other at a fixed width.
type fixedWidth float32

// MinSize is the fixed width by the tallest object's height.
func (f fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(f), h)
}

// Layout gives every object the whole area.
func (f fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
