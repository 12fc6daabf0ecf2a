package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Ctrl+Q quits: every window closes, the attribute table's too, from the
// main window as from the table's own.
func TestQuitClosesEveryWindow(t *testing.T) {
	for _, from := range []string{"main window", "table window"} {
		t.Run(from, func(t *testing.T) {
			useLocale(t, "fr_FR.UTF-8")
			_, m := newTestShell(t, Options{})
			q := openInShell(t, m, demoWorkspaceFile(t, "quit.gpkg"))
			tb := m.openTable("pei")
			q.runUntil(t, func() bool { return tb.win != nil })
			drv := fyne.CurrentApp().Driver()
			if open := drv.AllWindows(); !slices.Contains(open, tb.win) || !slices.Contains(open, m.window) {
				t.Fatalf("the main window and the table's are not both open")
			}
			saved := false
			m.window.SetOnClosed(func() { saved = true })
			w := m.window
			if from == "table window" {
				w = tb.win
			}
			w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
			if open := drv.AllWindows(); len(open) != 0 {
				t.Errorf("Ctrl+Q in the %s left %d window(s) open: the process would stay", from, len(open))
			}
			if !saved {
				t.Errorf("Ctrl+Q in the %s did not close the main window (which saves the settings)", from)
			}
		})
	}
}
