package app

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// useLocale makes Fyne's lang package pick the translation of locale (such
// as "fr_FR.UTF-8") for the rest of the test, as it would at start with
// LANG set to it.
func useLocale(t *testing.T, locale string) {
	t.Helper()
	// Cleanups run last-in first-out: this one runs after the environment
	// is restored, so the next test starts from the real locale.
	t.Cleanup(func() { _ = loadTranslations() })
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LC_ALL", locale)
	if err := loadTranslations(); err != nil {
		t.Fatal(err)
	}
}

// assertMarkup compares the markup of c with testdata/name, rewriting the
// file first when the test runs with -update.
func assertMarkup(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	if *update {
		path := filepath.Join("testdata", name)
		if err := os.WriteFile(path, []byte(test.RenderToMarkup(c)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(t, name, c)
}

// assertImage compares the picture of c with testdata/name, rewriting the
// file first when the test runs with -update.
func assertImage(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	img := c.Capture()
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertImageMatches(t, name, img)
}
