package app

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Each choice of the Settings screen applies at once and is saved at once.
func TestSettingsDialogAppliesAndSaves(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "reglages.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	d := m.openSettings()
	if !strings.Contains(d.platform.Text, "aucune plateforme") {
		t.Errorf("platform line: %q", d.platform.Text)
	}

	d.theme.SetSelectedIndex(slices.Index(themeChoices, themeDark))
	if vt, ok := m.app.Settings().Theme().(variantTheme); !ok || vt.variant != theme.VariantDark {
		t.Errorf("theme after choosing dark: %#v", m.app.Settings().Theme())
	}
	d.language.SetSelectedIndex(slices.Index(languageChoices, languageEnglish))
	if !strings.Contains(d.note.Text, "prochain démarrage") {
		t.Errorf("no word that the language changes at the next start: %q", d.note.Text)
	}
	d.autoSync.SetChecked(true)
	d.basemap.SetSelectedIndex(0) // none
	q.runUntil(t, func() bool { return m.settings.basemap == "none" })

	got := loadSettings(m.prefs)
	if got.theme != themeDark || got.language != languageEnglish || !got.autoSync || got.basemap != "none" {
		t.Fatalf("saved settings: %+v", got)
	}
	// A basemap that cannot be opened is refused, the setting unchanged.
	var done atomic.Bool
	m.useBasemap("/nulle/part.mbtiles", func() { done.Store(true) })
	q.runUntil(t, done.Load)
	if m.settings.basemap != "none" || loadSettings(m.prefs).basemap != "none" {
		t.Errorf("a basemap that cannot be opened became the setting: %q", m.settings.basemap)
	}
}

// With auto-sync on, the app syncs when the platform comes back: the
// status bar says offline, then online, and the edit made offline is sent.
func TestAutoSyncWhenPlatformComesBack(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	q, v, up := offlineAutoSyncShell(t, 20*time.Millisecond, "H-1")
	ctx := context.Background()
	if n, _ := v.s.ws.Pending(ctx, 0); len(n) != 1 {
		t.Fatalf("%d edits waiting offline, want 1", len(n))
	}
	up.Store(true)
	q.runUntil(t, func() bool { return strings.Contains(v.onlineLabel.Text, "En ligne") })
	q.runUntil(t, func() bool {
		n, _ := v.s.ws.Pending(ctx, 0)
		return len(n) == 0 && v.sync.idle()
	})
	if !strings.Contains(v.syncLabel.Text, "Aucune modification en attente") {
		t.Errorf("status bar after the automatic sync: %q", v.syncLabel.Text)
	}
}

// The language chosen in the settings wins over the computer's at the next
// start, both ways. Fyne's translations are global to the process, so each
// start runs in a child process.
func TestLanguageChoice(t *testing.T) {
	if os.Getenv("TERRIMAP_LANGUAGE_CHILD") != "" {
		return
	}
	for _, c := range []struct{ locale, choice, want string }{
		{"fr_FR.UTF-8", languageEnglish, "Open workspace…"},
		{"en_US.UTF-8", languageFrench, "Ouvrir un espace de travail…"},
		{"fr_FR.UTF-8", languageSystem, "Ouvrir un espace de travail…"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLanguageChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TERRIMAP_LANGUAGE_CHILD="+c.choice+"|"+c.want, "LC_ALL="+c.locale, "LANGUAGE=", "LC_MESSAGES=")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "PASS") {
			t.Errorf("%s with %q chosen: %v\n%s", c.locale, c.choice, err, out)
		}
	}
}

// TestLanguageChild is TestLanguageChoice's child: it starts the app with
// the chosen language and checks a label.
func TestLanguageChild(t *testing.T) {
	arg := os.Getenv("TERRIMAP_LANGUAGE_CHILD")
	if arg == "" {
		return
	}
	choice, want, _ := strings.Cut(arg, "|")
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, choice)
	m, err := newShell(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.window.Close()
	if m.openButton.Text != want {
		t.Fatalf("open button reads %q, want %q", m.openButton.Text, want)
	}
}
