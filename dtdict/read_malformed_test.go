package dtdict

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// malformedCases are fixtures with one part broken: each must be refused
// whole, by a FormatError naming the element.
var malformedCases = []struct {
	name    string
	fixture string
	old     string // replaced by new everywhere; "" for the whole file
	new     string
	element string // expected FormatError.Element
	not     bool   // ErrNotDeclaration rather than ErrMalformed
}{
	{"not XML", "", "", "Ceci n'est pas un fichier XML.", "", true},
	{"empty file", "", "", "", "", true},
	{"another root", "", "", `<?xml version="1.0"?><FeatureCollection xmlns="http://www.opengis.net/wfs/2.0"/>`, "FeatureCollection", true},
	{"truncated", "dt-tournus.xml", "    </DT>", "", "DT", false},
	{"schema 2.0", "dt-tournus.xml", "schema-teleservice/2.2", "schema-teleservice/2.0", "dossierConsultation", false},
	{"no namespace", "dt-tournus.xml", `xmlns="http://www.reseaux-et-canalisations.gouv.fr/schema-teleservice/2.2"`, "", "dossierConsultation", false},
	{"no declaration", "dt-tournus.xml", "DT>", "DTX>", "dossierConsultation", false},
	{"DT and DICT", "dt-tournus.xml", "<listeDesOuvrages>", "<DICT/><listeDesOuvrages>", "DICT", false},
	{"joint without its DICT", "dtdict-conjointes-tournus.xml", "ns1:partieDICT>", "ns1:partieDICTX>", "partieDICT", false},
	{"no number", "dt-tournus.xml", "noConsultationDuTeleserviceSeize>", "noDossier>", "noConsultationDuTeleservice", false},
	{"empty number", "dict-tournus.xml", "2026120700877T", "", "noConsultationDuTeleservice", false},
	{"number as a path", "dt-tournus.xml", "2026120300412T01", "../../etc/passwd", "noConsultationDuTeleserviceSeize", false},
	{"bad declaration date", "dt-tournus.xml", "2026-12-03T09:14:27.512+01:00", "03/12/2026", "dateDeLaDeclaration", false},
	{"no declarant", "dict-tournus.xml", "t:executantDesTravaux>", "t:entreprise>", "executantDesTravaux", false},
	{"declarant without a name", "dict-offterritory.xml", "<denomination>Lyon Réseaux Services</denomination>", "", "executantDesTravaux", false},
	{"no place", "dt-tournus.xml", "emplacementDuProjet>", "lieu>", "emplacementDuProjet", false},
	{"no place for a DICT", "dict-tournus.xml", "t:emplacementDesTravaux>", "t:lieu>", "emplacementDesTravaux", false},
	{"no INSEE code", "dict-tournus.xml", "<t:codeINSEE>71543</t:codeINSEE>", "", "codeINSEE", false},
	{"bad INSEE code", "dt-tournus.xml", "<codeINSEE>71543</codeINSEE>\n            <nombreDeCommunes>", "<codeINSEE>7154</codeINSEE>\n            <nombreDeCommunes>", "codeINSEE", false},
	{"bad start date", "dt-tournus.xml", "2027-03-01+01:00", "mars 2027", "datePrevuePourLeCommencementDesTravaux", false},
	{"bad duration", "dt-tournus.xml", "<dureeDuChantierEnJours>20<", "<dureeDuChantierEnJours>vingt<", "dureeDuChantierEnJours", false},
	{"negative duration", "dt-tournus.xml", "<dureeDuChantierEnJours>20<", "<dureeDuChantierEnJours>-3<", "dureeDuChantierEnJours", false},
	{"bad trenchless flag", "dt-tournus.xml", "<emploiDeTechniquesSansTranchees>false<", "<emploiDeTechniquesSansTranchees>peut-être<", "emploiDeTechniquesSansTranchees", false},
	{"bad plan size", "dt-tournus.xml", "<tailleDesPlans>A3<", "<tailleDesPlans>A5<", "tailleDesPlans", false},
	{"bad colour flag", "dt-tournus.xml", "<couleurDesPlans>true<", "<couleurDesPlans>oui<", "couleurDesPlans", false},
	{"bad vector flag", "dt-tournus.xml", "<souhaitDePlansVectoriels>true<", "<souhaitDePlansVectoriels>vrai<", "souhaitDePlansVectoriels", false},
	{"no list of networks", "atu-tournus.xml", "listeDesOuvrages>", "ouvrages>", "listeDesOuvrages", false},
	{"empty list of networks", "atu-tournus.xml", "ouvrage>", "ouvrageX>", "ouvrage", false},
	{"network without code", "dt-tournus.xml", "<codeOuvrage>ASS71543</codeOuvrage>", "", "codeOuvrage", false},
	{"bad category", "dt-tournus.xml", "<categorieOuvrage>NS</categorieOuvrage>", "<categorieOuvrage>TS</categorieOuvrage>", "categorieOuvrage", false},
	{"no zone", "atu-tournus.xml", "emprise>", "zone>", "emprise", false},
	{"no geometry", "atu-tournus.xml", "geometrie", "geometry", "geometrie", false},
	{"no polygon", "atu-tournus.xml", "gml:Polygon", "gml:Surface", "geometrie", false},
	{"GML of another version", "atu-tournus.xml", `xmlns:gml="http://www.opengis.net/gml/3.2"`, `xmlns:gml="http://www.opengis.net/gml"`, "geometrie", false},
	{"no coordinate system", "atu-tournus.xml", `srsName="EPSG:4326"`, "", "geometrie", false},
	{"Lambert-93", "atu-tournus.xml", `srsName="EPSG:4326"`, `srsName="EPSG:2154"`, "geometrie", false},
	{"no exterior", "atu-tournus.xml", "gml:exterior>", "gml:outer>", "exterior", false},
	{"no ring", "atu-tournus.xml", "gml:LinearRing>", "gml:Ring>", "LinearRing", false},
	{"no coordinates", "atu-tournus.xml", "gml:coordinates", "gml:points", "posList", false},
	{"odd posList", "dt-tournus.xml", "4.901977 46.565020 4.903023", "4.901977 46.565020 4.903023 46.565020 46.565020 4.903023", "posList", false},
	{"word in posList", "dt-tournus.xml", "4.903023 46.565380", "4.903023 nord", "posList", false},
	{"NaN in posList", "dt-tournus.xml", "4.903023 46.565380", "NaN 46.565380", "posList", false},
	{"infinity in posList", "dt-tournus.xml", "4.903023 46.565380", "4.903023 +Inf", "posList", false},
	{"latitude first", "dt-tournus.xml", "4.903023 46.565380", "46.565380 4.903023", "", false}, // still within bounds: accepted below
	{"longitude out of bounds", "dt-tournus.xml", "4.903023 46.565380", "204.903023 46.565380", "posList", false},
	{"Lambert-93 metres", "dt-tournus.xml", "4.903023 46.565380", "828143.2 6609312.4", "posList", false},
	{"bad dimension", "dt-tournus.xml", `<ns2:posList srsDimension="2">`, `<ns2:posList srsDimension="4">`, "posList", false},
	{"ring not closed", "dt-tournus.xml", "46.565380 4.901977 46.565020<", "46.565380 4.901977 46.565021<", "LinearRing", false},
	{"ring of three", "dt-tournus.xml", "4.901977 46.565020 4.903023 46.565020 4.903023 46.565380 4.901977 46.565380 4.901977 46.565020", "4.901977 46.565020 4.903023 46.565020 4.901977 46.565020", "LinearRing", false},
	{"bad tuple", "dict-tournus.xml", "4.903023,46.565020 ", "4.903023;46.565020 ", "coordinates", false},
	{"hole not closed", "dict-tournus.xml", "4.902565,46.565155 4.902435,46.565155<", "4.902565,46.565155 4.902436,46.565155<", "LinearRing", false},
	{"two exteriors", "atu-tournus.xml", "</gml:exterior>", "</gml:exterior><gml:exterior/>", "exterior", false},
	{"bad surface", "dt-tournus.xml", "<surface>3200.0<", "<surface>3200 m²<", "surface", false},
	{"negative surface", "dt-tournus.xml", "<surface>3200.0<", "<surface>-1<", "surface", false},
	{"undeclared prefix", "dt-tournus.xml", "ns2:exterior>", "ns9:exterior>", "exterior", false},
	{"element of another namespace", "dt-tournus.xml", "<codeINSEE>71543</codeINSEE>\n            <nombreDeCommunes>", `<x:codeINSEE xmlns:x="urn:autre">71543</x:codeINSEE>` + "\n            <nombreDeCommunes>", "codeINSEE", false},
}

func TestReadMalformed(t *testing.T) {
	for _, c := range malformedCases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.new)
			if c.fixture != "" {
				src := string(readFixture(t, c.fixture))
				if !strings.Contains(src, c.old) {
					t.Fatalf("%q is not in %s", c.old, c.fixture)
				}
				data = []byte(strings.ReplaceAll(src, c.old, c.new))
			}
			d, err := Read(bytes.NewReader(data))
			if c.name == "latitude first" {
				// Swapped axes within the bounds cannot be told apart here:
				// the analysis finds the zone off our territory.
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", d)
			}
			if d != nil {
				t.Errorf("a declaration half read: %+v", d)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("%v (%T) is not a *FormatError", err, err)
			}
			want := ErrMalformed
			if c.not {
				want = ErrNotDeclaration
			}
			if !errors.Is(err, want) {
				t.Errorf("%v is not %v", err, want)
			}
			if fe.Element != c.element {
				t.Errorf("element %q, want %q (%s)", fe.Element, c.element, fe.Message)
			}
			if c.element != "" && !strings.Contains(fe.Message, "« "+c.element+" »") && !strings.Contains(fe.Message, c.element) {
				t.Errorf("the message does not name %s: %s", c.element, fe.Message)
			}
			if !strings.HasSuffix(fe.Message, ".") || strings.Contains(fe.Message, "%!") {
				t.Errorf("message %q", fe.Message)
			}
		})
	}
}

// TestReadLimits checks the size and depth limits.
func TestReadLimits(t *testing.T) {
	t.Run("too large", func(t *testing.T) {
		head := `<?xml version="1.0"?><dossierConsultation xmlns="` + nsTeleservice22 + `"><!--`
		r := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, MaxDeclarationSize))
		d, err := Read(r)
		if !errors.Is(err, ErrMalformed) || d != nil || !strings.Contains(err.Error(), "32 Mio") {
			t.Errorf("a file of more than 32 MiB: %v", err)
		}
	})
	root := `<dossierConsultation xmlns="` + nsTeleservice22 + `">`
	cases := []struct {
		name, doc, word string
	}{
		{"too deep", root + strings.Repeat("<a>", maxDepth), "niveaux"},
		{"too many elements", root + strings.Repeat("<a/>", maxElements), "éléments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(c.doc))
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, ErrMalformed) || d != nil || !strings.Contains(fe.Message, c.word) {
				t.Errorf("%v, %+v", err, d)
			}
		})
	}
}

// zeros reads spaces for ever (a comment that never ends).
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
