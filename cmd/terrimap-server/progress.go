package main

import (
	"fmt"
	"io"
	"os"
)

// progressLine writes a long command's progress: on a terminal, one line
// rewritten in place (\r); anywhere else (a log, a pipe, a file), one line
// per step, so that the steps do not run together.
type progressLine struct {
	w        io.Writer
	terminal bool
	dirty    bool // a line was written in place and not ended yet
}

func newProgressLine(w io.Writer) *progressLine {
	return &progressLine{w: w, terminal: isTerminal(w)}
}

// step shows the step msg.
func (p *progressLine) step(msg string) {
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s", msg)
		p.dirty = true
		return
	}
	fmt.Fprintln(p.w, msg)
}

// end ends the line rewritten in place, if any.
func (p *progressLine) end() {
	if p.dirty {
		fmt.Fprintln(p.w)
		p.dirty = false
	}
}

// isTerminal reports whether w is a terminal (a character device): no cgo,
// no dependency, on Linux, macOS and Windows consoles alike.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
