package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// languages are the translations every user-visible string must have.
var languages = []string{"fr", "en"}

func readTranslations(t *testing.T, language string) map[string]string {
	t.Helper()
	raw, err := Translations.ReadFile(TranslationsDir + "/" + language + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]string // a flat object of strings, as Fyne's lang wants
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("%s.json is not a flat JSON object of strings: %v", language, err)
	}
	return tr
}

func TestTranslationFiles(t *testing.T) {
	entries, err := fs.ReadDir(Translations, TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(languages))
	if !slices.Equal(got, want) {
		t.Errorf("translation files for %v, want %v", got, want)
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return names
}

func TestTranslationsMatch(t *testing.T) {
	all := map[string]map[string]string{}
	for _, language := range languages {
		all[language] = readTranslations(t, language)
	}
	for _, language := range languages {
		for key, value := range all[language] {
			if strings.TrimSpace(value) == "" {
				t.Errorf("%s.json: %q has an empty translation", language, key)
			}
			if got, want := placeholders(value), placeholders(key); !slices.Equal(got, want) {
				t.Errorf("%s.json: %q uses placeholders %v, its key %v", language, key, got, want)
			}
			for _, other := range languages {
				if _, ok := all[other][key]; !ok {
					t.Errorf("%q is in %s.json but not in %s.json", key, language, other)
				}
			}
		}
	}
}

func TestIcon(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(IconPNG))
	if err != nil {
		t.Fatalf("icon.png: %v", err)
	}
	if cfg.Width != 512 || cfg.Height != 512 {
		t.Errorf("icon.png is %d×%d, want 512×512", cfg.Width, cfg.Height)
	}
}
