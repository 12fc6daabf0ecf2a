package app

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"
)

// Run starts the desktop app with opts and returns when its window is closed.
// It needs a display (and a cgo build with OpenGL); tests use newShell with
// Fyne's test app instead.
func Run(opts Options) error {
	a := fyneapp.NewWithID(AppID)
	m, err := newShell(a, opts)
	if err != nil {
		return err
	}
	var e2e *e2eDriver
	if opts.E2EScript != "" {
		if e2e, err = startE2E(m, a.Quit, opts.E2EScript, os.Stderr); err != nil {
			return err
		}
	}
	m.window.ShowAndRun()
	return e2e.result()
}
