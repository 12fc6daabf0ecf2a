package app

import "testing"

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct {
		locale string
		n      int
		want   string
	}{
		{"fr_FR.UTF-8", 0, "0"},
		{"fr_FR.UTF-8", 999, "999"},
		{"fr_FR.UTF-8", 12418, "12\u00a0418"},
		{"fr_FR.UTF-8", -1234567, "-1\u00a0234\u00a0567"},
		{"en_US.UTF-8", 12418, "12,418"},
	} {
		useLocale(t, c.locale)
		if got := groupDigits(c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.locale, c.n, got, c.want)
		}
	}
}
