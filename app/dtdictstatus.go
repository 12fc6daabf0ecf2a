package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
	"terrimap/store"
)

// dueWarning is the status bar's warning of the DT-DICT declarations to
// answer within two days, and of those past their due date: «3 DT-DICT»,
// red when one is overdue, orange otherwise. Hidden when there is none (or no register);
// clicking it opens the register.
type dueWarning struct {
	button *widget.Button
	ws     *store.Workspace
	do     func(func())
	now    func() time.Time
	// open opens the register (the main window sets it).
	open func()
	// overdue and soon are the counts shown.
	overdue, soon int
}

func newDueWarning(ws *store.Workspace, do func(func()), now func() time.Time) *dueWarning {
	w := &dueWarning{ws: ws, do: do, now: now}
	w.button = widget.NewButtonWithIcon("", theme.WarningIcon(), func() {
		if w.open != nil {
			w.open()
		}
	})
	w.button.Importance = widget.DangerImportance
	w.button.Hide()
	return w
}

// refresh reads the register off the UI goroutine and shows the counts.
func (w *dueWarning) refresh() {
	go func() {
		entries, err := dtdict.Entries(context.Background(), w.ws)
		if err != nil {
			entries = nil // no register: nothing to warn of
		}
		overdue, soon := dtdict.DueCounts(entries, w.now(), dtSoon)
		w.do(func() { w.show(overdue, soon) })
	}()
}

// show shows the counts, or hides the warning when both are 0.
func (w *dueWarning) show(overdue, soon int) {
	w.overdue, w.soon = overdue, soon
	if overdue+soon == 0 {
		w.button.Hide()
		return
	}
	// Short, so that the status line fits a 1366-pixel screen at 125 %:
	// red says one is overdue, orange that they are due within two days;
	// the register says which.
	text := lang.L("{{.N}} DT-DICT", map[string]any{"N": overdue + soon})
	w.button.SetText(text)
	if overdue > 0 {
		w.button.Importance = widget.DangerImportance
	} else {
		w.button.Importance = widget.WarningImportance
	}
	w.button.Show()
	w.button.Refresh()
}
