package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeHydrantsCSV writes n hydrants as a CSV file (semicolons, decimal
// commas, Windows-1252 accents when latin1), the last row replaced by last
// when it is not "".
func writeHydrantsCSV(t testing.TB, path string, n int, latin1 bool, last string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "nom;type_pei;longitude;latitude;debit;date_ct\r\n")
	e := "é"
	if latin1 {
		e = "\xe9"
	}
	for i := 1; i <= n; i++ {
		if i == n && last != "" {
			fmt.Fprint(w, last+"\r\n")
			continue
		}
		fmt.Fprintf(w, "Poteau %d %sglise;PI;%.6f;%.6f;%d,5;%02d/05/2024\r\n", i, e,
			4.9+float64(i%1000)*1e-4, 46.5+float64(i/1000)*1e-4, 60+i%7, 1+i%28)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A CSV file whose last row is bad imports nothing, and the error names
// the row: by its line when the first pass finds it (also in a file found
// to be Windows-1252 only after that row), by its feature number when the
// layer refuses a value inside the transaction.
func TestImportCSVBadRowAtTheEndChangesNothing(t *testing.T) {
	const n = 20_000
	cases := []struct {
		name, last string
		latin1     bool
		want       []string
	}{
		{name: "a coordinate", last: "Poteau;PI;4,9;nord;60;01/05/2024",
			want: []string{"line 20001: coordinates (\"4,9\", \"nord\")"}},
		{name: "a row too wide, Latin-1", latin1: true, last: "Poteau;PI;4,9;46,5;60;01/05/2024;x",
			want: []string{"line 20001: 7 fields, but the header has 6"}},
		{name: "refused by the layer", last: "Poteau;XX;4,9;46,5;60;01/05/2024",
			want: []string{"feature 20000", "type_pei"}},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := newWorkspace(t)
			good := filepath.Join(t.TempDir(), "good.csv")
			writeHydrantsCSV(t, good, 10, c.latin1, "")
			if _, err := ws.ImportFile(ctx, good, ImportOptions{Layer: "pei"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "pei.csv")
			writeHydrantsCSV(t, path, n, c.latin1, c.last)
			checkImportRefused(t, ws, path, "pei", c.want)
		})
	}
}

// A streamed CSV import gives the layer what the whole file says: its
// types, its SRS, its accents read in the encoding found at its end.
func TestImportFileStreamsCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Poteaux incendie.csv")
	writeHydrantsCSV(t, path, 2500, true, "Poteau \xe9glise;PI;4,9;46,5;61,25;2024-05-31 10:00")
	ws, layer := importHydrantsFile(t, path, "POINT nom:text type_pei:text debit:real date_ct:datetime")
	f, err := ws.GetByFID(context.Background(), layer, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Properties["nom"] != "Poteau 1 église" || f.Properties["date_ct"] != "2024-05-02T00:00:00Z" {
		t.Fatalf("feature 1: %v", f.Properties)
	}
}
