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

// readTranslations reads a translation file as Fyne's lang wants it: an
// object whose values are strings, or, for a message counted with lang.N,
// objects of CLDR plural forms («one», «other»…). A plain string is
// returned as the one form "".
func readTranslations(t *testing.T, language string) map[string]map[string]string {
	t.Helper()
	raw, err := Translations.ReadFile(TranslationsDir + "/" + language + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]json.RawMessage
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("%s.json is not a JSON object: %v", language, err)
	}
	out := make(map[string]map[string]string, len(tr))
	for key, value := range tr {
		var plain string
		if err := json.Unmarshal(value, &plain); err == nil {
			out[key] = map[string]string{"": plain}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(value, &forms); err != nil {
			t.Errorf("%s.json: %q is neither a string nor an object of plural forms", language, key)
			continue
		}
		if _, ok := forms["other"]; !ok {
			t.Errorf("%s.json: %q has plural forms but no «other»", language, key)
		}
		for form := range forms {
			if !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, form) {
				t.Errorf("%s.json: %q has the plural form %q, not a CLDR one", language, key, form)
			}
		}
		out[key] = forms
	}
	return out
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
	all := map[string]map[string]map[string]string{}
	for _, language := range languages {
		all[language] = readTranslations(t, language)
	}
	for _, language := range languages {
		for key, forms := range all[language] {
			for form, value := range forms {
				if strings.TrimSpace(value) == "" {
					t.Errorf("%s.json: %q has an empty translation", language, key)
				}
				got, want := placeholders(value), placeholders(key)
				// A plural form other than «other» may leave out what it
				// does not need («1 résultat» shows no «first M»).
				if form == "" || form == "other" {
					if !slices.Equal(got, want) {
						t.Errorf("%s.json: %q uses placeholders %v, its key %v", language, key, got, want)
					}
				} else if !isSubset(got, want) {
					t.Errorf("%s.json: %q (%s) uses placeholders %v, its key only %v", language, key, form, got, want)
				}
			}
			for _, other := range languages {
				if _, ok := all[other][key]; !ok {
					t.Errorf("%q is in %s.json but not in %s.json", key, language, other)
				}
			}
		}
	}
}

// isSubset reports whether every name of some is in all.
func isSubset(some, all []string) bool {
	for _, n := range some {
		if !slices.Contains(all, n) {
			return false
		}
	}
	return true
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
