package report

import (
	"fmt"
	"image/color"

	"terrimap/internal/paper"
)

// operatorOf is who runs a feature's network, as the table prints it.
func operatorOf(it *Item) string {
	if it.Operator != "" {
		return it.Operator
	}
	return "non renseigné"
}

// column is one column of the table of features.
type column struct {
	title string
	w     float64
	right bool
	value func(it *Item) string
}

// tableColumns are the columns of the table; the layer heads each group.
func tableColumns() []column {
	num := func(v float64, digits int) string {
		if v <= 0 {
			return "–"
		}
		return paper.Decimal(v, digits)
	}
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	return []column{
		{"Identifiant", 29, false, func(it *Item) string { return it.ID }},
		{"Type", 26, false, func(it *Item) string { return dash(it.Type) }},
		{"Matériau", 22, false, func(it *Item) string { return dash(it.Material) }},
		{"Ø (mm)", 11, true, func(it *Item) string { return num(it.Diameter, 0) }},
		{"Prof. (m)", 12, true, func(it *Item) string { return num(it.Depth, 2) }},
		{"Classe", 15, false, func(it *Item) string { return it.Class.Label() }},
		{"Exploitant", 55, false, func(it *Item) string { return operatorOf(it) }},
		{"Dist. (m)", 12, true, func(it *Item) string { return paper.Decimal(it.Distance, 1) }},
	}
}

// classColumn is the index of the class in tableColumns.
const classColumn = 5

// table writes the features, grouped by layer, on as many pages as needed,
// the column titles repeated on each; a feature to investigate has a red
// background, its class in red and the flag written under it. The note
// follows the table when it did not fit on the first page.
func (d *pdfDoc) table(noteAfter bool) {
	if len(d.sel.Items) == 0 {
		if noteAfter {
			d.note()
		}
		return
	}
	f := d.f
	cols := tableColumns()
	const pt, pad, headH = 7.0, 1.2, 5.5
	f.AddPage()
	d.y = marginTop
	d.font(13, true, ink)
	d.text(marginX, d.y+5, "Objets recensés dans la zone et sa marge")
	d.y += 8
	d.font(7.5, false, grey)
	d.paragraph("Par couche, du plus proche au plus éloigné de la zone ; distance 0 : dans la zone. "+
		"Les lignes sur fond rouge sont à localiser sur place avant travaux.", marginX, contentW, 7.5)
	d.y += 2
	header := func() {
		d.fill(ink)
		f.Rect(marginX, d.y, contentW, headH, "F")
		d.font(7, true, color.NRGBA{0xff, 0xff, 0xff, 0xff})
		x := marginX
		for _, c := range cols {
			tx := x + pad
			if c.right {
				tx = x + c.w - pad - d.width(c.title)
			}
			d.text(tx, d.y+3.8, c.title)
			x += c.w
		}
		d.y += headH
	}
	counts := map[string]LayerCount{}
	for _, lc := range d.sel.Layers {
		counts[lc.Layer] = lc
	}
	group := func(layer string, more bool) {
		lc := counts[layer]
		d.fill(band)
		f.Rect(marginX, d.y, contentW, headH, "F")
		d.font(8, true, ink)
		title := lc.Title
		if more {
			title += " (suite)"
		}
		d.text(marginX+pad, d.y+3.9, title)
		count := paper.Plural(lc.Found, "objet", "objets")
		if lc.Investigate > 0 {
			count += ", dont " + fmt.Sprint(lc.Investigate) + " à investiguer"
		}
		d.font(7.5, false, grey)
		d.text(marginX+contentW-pad-d.width(count), d.y+3.9, count)
		d.y += headH
	}
	header()
	current := ""
	for i := range d.sel.Items {
		it := &d.sel.Items[i]
		cells := make([][]string, len(cols))
		lines := 1
		for j, c := range cols {
			d.font(pt, j == 0 || (j == classColumn && it.Investigate), ink)
			cells[j] = d.wrap(c.value(it), c.w-2*pad)
			lines = max(lines, len(cells[j]))
		}
		h := float64(lines)*lineH(pt) + 1.6
		if it.Investigate {
			h += lineH(pt)
		}
		newGroup := it.Layer != current
		need := h
		if newGroup {
			need += headH
		}
		if d.ensure(need) {
			header()
			if !newGroup {
				group(it.Layer, true)
			}
		}
		if newGroup {
			group(it.Layer, false)
			current = it.Layer
		}
		if it.Investigate {
			d.fill(alertBg)
			f.Rect(marginX, d.y, contentW, h, "F")
			d.fill(alert)
			f.Rect(marginX, d.y, 0.8, h, "F")
		}
		x := marginX
		for j, c := range cols {
			color, bold := ink, j == 0
			switch {
			case j == classColumn && it.Investigate:
				color, bold = alert, true
			case cells[j][0] == "–":
				color = grey
			}
			d.font(pt, bold, color)
			for k, l := range cells[j] {
				tx := x + pad
				if c.right {
					tx = x + c.w - pad - d.width(l)
				}
				d.text(tx, d.y+0.8+float64(k)*lineH(pt)+pt*0.3528, l)
			}
			x += c.w
		}
		if it.Investigate {
			d.font(pt, true, alert)
			d.text(marginX+cols[0].w+pad, d.y+0.8+float64(lines)*lineH(pt)+pt*0.3528, "▲ "+investigateMsg)
		}
		d.draw(rule)
		f.SetLineWidth(0.1)
		f.Line(marginX, d.y+h, marginX+contentW, d.y+h)
		d.y += h
	}
	if noteAfter {
		d.y += 6
		d.note()
	}
}
