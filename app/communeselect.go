package app

import (
	"context"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/dashboard"
	"terrimap/store"
)

// communeSelect is the commune chooser of the dashboard, the ICGP window
// and the RPQS annex's dialog: the whole intercommunality first, then the
// workspace's communes by name.
type communeSelect struct {
	*widget.Select
	communes []dashboard.Commune
}

// newCommuneSelect makes the chooser, with the whole intercommunality
// only until load has read the communes; changed is called on a choice.
func newCommuneSelect(changed func()) *communeSelect {
	c := &communeSelect{}
	c.Select = widget.NewSelect([]string{lang.L("The whole intercommunality")}, func(string) {
		if changed != nil {
			changed()
		}
	})
	return c
}

// load reads the communes off the UI goroutine, then, through do, offers
// them and calls loaded with the error of reading them (the whole
// intercommunality is offered anyway).
func (c *communeSelect) load(ws *store.Workspace, do func(func()), loaded func(error)) {
	go func() {
		cs, err := dashboard.Communes(context.Background(), ws)
		do(func() {
			c.communes = cs
			options := []string{lang.L("The whole intercommunality")}
			for _, commune := range cs {
				options = append(options, commune.Name)
			}
			c.Options = options
			fitOptions(c.Select) // «Toute l'intercommunalité» shows whole
			c.Refresh()
			loaded(err)
		})
	}()
}

// commune is the commune chosen; ok is false for the whole
// intercommunality (or no choice).
func (c *communeSelect) commune() (_ dashboard.Commune, ok bool) {
	i := c.SelectedIndex()
	if i <= 0 || i > len(c.communes) {
		return dashboard.Commune{}, false
	}
	return c.communes[i-1], true
}

// insee is the code of the commune chosen; "" for the whole
// intercommunality.
func (c *communeSelect) insee() string {
	commune, _ := c.commune()
	return commune.INSEE
}
