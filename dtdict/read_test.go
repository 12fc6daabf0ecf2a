package dtdict

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// readFixture reads testdata/name.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadFixtures(t *testing.T) {
	cases := []struct {
		file      string
		kind      Kind
		version   string
		number    string
		declared  string // RFC 3339
		role      string
		declarant string
		contact   string
		others    int
		insee     string
		commune   string
		natures   []string
		start     string // date
		duration  int
		trenchles []string
		planSize  string
		vector    string
		codes     []string
		polygons  int
		holes     int
		first     orb.Point
		surface   float64
	}{
		{
			file: "dt-tournus.xml", kind: KindDT, version: "2.2", number: "2026120300412T01",
			declared: "2026-12-03T09:14:27.512+01:00", role: "representantDuResponsableDeProjet",
			declarant: "Bureau d'études Saône VRD", contact: "Claire Bonnot", others: 1,
			insee: "71543", commune: "Tournus", natures: []string{"TER", "VOI"}, start: "2027-03-01", duration: 20,
			planSize: "A3", vector: "DXF",
			codes:    []string{"EAUPOT71543", "ASS71543", "ENEDIS-0000000000712BRG^1", "GRDFCEST"},
			polygons: 1, first: orb.Point{4.901977, 46.565020}, surface: 3200,
		},
		{
			file: "dict-tournus.xml", kind: KindDICT, version: "2.2", number: "2026120700877T",
			declared: "2026-12-07T14:02:51.108+01:00", role: "executantDesTravaux",
			declarant: "Bourgogne TP Construction", contact: "Julien Perrin",
			insee: "71543", commune: "TOURNUS", natures: []string{"TER", "FON"}, start: "2027-03-01", duration: 15,
			trenchles: []string{"FORAGE_DIRIGE", "FONCAGE"}, planSize: "A1", vector: "MIF_MID",
			codes:    []string{"EAUPOT71543", "ASS71543", "ENEDIS-0000000000712BRG^1"},
			polygons: 2, holes: 1, first: orb.Point{4.901977, 46.565020}, surface: 3300,
		},
		{
			file: "dtdict-conjointes-tournus.xml", kind: KindJoint, version: "2.2", number: "2026120401133T",
			declared: "2026-12-04T10:31:09.004+01:00", role: "responsableDuProjet",
			declarant: "SYDESL", contact: "Service travaux", others: 1,
			insee: "71543", commune: "Tournus", natures: []string{"ECL", "TER"}, start: "2027-01-11", duration: 8,
			planSize: "A2", vector: "SHP",
			codes:    []string{"EAUPOT71543", "ASS71543", "FTO-71"},
			polygons: 2, first: orb.Point{4.906108, 46.561865}, surface: 1900,
		},
		{
			file: "atu-tournus.xml", kind: KindATU, version: "2.1", number: "2026120500031U",
			declared: "2026-12-05T06:48:12+01:00", role: "personneOrdonnantLesTravauxUrgents",
			declarant: "Régie des eaux du Mâconnais-Tournugeois", contact: "Astreinte eau potable", others: 1,
			insee: "71543", commune: "Tournus", natures: []string{"REP"}, start: "2026-12-05", duration: 2,
			planSize: "A4", codes: []string{"ASS71543", "GRDFCEST"},
			polygons: 1, first: orb.Point{4.902869, 46.561955}, surface: 200,
		},
		{
			file: "dict-offterritory.xml", kind: KindDICT, version: "2.2", number: "2026120801502T",
			declared: "2026-12-08T11:20:40.377+01:00", role: "executantDesTravaux",
			declarant: "Lyon Réseaux Services", contact: "Sophie Garnier",
			insee: "69381", commune: "Lyon 1er Arrondissement", natures: []string{"TEL"}, start: "2027-01-18", duration: 5,
			planSize: "A4", codes: []string{"EAUPOT71543", "ASS71543", "ENEDIS-0000000000690LYO^1"},
			polygons: 1, first: orb.Point{4.835185, 45.763820}, surface: 3200,
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			d, err := Read(bytes.NewReader(readFixture(t, c.file)))
			if err != nil {
				t.Fatal(err)
			}
			if d.Kind != c.kind || d.SchemaVersion != c.version || d.Number != c.number {
				t.Errorf("kind %s, schema %s, number %s; want %s, %s, %s", d.Kind, d.SchemaVersion, d.Number, c.kind, c.version, c.number)
			}
			want, _ := time.Parse(time.RFC3339Nano, c.declared)
			if !d.Declared.Equal(want) {
				t.Errorf("declared %s, want %s", d.Declared, want)
			}
			if d.Declarant.Role != c.role || d.Declarant.Name != c.declarant || d.Declarant.Contact != c.contact {
				t.Errorf("declarant %+v, want %s %q (contact %q)", d.Declarant, c.role, c.declarant, c.contact)
			}
			if d.Declarant.Address == "" || d.Declarant.Phone == "" {
				t.Errorf("declarant without address or phone: %+v", d.Declarant)
			}
			if len(d.Others) != c.others {
				t.Errorf("%d other parties, want %d: %+v", len(d.Others), c.others, d.Others)
			}
			if d.Place.INSEE != c.insee || d.Place.Commune != c.commune || !strings.Contains(d.Place.Address, c.commune) {
				t.Errorf("place %+v, want %s %s", d.Place, c.insee, c.commune)
			}
			if !reflect.DeepEqual(d.Works.Natures, c.natures) || d.Works.Description == "" {
				t.Errorf("works natures %v (description %q), want %v", d.Works.Natures, d.Works.Description, c.natures)
			}
			if d.Works.Start.Format(time.DateOnly) != c.start || d.Works.DurationDays != c.duration {
				t.Errorf("works start %s for %d days, want %s for %d", d.Works.Start.Format(time.DateOnly), d.Works.DurationDays, c.start, c.duration)
			}
			if !reflect.DeepEqual(d.Works.Trenchless, c.trenchles) || d.Works.TrenchlessUsed != (c.trenchles != nil) {
				t.Errorf("trenchless %v (%v), want %v", d.Works.Trenchless, d.Works.TrenchlessUsed, c.trenchles)
			}
			if d.Wishes.PlanSize != c.planSize || d.Wishes.VectorFormat != c.vector || d.Wishes.Vector != (c.vector != "") {
				t.Errorf("wishes %+v, want %s %s", d.Wishes, c.planSize, c.vector)
			}
			var codes []string
			for _, n := range d.Networks {
				codes = append(codes, n.Code)
				if n.Operator == "" || (n.Category != "S" && n.Category != "NS") || n.Class == "" {
					t.Errorf("network %+v incomplete", n)
				}
			}
			if !reflect.DeepEqual(codes, c.codes) {
				t.Errorf("codes %v, want %v", codes, c.codes)
			}
			holes := 0
			for _, p := range d.Zone {
				holes += len(p) - 1
			}
			if len(d.Zone) != c.polygons || holes != c.holes {
				t.Errorf("%d polygons with %d holes, want %d with %d", len(d.Zone), holes, c.polygons, c.holes)
			}
			if d.Zone[0][0][0] != c.first {
				t.Errorf("first position %v, want %v (longitude first)", d.Zone[0][0][0], c.first)
			}
			if d.Surface != c.surface {
				t.Errorf("surface %g, want %g", d.Surface, c.surface)
			}
		})
	}
}

// unprefixed re-encodes an XML document with encoding/xml's encoder: every
// element declares its own default namespace and attributes get the
// encoder's made-up prefixes — the same document by namespace, with no
// prefix in common with the original.
func unprefixed(t *testing.T, data []byte) []byte {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out bytes.Buffer
	enc := xml.NewEncoder(&out)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.ProcInst, xml.Comment, xml.Directive:
			continue
		case xml.StartElement:
			var attrs []xml.Attr
			for _, a := range tk.Attr {
				if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
					attrs = append(attrs, a)
				}
			}
			tk.Attr = attrs
			tok = tk
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestReadByNamespace reads every fixture again once its prefixes are all
// changed: the declaration read is the same.
func TestReadByNamespace(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, f := range files {
		data := readFixture(t, filepath.Base(f))
		want, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		again := unprefixed(t, data)
		if bytes.Contains(again, []byte("<t:")) || bytes.Contains(again, []byte("<gml:")) || bytes.Contains(again, []byte("<ns2:")) {
			t.Fatalf("%s: the prefixes are still there", f)
		}
		got, err := Read(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("%s re-encoded: %v\n%s", f, err, again)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s re-encoded reads\n%+v\nwant\n%+v", f, got, want)
		}
	}
}

// ReadWithData gives the file's bytes with the declaration, and neither
// for a file it refuses.
func TestReadWithData(t *testing.T) {
	data := readFixture(t, "dict-tournus.xml")
	d, got, err := ReadWithData(bytes.NewReader(data))
	if err != nil || d == nil || !bytes.Equal(got, data) {
		t.Fatalf("declaration %v, %d bytes of %d, %v", d != nil, len(got), len(data), err)
	}
	d, got, err = ReadWithData(strings.NewReader("<html/>"))
	if !errors.Is(err, ErrNotDeclaration) || d != nil || got != nil {
		t.Errorf("not a declaration: %v, %d bytes, %v", d != nil, len(got), err)
	}
}
