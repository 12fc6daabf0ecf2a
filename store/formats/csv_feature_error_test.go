package formats

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A CSV row whose coordinates are not numbers is refused as the feature it
// is: the error names its number and its line in the file (what a
// spreadsheet shows), wraps ErrBadGeometry, and keeps the whole-file
// reading's text.
func TestOpenCSVBadCoordinateNamesTheRow(t *testing.T) {
	cases := []struct {
		name, text    string
		number, line  int
		wantErrorText string
	}{
		{"last row", "Numéro;X;Y\n1;845123,5;6604321,25\n2;844000,5;6603000,75\n3;844631,82;6608x12,5\n",
			3, 4, `line 4: coordinates ("844631,82", "6608x12,5") of columns X, Y are not numbers`},
		// Excel hides its sep= line: the header is its row 1.
		{"after an Excel sep= line", "sep=;\nlon;lat\n4,9;46,5\nest;46,5\n",
			2, 3, `line 3: coordinates ("est", "46,5") of columns lon, lat are not numbers`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "avaloirs.csv")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := OpenFile(path)
			var fe *FeatureError
			if !errors.As(err, &fe) || fe.Number != c.number || fe.Line != c.line || !errors.Is(err, ErrBadGeometry) {
				t.Fatalf("error %v (%#v), want feature %d on line %d, a bad geometry", err, fe, c.number, c.line)
			}
			if !strings.HasSuffix(err.Error(), c.wantErrorText) {
				t.Errorf("error %q, want it to end with %q", err, c.wantErrorText)
			}
		})
	}
}

// A CSV row with more cells than the header (a separator typed in a cell
// that is not quoted) is refused as the feature it is, by its line, and
// keeps the whole-file reading's text.
func TestOpenCSVRowWithTooManyCellsNamesTheRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "avaloirs.csv")
	text := "Numéro;Rue;X;Y\n1;rue Désiré-Mathivet;845123,5;6604321,25\n2;quai du Nord; côté Saône;844000,5;6603000,75\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OpenFile(path)
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Number != 2 || fe.Line != 3 || !errors.Is(err, ErrTooManyCells) {
		t.Fatalf("error %v (%#v), want feature 2 on line 3, too many cells", err, fe)
	}
	if want := "line 3: 5 fields, but the header has 4"; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q, want it to end with %q", err, want)
	}
}
