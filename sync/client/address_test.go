package client

import (
	"errors"
	"testing"
)

func TestNormalizeAddress(t *testing.T) {
	for _, tc := range []struct {
		typed, want string
		err         error
	}{
		// What a secretary types, with and without the scheme.
		{"plateforme.ccmt.fr", "https://plateforme.ccmt.fr", nil},
		{"  plateforme.ccmt.fr  ", "https://plateforme.ccmt.fr", nil},
		{"Plateforme.CCMT.fr/", "https://plateforme.ccmt.fr", nil},
		{"https://plateforme.ccmt.fr", "https://plateforme.ccmt.fr", nil},
		{"HTTPS://plateforme.ccmt.fr///", "https://plateforme.ccmt.fr", nil},
		{"http://plateforme.ccmt.fr", "http://plateforme.ccmt.fr", nil},
		{"plateforme.ccmt.fr:8443", "https://plateforme.ccmt.fr:8443", nil},
		{"sig.ccmt.fr/terrimap/", "https://sig.ccmt.fr/terrimap", nil},
		{"https://sig.ccmt.fr/terrimap/api/v1/layers", "https://sig.ccmt.fr/terrimap", nil},
		{"https://plateforme.ccmt.fr/api/v1/token?x=1#haut", "https://plateforme.ccmt.fr", nil},
		{"plateforme.ccmt.fr?page=2", "https://plateforme.ccmt.fr", nil},
		{"mâcon-sig.fr", "https://mâcon-sig.fr", nil},
		// This computer and IP addresses go in plain http.
		{"127.0.0.1:8080", "http://127.0.0.1:8080", nil},
		{"localhost:8080/", "http://localhost:8080", nil},
		{"192.168.1.20", "http://192.168.1.20", nil},
		{"[::1]:8080", "http://[::1]:8080", nil},
		{"https://127.0.0.1:8443", "https://127.0.0.1:8443", nil},
		// What is wrong, precisely.
		{"", "", ErrAddressEmpty},
		{"   ", "", ErrAddressEmpty},
		{"plateforme ccmt.fr", "", ErrAddressSpaces},
		{"https://plateforme.ccmt.fr/mon dossier", "", ErrAddressSpaces},
		{"ftp://plateforme.ccmt.fr", "", ErrAddressScheme},
		{"file:///home/marie", "", ErrAddressScheme},
		{"plateforme.ccmt.fr:", "", ErrAddressPort},
		{"plateforme.ccmt.fr:80a", "", ErrAddressPort},
		{"127.0.0.1:0", "", ErrAddressPort},
		{"127.0.0.1:70000", "", ErrAddressPort},
		{"[::1]:x", "", ErrAddressPort},
		{"https://", "", ErrAddressHost},
		{"/terrimap", "", ErrAddressHost},
		{"plateforme_ccmt.fr", "", ErrAddressHost},
		{"plateforme..fr", "", ErrAddressHost},
		{"-plateforme.fr", "", ErrAddressHost},
		{"999.1.1.1", "", ErrAddressHost},
		{"marie:secret@plateforme.ccmt.fr", "", ErrAddressHost},
		{"[::1", "", ErrAddressHost},
		{"https://plateforme.ccmt.fr/%zz", "", ErrAddressHost},
	} {
		got, err := NormalizeAddress(tc.typed)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("NormalizeAddress(%q) error = %v, want %v", tc.typed, err, tc.err)
			continue
		}
		if got != tc.want {
			t.Errorf("NormalizeAddress(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// FuzzNormalizeAddress: whatever is typed, no panic; an address accepted
// is one the client can call, and normalising it again changes nothing.
func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range []string{"plateforme.ccmt.fr", "127.0.0.1:8080", "https://sig.ccmt.fr/terrimap/api/v1/layers?x#y",
		"[::1]:80", "HTTP://Mâcon.fr:1/a//b/", "a:b@c", "ftp://x", " x ", "[1.2.3.4]", "x/%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		got, err := NormalizeAddress(typed)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizeAddress(%q) = %q with error %v", typed, got, err)
			}
			return
		}
		if again, err := NormalizeAddress(got); err != nil || again != got {
			t.Fatalf("NormalizeAddress(%q) = %q, then %q, %v", typed, got, again, err)
		}
		if _, err := New(nil, got, Options{}); err != nil {
			t.Fatalf("NormalizeAddress(%q) = %q, which New refuses: %v", typed, got, err)
		}
	})
}
