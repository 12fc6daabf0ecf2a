package dtdict

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds Read any bytes, seeded with the fixtures and their broken
// variants: it never panics; what it refuses is a *FormatError with a
// French message and no declaration; what it accepts is a whole
// declaration with a valid number, INSEE code and zone.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixture: %v", err)
	}
	for _, file := range files {
		f.Add(readFixture(f, filepath.Base(file)))
	}
	for _, c := range malformedCases {
		if c.fixture != "" {
			f.Add([]byte(strings.ReplaceAll(string(readFixture(f, c.fixture)), c.old, c.new)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(bytes.NewReader(data))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("%v (%T) is not a *FormatError with a message", err, err)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNotDeclaration) {
				t.Fatalf("%v wraps neither ErrMalformed nor ErrNotDeclaration", err)
			}
			if d != nil {
				t.Fatalf("a declaration half read: %+v", d)
			}
			return
		}
		if !d.Kind.Responds() && d.Kind != KindATU {
			t.Fatalf("kind %q", d.Kind)
		}
		if !numberPattern.MatchString(d.Number) || !inseePattern.MatchString(d.Place.INSEE) {
			t.Fatalf("number %q, INSEE %q", d.Number, d.Place.INSEE)
		}
		if d.Declarant.Name == "" || len(d.Networks) == 0 || PaperOf(d.Wishes.PlanSize).Name != d.Wishes.PlanSize {
			t.Fatalf("declarant %+v, %d networks, plan size %q", d.Declarant, len(d.Networks), d.Wishes.PlanSize)
		}
		if len(d.Zone) == 0 {
			t.Fatal("no zone")
		}
		for _, p := range d.Zone {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("ring %v", r)
				}
				for _, pt := range r {
					if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.Abs(pt[0]) > 180 || math.Abs(pt[1]) > 90 {
						t.Fatalf("position %v", pt)
					}
				}
			}
		}
	})
}
