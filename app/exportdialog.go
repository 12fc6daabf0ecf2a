package app

import (
	"context"
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/internal/fileout"
	"terrimap/mapview/export"
)

// exportBasemapTimeout bounds the wait for the basemap's tiles: offline,
// the map is exported without it rather than after a long wait.
const exportBasemapTimeout = 12 * time.Second

// exportChoice is what the export form asked for.
type exportChoice struct {
	title     string
	paper     export.Paper // "" for a 1920×1080 picture
	landscape bool
	format    export.Format
}

// fileName is the file name offered for the export: the title made safe,
// the date, the format's extension.
func (c exportChoice) fileName(now time.Time) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '/' || r == '\\' || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			return '-'
		}
		return r
	}, strings.TrimSpace(c.title))
	if name == "" {
		name = "carte"
	}
	return fmt.Sprintf("%s-%s.%s", name, now.Format("2006-01-02"), c.format)
}

// exportTitle is the title an export starts with: the user's commune or
// territory, as she names it, else «Plan» — never a file's name.
func (s *session) exportTitle() string {
	if s.home.name != "" {
		return s.home.name
	}
	return lang.L("Map")
}

// showExport asks how to export the map as it is on screen (title, paper,
// orientation, format), then where, and writes it in the background.
func (m *mainWindow) showExport() {
	if m.view == nil {
		return
	}
	title := widget.NewEntry()
	title.SetText(m.sess.exportTitle())
	papers := []string{"A4", "A3", lang.L("Picture 1920 × 1080 (slide)")}
	paper := widget.NewSelect(papers, nil)
	paper.SetSelectedIndex(0)
	orientation := widget.NewSelect([]string{lang.L("Landscape"), lang.L("Portrait")}, nil)
	orientation.SetSelectedIndex(0)
	format := widget.NewSelect([]string{"PDF", "PNG"}, nil)
	format.SetSelectedIndex(0)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Title"), title),
		widget.NewFormItem(lang.L("Paper"), paper),
		widget.NewFormItem(lang.L("Orientation"), orientation),
		widget.NewFormItem(lang.L("Format"), format),
	}
	dialog.ShowForm(lang.L("Export the map"), lang.L("Choose the file…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		c := exportChoice{title: title.Text, landscape: orientation.SelectedIndex() == 0, format: export.PDF}
		if i := paper.SelectedIndex(); i < 2 {
			c.paper = export.Paper(papers[i])
		}
		if format.SelectedIndex() == 1 {
			c.format = export.PNG
		}
		m.askExportFile(c)
	}, m.window)
}

// askExportFile asks where to write the export, then writes it.
func (m *mainWindow) askExportFile(c exportChoice) {
	askSavePath(m.app, m.window, c.fileName(time.Now()), []string{"." + string(c.format)}, func(path string) {
		m.exportTo(path, c)
	})
}

// exportTo writes the map of the view to path in the background, with a
// progress dialog that can cancel it.
func (m *mainWindow) exportTo(path string, c exportChoice) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBarInfinite()
	busy := dialog.NewCustom(lang.L("Export the map"), lang.L("Cancel"),
		container.NewVBox(widget.NewLabel(lang.L("Drawing the map… (the basemap may take a few seconds)")), bar), m.window)
	busy.SetOnClosed(cancel)
	busy.Show()
	s, vp := m.sess, m.view.mapw.Viewport
	layers := s.visibleLayers()
	// One scale on the sheet: the page's, printed beside its scale bar;
	// the screen's would be another.
	opts := export.Options{Bound: vp.Bound(), Paper: c.paper, Format: c.format, Title: c.title,
		Layers: layers, Basemap: s.currentBasemap(), BasemapTimeout: exportBasemapTimeout,
		Attributions: export.DataAttributions(s.ws, layers)}
	if c.landscape {
		opts.Orientation = export.Landscape
	}
	if c.paper == "" {
		opts.Size = image.Pt(1920, 1080)
	}
	go func() {
		var warnings []string
		opts.Warn = func(w string) { warnings = append(warnings, w) }
		err := writeExport(ctx, path, s, opts)
		cancelled := ctx.Err() != nil
		m.do(func() {
			busy.Hide()
			cancel()
			switch {
			case cancelled:
				m.status = lang.L("Export cancelled.")
			case err != nil:
				m.status = lang.L("The map could not be exported.")
				showError(m.window, lang.L("The map could not be written to {{.Path}}. Check that the folder exists, that you may write in it and that the file is not open in another program.", map[string]any{"Path": path}))
			case len(warnings) > 0:
				m.status = lang.L("Map saved in {{.Path}}, without the basemap (unreachable).", map[string]any{"Path": path})
			default:
				m.status = lang.L("Map saved in {{.Path}}.", map[string]any{"Path": path})
			}
			m.refresh()
			if err == nil && !cancelled {
				showFileWritten(m.app, m.window, lang.L("Export the map"), m.status, path)
			}
		})
	}()
}

// writeExport writes the export to path, whole or not at all.
func writeExport(ctx context.Context, path string, s *session, opts export.Options) error {
	return fileout.Write(path, func(w io.Writer) error {
		opts.Out = w
		if err := export.Export(ctx, s.renderer, opts); err != nil {
			return fmt.Errorf("app: export: %w", err)
		}
		return nil
	})
}
