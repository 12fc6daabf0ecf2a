package app

import (
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
	m.window.ShowAndRun()
	return nil
}
