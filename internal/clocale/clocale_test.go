package clocale

import "testing"

func TestLanguage(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.utf8"}, "en"},
		{map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"},
		{map[string]string{"LC_MESSAGES": "C.UTF-8"}, "en"},
		// go-locale reads plain C and POSIX itself; other locales are the user's.
		{map[string]string{"LANG": "C"}, ""},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, ""},
		{map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, ""},
		{map[string]string{}, ""},
	} {
		got, ok := Language(func(k string) string { return c.env[k] })
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%v: %q, %v; want %q", c.env, got, ok, c.want)
		}
	}
}
