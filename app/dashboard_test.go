package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"

	"fyne.io/fyne/v2/test"

	"terrimap/internal/demows"
)

// TestDashboardView opens the dashboard on the Tournus workspace, waits
// for the whole intercommunality's charts, then chooses a commune and
// enters the presentation mode, each computed off the UI goroutine and
// shown through do.
func TestDashboardView(t *testing.T) {
	test.NewTempApp(t)
	ws := demows.Open(t, "tournus", demows.Tournus())
	q := make(uiQueue, 8)
	w := test.NewWindow(nil)
	defer w.Close()
	d := newDashboardView(w, ws, q.do)
	d.now = func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }
	// waitCharts runs what the workers send to the UI goroutine until a
	// computation's charts are shown.
	waitCharts := func() {
		t.Helper()
		d.charts = nil
		q.runUntil(t, func() bool { return d.charts != nil })
	}
	d.start()
	waitCharts()
	if len(d.chooser.Options) < 2 || d.chooser.SelectedIndex() != 0 || d.chooser.insee() != "" {
		t.Fatalf("chooser %q at %d", d.chooser.Options, d.chooser.SelectedIndex())
	}
	if d.heading.Text != d.chooser.Options[0] {
		t.Errorf("heading %q, want %q", d.heading.Text, d.chooser.Options[0])
	}
	if len(d.grid.Objects) != 11 || len(d.charts) != 11 {
		t.Fatalf("%d objects, %d charts, want 11", len(d.grid.Objects), len(d.charts))
	}
	if got := d.charts[0].Image.Bounds().Size(); got != dashboardChartSize {
		t.Errorf("chart size %v, want %v", got, dashboardChartSize)
	}

	d.chooser.SetSelectedIndex(1)
	waitCharts()
	if d.chooser.insee() != d.chooser.communes[0].INSEE || d.heading.Text != d.chooser.communes[0].Name {
		t.Errorf("commune %q heading %q, want %q", d.chooser.insee(), d.heading.Text, d.chooser.communes[0].Name)
	}

	d.setPresenting(true)
	waitCharts()
	if !w.FullScreen() || d.charts[0].Image.Bounds().Size() != dashboardPresentingSize {
		t.Errorf("presenting: full screen %v, size %v", w.FullScreen(), d.charts[0].Image.Bounds().Size())
	}
	// The summary line is read from the back of the room too.
	if d.status.SizeName != theme.SizeNameSubHeadingText {
		t.Errorf("presenting: the summary line's size %q, want %q", d.status.SizeName, theme.SizeNameSubHeadingText)
	}
	d.setPresenting(false)
	waitCharts()
	if w.FullScreen() || d.status.SizeName != theme.SizeNameText {
		t.Errorf("after the presentation: full screen %v, summary size %q", w.FullScreen(), d.status.SizeName)
	}
}
