package dtdict

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"terrimap/store"
)

// recepisseMeta is the meta of an answer to the test declaration.
func recepisseMeta(plans []PlanRef) AnswerMeta {
	return AnswerMeta{
		Received:  time.Date(2026, time.December, 1, 9, 30, 0, 0, paris),
		Due:       time.Date(2026, time.December, 10, 0, 0, 0, 0, paris),
		Answered:  time.Date(2026, time.December, 6, 10, 15, 0, 0, paris),
		Signatory: "Jeanne Mérieux, secrétaire de mairie", WorksPlanned: true, Plans: plans,
		VectorFiles: []string{"plans-2026120100417.dxf"},
	}
}

func TestWriteRecepisseConcerned(t *testing.T) {
	ws := pdfWorkspace(t)
	d := testDeclaration(zoneRect(4.9070, 46.5670, 80, 40), "A3", true)
	d.Others = []Party{{Role: "executantDesTravaux", Name: "TP Mâconnais", Contact: "Hervé Lefèvre", Address: "2 rue de l'Écluse, 71000 Mâcon", Phone: "03 85 00 00 00"}}
	a := testAnalysis(t, ws, d)
	var plans bytes.Buffer
	refs, err := WritePlans(context.Background(), &plans, testRenderer(ws), a, AnswerMeta{})
	if err != nil {
		t.Fatal(err)
	}
	pdf := writtenRecepisse(t, ws, "recepisse-concerne.pdf", a, recepisseMeta(refs))
	for i, size := range pdf.sizes {
		if !sameSize(size, Sheet{Paper: PaperOf("A4")}) {
			t.Errorf("page %d is %s pts, not A4 portrait", i+1, size)
		}
	}
	text := pdf.words()
	for _, want := range []string{
		// The declaration.
		"Récépissé de déclaration de projet de travaux (DT)", "cerfa n° 14435", "2026120100417",
		"déclarée le 1er décembre 2026", "reçue le 1er décembre 2026", "réponse due le 10 décembre 2026",
		"Bâtiments Saône-Rivière SARL, Émilie Guérin (responsable du projet)", "4 quai du Midi, 71700 Tournus",
		"Exécutant des travaux TP Mâconnais, Hervé Lefèvre · 2 rue de l'Écluse, 71000 Mâcon · 03 85 00 00 00", "03 85 51 00 00 · e.guerin@bsr.example",
		"Rue du Docteur Privey, Tournus (71543)", "Création d'un branchement d'eaux pluviales et réfection de trottoir",
		"début prévu le 11 janvier 2027, durée 15 jours",
		// The operator.
		"Commune de Tournus — service des eaux", "Hôtel de ville, place de l'Hôtel de Ville, 71700 Tournus",
		"Service des eaux, 03 85 27 00 20, eaux@tournus.example",
		"Ouvrage EAUPOT71543 Canalisations d'eau potable · catégorie non sensible (NS)",
		"Ouvrage ASS71543 Canalisations d'eaux usées ou d'assainissement · catégorie non sensible (NS)",
		// The answer.
		"Concerné : nos ouvrages sont situés dans l'emprise des travaux ou à proximité",
		"A : 0,5 m ; B : 1,5 m ; C et inconnue : 5 m", "Non concerné",
		"ouvrage EAUPOT71543, catégorie non sensible (NS) :", "classe A :",
		"Emprise des travaux déclarée", "Classe C (> 1,50 m) ou inconnue",
		// The attachments.
		"2026120100417-P1", "1:500", "A3 paysage", "1 / 1", "Données à jour au 28 novembre 2026",
		"plans-2026120100417.dxf (Lambert-93, EPSG:2154)",
		// Recommendations, works, emergency, signature.
		"Recommandations techniques", "Sondages manuels obligatoires à moins de 1,50 m des canalisations",
		"Grillage avertisseur marron", "R.554-23", "marquage-piquetage",
		"Travaux prévus sur nos ouvrages", "Oui : une modification ou une extension de nos ouvrages est prévue",
		"Dommage à nos ouvrages 03 85 27 00 00 — Commune de Tournus — service des eaux (canalisations d'eau potable, canalisations d'eaux usées ou d'assainissement)", "18 ou 112",
		"Fait le 6 décembre 2026", "Jeanne Mérieux, secrétaire de mairie", "Signature et cachet",
		"Page 1 /",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the récépissé lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

// writtenRecepisse writes the récépissé of a with m, the maps drawn from
// ws, and reads it back (name: the file kept when the test fails).
func writtenRecepisse(t *testing.T, ws *store.Workspace, name string, a *Analysis, m AnswerMeta) pdfFile {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteRecepisse(context.Background(), &buf, testRenderer(ws), a, m); err != nil {
		t.Fatal(err)
	}
	return readPDF(t, name, buf.Bytes())
}

// notConcernedDICT is a DICT off our networks' territory and its answer:
// no plan, no vector file, no works planned.
func notConcernedDICT() (*Analysis, AnswerMeta) {
	d := testDeclaration(zoneRect(3.0, 45.0, 50, 50), "A4", false)
	d.Kind = KindDICT
	a := &Analysis{Declaration: d, Ours: []Ownership{ourWater}, Reason: "La zone des travaux est hors du territoire de nos réseaux (commune de Tournus)."}
	m := recepisseMeta(nil)
	m.WorksPlanned = false
	m.VectorFiles = nil
	return a, m
}

func TestWriteRecepisseNotConcerned(t *testing.T) {
	ws := pdfWorkspace(t)
	a, m := notConcernedDICT()
	text := writtenRecepisse(t, ws, "recepisse-non-concerne.pdf", a, m).words()
	for _, want := range []string{
		"Récépissé de déclaration d'intention de commencement de travaux (DICT)",
		"Non concerné : aucun de nos ouvrages n'est situé dans l'emprise des travaux ni à proximité.",
		"Motif La zone des travaux est hors du territoire de nos réseaux (commune de Tournus).",
		"Plans aucun plan joint", "Données à jour au non renseignée", "Fichiers vectoriels non demandés",
		"Non : aucuns travaux ne sont prévus", "Recommandations sans objet : nos ouvrages ne sont pas concernés",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the récépissé lacks %q", want)
		}
	}
	for _, not := range []string{"ASS71543", "tronçon", "Légende", "Sondages manuels"} {
		if strings.Contains(text, not) {
			t.Errorf("the récépissé says %q", not)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

func TestWriteRecepisseATU(t *testing.T) {
	ws := pdfWorkspace(t)
	d := testDeclaration(zoneRect(3.0, 45.0, 50, 50), "A4", false)
	d.Kind = KindATU
	a := &Analysis{Declaration: d, Ours: []Ownership{ourSewers}, Reason: "Aucun de nos ouvrages ne se trouve dans la zone."}
	m := recepisseMeta(nil)
	m.Due = time.Time{}
	text := writtenRecepisse(t, ws, "recepisse-atu.pdf", a, m).words()
	for _, want := range []string{"Récépissé d'avis de travaux urgents (ATU)", "Récépissé d'ATU n° 2026120100417", "reçue le 1er décembre 2026 · réponse sans délai (avis de travaux urgents)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the récépissé lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "due le") {
		t.Errorf("an ATU's récépissé gives a due date:\n%s", text)
	}
}

func TestWriteRecepisseNoAnalysis(t *testing.T) {
	ws := pdfWorkspace(t)
	var buf bytes.Buffer
	if err := WriteRecepisse(context.Background(), &buf, testRenderer(ws), nil, AnswerMeta{}); !errors.Is(err, ErrNoAnalysis) {
		t.Fatalf("err = %v, want ErrNoAnalysis", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written", buf.Len())
	}
}

// TestRecepisseSignatureKeptTogether checks that the last part's title is
// never alone at the foot of a page: the box to sign goes with it.
func TestRecepisseSignatureKeptTogether(t *testing.T) {
	ws := pdfWorkspace(t)
	a, m := notConcernedDICT()
	pages := strings.Split(writtenRecepisse(t, ws, "recepisse-signature.pdf", a, m).text, "\f")
	for i, p := range pages {
		if strings.Contains(p, "8. Date et signature") && !strings.Contains(p, "Signature et cachet") {
			t.Errorf("page %d has the title «8. Date et signature» without the box to sign:\n%s", i+1, p)
		}
	}
}

func TestElide(t *testing.T) {
	cases := []struct{ short, word, want string }{
		{"de", "DT", "de DT"}, {"de", "ATU", "d'ATU"}, {"la", "DICT", "la DICT"}, {"la", "ATU", "l'ATU"},
		{"de", "avis de travaux urgents (ATU)", "d'avis de travaux urgents (ATU)"},
		{"de", "déclaration de projet de travaux (DT)", "de déclaration de projet de travaux (DT)"},
		{"de", "", "de "},
	}
	for _, c := range cases {
		if got := elide(c.short, c.word); got != c.want {
			t.Errorf("elide(%q, %q) = %q, want %q", c.short, c.word, got, c.want)
		}
	}
}

func TestNumberedLines(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Consignes : 1. Avant tout terrassement, marquage. 2. Sondages à la main. 3. Remblai avec grillage.",
			"Consignes :\n1. Avant tout terrassement, marquage.\n2. Sondages à la main.\n3. Remblai avec grillage."},
		{"1. Marquage. 2. Sondages.", "1. Marquage.\n2. Sondages."},
		{"Une seule consigne : 1. marquage.", "Une seule consigne : 1. marquage."},
		{"Voir l'article 5. Puis 1. a 3. b", "Voir l'article 5. Puis 1. a 3. b"},
		{"Distance de 0,50 m. 2. Non numéroté depuis 1.", "Distance de 0,50 m. 2. Non numéroté depuis 1."},
		{"", ""},
	}
	for _, c := range cases {
		if got := numberedLines(c.in); got != c.want {
			t.Errorf("numberedLines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A number keeps its unit and a semicolon its clause on the récépissé's
// lines (paper.KeepTogether), and the operators signed for stand one a
// line: «Pour l'exploitant» wrapped with a line starting «; Commune de
// Tournus…», and «1,50» ended a line with «m» on the next.
func TestRecepisseKeepsWordsTogether(t *testing.T) {
	ws := pdfWorkspace(t)
	d := testDeclaration(zoneRect(4.9070, 46.5670, 80, 40), "A3", true)
	a := testAnalysis(t, ws, d)
	sewers := ourSewers
	sewers.Operator = "Commune de Tournus — service de l'assainissement collectif"
	a.Ours = []Ownership{ourWater, sewers}
	pdf := writtenRecepisse(t, ws, "recepisse-together.pdf", a, recepisseMeta(nil))
	lines := strings.Split(pdf.text, "\n")
	unit := regexp.MustCompile(`^\s*(m|cm|km|m²|jours|mois)\b`)
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" && strings.ContainsRune(";:»?!", []rune(l)[0]) {
			t.Errorf("line %d starts with punctuation: %q (after %q)", i+1, l, lines[i-1])
		}
		if i > 0 && regexp.MustCompile(`\d$`).MatchString(strings.TrimSpace(lines[i-1])) && unit.MatchString(l) {
			t.Errorf("line %d starts with the unit of the line before: %q / %q", i+1, lines[i-1], l)
		}
	}
	text := pdf.words()
	for _, want := range []string{
		"Pour l'exploitant Commune de Tournus — service des eaux Commune de Tournus — service de l'assainissement collectif",
		"jusqu'à 1,50 m ; classe C",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the récépissé lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(pdf.text)
	}
}

// What the cerfa 14435 asks besides: the edition date of each plan in the
// table of plans, and the offer of a meeting on site to locate our
// networks, with whom to fix it — ticked only when the answer offers it.
func TestRecepissePlanEditionAndSiteMeeting(t *testing.T) {
	ws := pdfWorkspace(t)
	d := testDeclaration(zoneRect(4.9070, 46.5670, 80, 40), "A3", true)
	a := testAnalysis(t, ws, d)
	meta := recepisseMeta(nil)
	var plans bytes.Buffer
	refs, err := WritePlans(context.Background(), &plans, testRenderer(ws), a, meta)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) == 0 || !refs[0].Edited.Equal(meta.Answered) {
		t.Fatalf("plan refs %+v: want each edited on the answer's day %v", refs, meta.Answered)
	}
	meta.Plans = refs
	for _, offered := range []bool{false, true} {
		meta.SiteMeeting = offered
		pdf := writtenRecepisse(t, ws, "recepisse-rendez-vous.pdf", a, meta)
		for i, page := range strings.Split(pdf.text, "\f") {
			if strings.Contains(page, "Plans et documents joints") && !strings.Contains(page, "Référence du plan") {
				t.Errorf("offered %v: page %d ends with the title «Plans et documents joints», its table on the next", offered, i+1)
			}
		}
		text := pdf.words()
		for _, want := range []string{"Référence du plan Échelle Format Feuille Édition", "2026120100417-P1 1:500 A3 paysage 1 / 1 06/12/2026",
			"Rendez-vous sur site proposé pour localiser nos ouvrages avant les travaux"} {
			if !strings.Contains(text, want) {
				t.Errorf("offered %v: the récépissé lacks %q\n%s", offered, want, text)
			}
		}
		fix := "avant les travaux ; pour le fixer : " + ourWater.Contact
		if strings.Contains(text, fix) != offered {
			t.Errorf("offered %v: the récépissé says %q: %v", offered, fix, !offered)
		}
	}
}
