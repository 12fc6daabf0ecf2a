package report

import "image/color"

// ClassColour is how a plan colours a feature of a location class: green
// for class A, orange for B, red for C and unknown (to be located on site) —
// the report's colours of a safe answer, of the margin and of an alert.
func ClassColour(c Class) color.NRGBA {
	switch c {
	case ClassA:
		return okGreen
	case ClassB:
		return bufferOr
	}
	return alert
}
