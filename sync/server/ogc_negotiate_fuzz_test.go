package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzOGCDatetime feeds any value to the datetime parser: an accepted one
// has its start before its end and filters without failing.
func FuzzOGCDatetime(f *testing.F) {
	for _, s := range []string{"2024-05-01", "2024-05-01T08:30:00Z", "2024-05-01T08:30:00+02:00", "2024-01-01/2024-06-30",
		"../2024-06-30", "2024-01-01/..", "/2024-01-01", "../..", "..", "2024-02-30", "2024-05-01t08:30:00z", "a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDatetime(&ogcInterventions, s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if d == nil || d.Field != "date" {
			t.Fatalf("%q: interval %+v on a layer with a temporal field", s, d)
		}
		if !d.Start.IsZero() && !d.End.IsZero() && d.Start.After(d.End) {
			t.Fatalf("%q: start %v after end %v", s, d.Start, d.End)
		}
		d.Matches("2024-05-01")
		if ign, err := parseDatetime(&ogcPEI, s); err != nil || ign != nil {
			t.Fatalf("%q: on a layer without temporal field %+v, %v", s, ign, err)
		}
	})
}

// FuzzOGCAccept feeds any Accept header to the negotiation: it never
// fails, and a header that names no HTML type never gets a page.
func FuzzOGCAccept(f *testing.F) {
	for _, s := range []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json",
		"application/geo+json, application/json", "*/*", "text/html;q=abc", "text/html;q=0", ";;,,", "TEXT/HTML; Q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		r := httptest.NewRequest("GET", "/ogc", nil)
		r.Header.Set("Accept", accept)
		if wantsHTML(r) && !strings.Contains(strings.ToLower(accept), "html") {
			t.Fatalf("%q names no HTML type and gets a page", accept)
		}
		r.Header.Set("Accept", "application/json;q=1, "+accept)
		if wantsHTML(r) {
			t.Fatalf("%q after application/json;q=1 asks for HTML", accept)
		}
	})
}
