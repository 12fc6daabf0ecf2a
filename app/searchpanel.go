package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/store"
	"terrimap/store/schema"
)

// searchPanel finds features by any text field, ignoring case and accents
// ("eglise" finds "Église"), and communes by name; a result zooms the map
// to the feature and selects it.
type searchPanel struct {
	s        *session
	do       func(func())
	onPicked func(f store.Feature)

	entry   *widget.Entry
	list    *widget.List
	info    *widget.Label
	results []store.Feature
	// gen numbers searches, so that a slow old one never shows over a newer.
	gen int
}

// maxResultsPerLayer bounds what one layer contributes to the results.
const maxResultsPerLayer = 25

func newSearchPanel(s *session, do func(func()), onPicked func(store.Feature)) *searchPanel {
	return &searchPanel{s: s, do: do, onPicked: onPicked}
}

func (p *searchPanel) build() fyne.CanvasObject {
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("Search: street, hydrant number, commune…"))
	p.entry.OnChanged = func(string) { p.search() }
	p.entry.OnSubmitted = func(string) {
		if len(p.results) > 0 && p.onPicked != nil {
			p.onPicked(p.results[0])
		}
	}
	p.info = widget.NewLabel("")
	p.list = widget.NewList(
		func() int { return len(p.results) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.describe(p.results[i])) },
	)
	p.list.OnSelected = func(i widget.ListItemID) {
		if p.onPicked != nil {
			p.onPicked(p.results[i])
		}
	}
	return container.NewBorder(container.NewVBox(p.entry, p.info), nil, nil, nil, p.list)
}

// focus puts the cursor in the search box (Ctrl+F).
func (p *searchPanel) focus(c fyne.Canvas) { c.Focus(p.entry) }

func (p *searchPanel) search() {
	text := strings.TrimSpace(p.entry.Text)
	p.gen++
	gen := p.gen
	if len([]rune(text)) < 2 {
		p.results = nil
		p.info.SetText("")
		p.list.Refresh()
		return
	}
	go func() {
		var found []store.Feature
		for _, l := range p.s.ws.Layers() {
			fs, err := p.s.ws.Query(context.Background(), store.Query{Layer: l.Name(), Text: text, Limit: maxResultsPerLayer})
			if err == nil {
				found = append(found, fs...)
			}
		}
		p.do(func() {
			if gen != p.gen {
				return
			}
			p.results = found
			p.list.UnselectAll()
			if len(found) == 0 {
				p.info.SetText(lang.L("Nothing found."))
			} else {
				p.info.SetText(lang.L("{{.N}} results", map[string]any{"N": len(found)}))
			}
			p.list.Refresh()
		})
	}()
}

// describe is a result's line: layer title and the feature's best name.
func (p *searchPanel) describe(f store.Feature) string {
	l, err := p.s.ws.Layer(f.Layer)
	if err != nil {
		return f.Layer
	}
	return fmt.Sprintf("%s · %s", l.Schema.DisplayTitle(), featureName(l.Schema, f))
}

// featureName is the text that names a feature best: a name, a number or
// an identifier field, else the first text value.
func featureName(s schema.Layer, f store.Feature) string {
	for _, key := range []string{"nom_officiel", "nom", "numero", "libelle", "adresse", "id_pei", "id_gestion", "id_sdis", "idcana", "idappareil", "idouvrage", "type"} {
		if fld, ok := s.Field(key); ok {
			if v := describeValue(fld, f.Properties[key]); v != "" {
				return v
			}
		}
	}
	for _, fld := range s.Fields {
		if fld.Type == schema.Text {
			if v := describeValue(fld, f.Properties[fld.Name]); v != "" {
				return v
			}
		}
	}
	return shortID(f.UUID)
}
