package app

import (
	"math"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/report"
)

// newItemsTable lists the networks found around a works zone: network,
// identifier, type, material, diameter, depth, location class (in its
// map colour) and distance to the zone.
func newItemsTable(items []report.Item) *textTable {
	headers := []string{lang.L("Network"), lang.L("Identifier"), lang.L("Type"), lang.L("Material"),
		lang.L("Diameter (mm)"), lang.L("Depth (m)"), lang.L("Class"), lang.L("Distance (m)")}
	// Network, identifier, class and distance always show; on a narrow
	// screen material, depth, diameter and type give way in that order.
	cols := textColumns{
		widths:  []float32{215, 165, 120, 130, 0, 0, 95, 0},
		giveWay: []int{3, 5, 4, 2},
		stretch: 0,
	}
	return newTextTable(headers, cols, func() int { return len(items) }, func(row, col int) tableCell {
		it := items[row]
		switch col {
		case 0:
			return tableCell{text: it.LayerTitle}
		case 1:
			return tableCell{text: it.ID}
		case 2:
			return tableCell{text: orDash(it.Type)}
		case 3:
			return tableCell{text: orDash(it.Material)}
		case 4:
			return tableCell{text: positiveOrDash(it.Diameter, 0)}
		case 5:
			return tableCell{text: positiveOrDash(it.Depth, 2)}
		case 6:
			return tableCell{text: classLabel(it.Class), importance: classImportance(it.Class), bold: true}
		}
		return tableCell{text: formatReal(math.Round(it.Distance*10) / 10)}
	}, nil)
}

// classLabel names a location class as the screen shows it: "A", "B",
// "C", "inconnue".
func classLabel(c report.Class) string {
	if c == report.ClassUnknown {
		return lang.L("unknown")
	}
	return string(c)
}

// classImportance colours a class as the map does: A green, B orange, C
// or unknown red.
func classImportance(c report.Class) widget.Importance {
	switch c {
	case report.ClassA:
		return widget.SuccessImportance
	case report.ClassB:
		return widget.WarningImportance
	}
	return widget.DangerImportance
}

// orDash is s, or a dash when it is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// positiveOrDash writes x with up to decimals decimals, a dash when it is
// not known (0).
func positiveOrDash(x float64, decimals int) string {
	if x <= 0 {
		return "—"
	}
	p := math.Pow(10, float64(decimals))
	return formatReal(math.Round(x*p) / p)
}
