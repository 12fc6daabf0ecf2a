package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/charmap"

	"terrimap/store/schema"
)

// csvReaders are the ways a pass may receive a file's bytes: a chunk
// boundary may cut a UTF-8 sequence, a "sep=" line, a quoted field.
var csvReaders = map[string]func(io.Reader) io.Reader{
	"whole":    func(r io.Reader) io.Reader { return r },
	"one byte": iotest.OneByteReader,
	"halves":   iotest.HalfReader,
}

// streamCSV reads data with the two passes of OpenCSV into a Dataset, each
// pass receiving the bytes through read, checking that the first pass's
// count and geometry kinds are those of the features the second yields.
func streamCSV(t testing.TB, data []byte, opts CSVOptions, read func(io.Reader) io.Reader) (*Dataset, error) {
	t.Helper()
	open := func() (io.ReadCloser, error) { return io.NopCloser(read(bytes.NewReader(data))), nil }
	src, err := openCSV(open, "Points d'eau.csv", opts)
	if err != nil {
		return nil, err
	}
	return readSecondPass(t, src), nil
}

// checkCSVMatches fails when the streamed reading of data, through every
// csvReaders, or ReadCSV's, differs from the whole-file reading CSV had
// before it streamed: the same dataset, or the same error.
func checkCSVMatches(t *testing.T, data []byte, opts CSVOptions) {
	t.Helper()
	want, wantErr := readCSVRef(data, "Points d'eau.csv", opts)
	if want != nil && len(want.Features) == 0 {
		want.Features = []Feature{}
	}
	same := func(how string, got *Dataset, err error) {
		t.Helper()
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("%.300q, %s:\nerror     %v\nreference %v", data, how, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%.300q, %s:\ngot       %#v\nreference %#v", data, how, got, want)
		}
	}
	for how, read := range csvReaders {
		got, err := streamCSV(t, data, opts, read)
		same("streamed, "+how, got, err)
	}
	got, err := ReadCSV(bytes.NewReader(data), "Points d'eau.csv", opts)
	same("ReadCSV", got, err)
}

// csvStreamCases are files whose reading depends on more than one row, or
// that a pass receives in pieces.
var csvStreamCases = []struct{ name, in string }{
	{"Latin-1 found at the end", "nom;lon;lat\n" + strings.Repeat("Tournus;4,9;46,5\n", 5000) + "M\xe2con;4,8;46,3\n"},
	{"Latin-1 in the sep= line only", "sep=\xe9\nnom\xe9x\n1\xe92\n"},
	{"UTF-8 sep= line, Latin-1 later", "sep=é\nnoméx\n1é2\n\xff\n"},
	{"a blank cell in UTF-8, not in Windows-1252", "a;b\n1;2;\u00a0\n3;\xa0\n"},
	{"a separator in UTF-8, another in Windows-1252", "sep=é\na\n1é\"x\ny\"é\"z\n2é\n\xff"},
	{"a row error, then a bad coordinate", "lon;lat\nx;y\n1;2;3\n"},
	{"a bad coordinate, then a row error", "lon;lat;n\n1;2;3\nx;y;1;4\n"},
	{"UTF-8 BOM with runs of invalid bytes", "\xef\xbb\xbfnom,v\n\xff\xfe\xfd,1\n\xe2\x82,2\nok\xc3,\xef\xbf\xbd\n"},
	{"UTF-8 BOM, invalid at the end", "\xef\xbb\xbfnom\na\xe2\x82"},
	{"UTF-16 BE", "\xfe\xff\x00l\x00o\x00n\x00;\x00l\x00a\x00t\x00\n\x004\x00;\x004\x006\x00\n"},
	{"UTF-16, odd length", "\xff\xfel\x00o\x00n\x00\n\x004"},
	{"UTF-16, lone surrogate", "\xff\xfea\x00\n\x00\x00\xd8\n\x00"},
	{"sep= line only", "sep=;"},
	{"sep= line with carriage returns", "SeP=\r\r\r\na;b\n1;2\n"},
	{"sep= carriage return then text", "sep=\r;\na\rb\n1\r2\n"},
	{"sep= empty line", "sep=\na,b\n1,2\n"},
	{"sep= invalid separator", "sep=\"\na\n"},
	{"sep= replacement character", "sep=\ufffd\na\n1\n"},
	{"incomplete UTF-8 at the end", "nom\nM\xc3"},
	{"quoted field across lines", "nom;lon;lat\n\"la\n\"\"vieille\"\"\nfontaine\";4,9;46,5\n\"b\";4,8;46,4\n"},
	{"an unclosed quote", "nom;lon;lat\n\"la;4;46\nb;4;46\n"},
	{"more than 50 lines decide nothing beyond them", "a;b\n" + strings.Repeat("1;2\n", 60) + "x,y,z,w\n"},
	{"the 50th line decides the separator", "a;b,c\n" + strings.Repeat("1;2,3\n", 48) + "1;2;3,4\n1;2;3,4\n"},
	{"empty lines and trailing carriage return", "\n\nlon,lat\r\n\r\n4,46\r\n\n5,47\r"},
	{"blank extra cells, spaces trimmed", "a;b\n 1 ; x \t; \u00a0\n"},
	{"Lambert-93 by values, one point in degrees", "x;y\n846181,73;6608811,01\n4,9;46,5\n"},
	{"no point at all", "lon;lat;n\n;;1\n"},
	{"types from the last row", "n;d;b\n1;2024-01-01;oui\n2;2024-01-01;non\n2.5;2024-01-01 10:00;x\n"},
	{"a line of 2 MB", "nom,v\n" + strings.Repeat("x", 2<<20) + ",1\n"},
	{"only a header", "\ufeffnom"},
	{"only a BOM", "\xef\xbb\xbf"},
	{"Windows-1252 punctuation", "nom;prix\n\x93guillemets\x94;5\x80\n\x81\x8d;1\n"},
}

// hydrantCSV is a CSV file of n hydrants as a surveyor's spreadsheet has
// them (semicolons, decimal commas, a Latin-1 name now and then).
func hydrantCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("numero;nom;x_l93;y_l93;debit;pose;conforme\r\n")
	for i := range n {
		name := "Poteau rue de la Gare"
		if i%97 == 0 {
			name = "Poteau \xe9glise"
		}
		fmt.Fprintf(&b, "PEI-%05d;%s;%d,%02d;%d,%02d;%d;%02d/%02d/20%02d;%s\r\n", i, name,
			840000+i%9000, i%100, 6600000+i%7000, i%37, 30+i%90, 1+i%28, 1+i%12, i%25, []string{"oui", "non", ""}[i%3])
	}
	return b.Bytes()
}

func TestOpenCSVMatchesReference(t *testing.T) {
	for _, c := range csvCases {
		checkCSVMatches(t, []byte(c.in), c.opts)
	}
	for _, c := range csvStreamCases {
		t.Run(c.name, func(t *testing.T) {
			checkCSVMatches(t, []byte(c.in), CSVOptions{})
		})
	}
	forced := CSVOptions{Types: map[string]schema.FieldType{"b": schema.Integer}, XColumn: "a", YColumn: "c"}
	checkCSVMatches(t, []byte("a;b;c\n1;x;2\n1;2;y\n"), forced)
	checkCSVMatches(t, []byte("a;b;c\n1;1;2\n1;z;3\n;;\n"), forced)
	checkCSVMatches(t, hydrantCSV(3000), CSVOptions{})
	checkCSVMatches(t, bytes.ReplaceAll(hydrantCSV(3000), []byte("\xe9"), []byte("é")), CSVOptions{})
}

// CSV files as GDAL and Terrimap write them, from the test GeoJSON files.
func TestOpenCSVMatchesReferenceOnWrittenFiles(t *testing.T) {
	dir := t.TempDir()
	for _, file := range []string{"encoding/source.geojson", "ccmt/ccmt-communes.geojson", "shapes/mpoints.geojson"} {
		src := filepath.Join("testdata", file)
		for i, lco := range [][]string{
			{"-lco", "GEOMETRY=AS_XY"},
			{"-lco", "GEOMETRY=AS_WKT", "-lco", "SEPARATOR=SEMICOLON", "-lco", "WRITE_BOM=YES"},
			{"-lco", "GEOMETRY=AS_XY", "-lco", "SEPARATOR=TAB", "-lco", "LINEFORMAT=CRLF", "-lco", "STRING_QUOTING=ALWAYS"},
		} {
			out := filepath.Join(dir, fmt.Sprintf("%s-%d.csv", strings.ReplaceAll(file, "/", "-"), i))
			args := append([]string{"-f", "CSV"}, lco...)
			if b, err := exec.Command(gdalTool(t, "ogr2ogr"), append(args, out, src)...).CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr %s: %v\n%s", file, err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			checkCSVMatches(t, data, CSVOptions{})
			latin1, err := charmap.Windows1252.NewEncoder().Bytes(bytes.TrimPrefix(data, []byte("\ufeff")))
			if err != nil {
				t.Fatal(err)
			}
			checkCSVMatches(t, latin1, CSVOptions{})
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := ReadGeoJSON(bytes.NewReader(data), file)
		if err != nil {
			t.Fatal(err)
		}
		for _, geom := range []CSVGeometry{CSVWKT, CSVXY} {
			var b bytes.Buffer
			w, err := NewCSVWriter(&b, ds.Fields, geom, 4326)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ds.Features {
				if err := w.Write(f); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			checkCSVMatches(t, b.Bytes(), CSVOptions{})
		}
	}
}

// OpenCSV reads a file on disk as ReadCSV reads its bytes; OpenFile
// streams a .csv file.
func TestOpenCSVFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Poteaux incendie.csv")
	data := hydrantCSV(500)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := ReadCSV(bytes.NewReader(data), "Poteaux incendie.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := src.Features(); err != nil {
		t.Fatal(err)
	} else if _, streamed := r.(*csvFeatures); !streamed {
		t.Fatalf("OpenFile reads a CSV file with a %T", r)
	}
	got, err := src.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.SRS != 2154 || got.Name != "poteaux_incendie" || len(got.Features) != 500 {
		t.Fatalf("OpenFile %s: %+v", path, got.Fields)
	}
}

// A row longer than the bound is refused by its number before it is
// read whole.
func TestCSVRowTooLarge(t *testing.T) {
	data := "a,b\n1,2\n3,\"" + strings.Repeat("x\n", 200<<10) + "\"\n5,6\n"
	rows := newCSVRows(strings.NewReader(data), ',', 100<<10)
	n := 0
	var err error
	for err == nil {
		if _, err = rows.read(); err == nil {
			n++
		}
	}
	err = rowError(err, n)
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Number != 2 || !strings.Contains(err.Error(), "feature 2: larger than 0 MiB") {
		t.Fatalf("error %v after %d rows", err, n)
	}
	if rows.bound.read > 300<<10 {
		t.Fatalf("%d bytes read to refuse a row over %d", rows.bound.read, 100<<10)
	}
}

// A file that changes between the passes is not read as if it had not.
func TestOpenCSVFileChanged(t *testing.T) {
	first := []byte("lon;lat;n\n4,9;46,5;1\n4,8;46,4;2\n")
	for name, second := range map[string]string{
		"a row less":              "lon;lat;n\n4,9;46,5;1\n",
		"a row more":              "lon;lat;n\n4,9;46,5;1\n4,8;46,4;2\n4,7;46,3;3\n",
		"another header":          "lon;lat;m\n4,9;46,5;1\n4,8;46,4;2\n",
		"a value of another type": "lon;lat;n\n4,9;46,5;1\n4,8;46,4;deux\n",
		"not UTF-8 any more":      "lon;lat;n\n4,9;46,5;1\n4,8;46,4;\xe9\n",
	} {
		t.Run(name, func(t *testing.T) {
			passes := 0
			open := func() (io.ReadCloser, error) {
				passes++
				if passes == 1 {
					return io.NopCloser(bytes.NewReader(first)), nil
				}
				return io.NopCloser(strings.NewReader(second)), nil
			}
			src, err := openCSV(open, "f.csv", CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.ReadAll()
			if !errors.Is(err, ErrFileChanged) {
				t.Fatalf("error %v, want ErrFileChanged", err)
			}
		})
	}
}

// csvText, which the DXF mapping table reads with, decodes as the CSV
// reader does.
func TestCSVText(t *testing.T) {
	for _, c := range csvCases {
		want, wantErr := csvTextRef([]byte(c.in))
		got, err := csvText([]byte(c.in))
		if got != want || (err == nil) != (wantErr == nil) {
			t.Fatalf("csvText(%q) = %q, %v; want %q, %v", c.in, got, err, want, wantErr)
		}
	}
	for _, c := range csvStreamCases {
		want, _ := csvTextRef([]byte(c.in))
		if got, _ := csvText([]byte(c.in)); got != want {
			t.Fatalf("%s: csvText = %.200q, want %.200q", c.name, got, want)
		}
	}
}

func FuzzOpenCSV(f *testing.F) {
	for _, c := range csvCases {
		f.Add([]byte(c.in))
	}
	for _, c := range csvStreamCases {
		if len(c.in) < 4096 {
			f.Add([]byte(c.in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCSVMatches(t, data, CSVOptions{})
		want, _ := csvTextRef(data)
		if got, _ := csvText(data); got != want {
			t.Fatalf("%q: csvText = %q, want %q", data, got, want)
		}
	})
}

// A file rewritten between the passes with rows of the same kinds — here
// Lambert-93 coordinates where the first pass read degrees — is refused:
// the second pass would read them in the first pass's system. The test
// writes the file between OpenCSV (the first pass) and Features (the
// second), on disk, with another size and time.
func TestOpenCSVFileRewrittenOnDisk(t *testing.T) {
	for _, open := range []struct {
		name string
		open func(string) (*Source, error)
	}{
		{"csv", func(p string) (*Source, error) { return OpenCSV(p, CSVOptions{}) }},
		{"geojson", func(p string) (*Source, error) { return OpenGeoJSON(p) }},
	} {
		t.Run(open.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f."+open.name)
			first, second := "lon;lat;n\n4.9;46.5;1\n4.8;46.4;2\n", "lon;lat;n\n845123.5;6604321.25;1\n844000.5;6603000.75;2\n"
			if open.name == "geojson" {
				pt := func(x, y string) string {
					return `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[` + x + `,` + y + `]}}`
				}
				first = `{"type":"FeatureCollection","features":[` + pt("4.9", "46.5") + `]}`
				second = `{"type":"FeatureCollection","features":[` + pt("845123.5", "6604321.25") + `]}`
			}
			if err := os.WriteFile(path, []byte(first), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := open.open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if err := os.WriteFile(path, []byte(second), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := src.ReadAll(); !errors.Is(err, ErrFileChanged) {
				t.Fatalf("error %v, want ErrFileChanged", err)
			}
		})
	}
}

// A CSV's system is deduced from its coordinates unless the caller gives it.
func TestOpenCSVSaysItsSystemIsDeduced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "avaloirs.csv")
	if err := os.WriteFile(path, []byte("num;X;Y\n1;845123,5;6604321,25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		given, srs int
		deduced    bool
	}{{0, 2154, true}, {2154, 2154, false}} {
		src, err := OpenCSV(path, CSVOptions{SRS: c.given})
		if err != nil {
			t.Fatal(err)
		}
		if src.SRS != c.srs || src.SRSDeduced != c.deduced {
			t.Errorf("given %d: SRS %d (deduced %v), want %d (deduced %v)", c.given, src.SRS, src.SRSDeduced, c.srs, c.deduced)
		}
		src.Close()
	}
}
