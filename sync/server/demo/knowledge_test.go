package demo

import (
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// lengthOf is a generated line's length in metres, on the demo's frame.
func lengthOf(w *world, g orb.Geometry) float64 {
	ls, _ := g.(orb.LineString)
	total := 0.0
	for i := 1; i < len(ls); i++ {
		total += dist(w.fr.local(ls[i-1]), w.fr.local(ls[i]))
	}
	return total
}

// TestKnowledgeGaps checks the gaps of each commune's records, by length
// of mains: material or diameter unknown on 5–15 %, the laying period on
// 20–40 %, the sewers' altimetry on 10–45 % (with some slack for the
// smallest networks, whose few pipes cannot meet a share exactly), and
// that the rates differ from one commune to the next.
func TestKnowledgeGaps(t *testing.T) {
	g := atScale1(t)
	w, err := newWorld()
	if err != nil {
		t.Fatal(err)
	}
	type shares struct{ total, material, date, total2, alt float64 }
	per := map[string]*shares{}
	insee := ""
	for i, f := range g.features {
		p := f.Properties
		switch g.layers[i] {
		case LayerCommunes:
			insee = p["insee"].(string)
			per[insee] = &shares{}
		case LayerCanalAEP:
			if p["branchemnt"] != "N" {
				continue
			}
			s, l := per[insee], lengthOf(w, f.Geometry)
			s.total += l
			if _, ok := p["diametre"]; !ok || p["materiau"] == "00" {
				s.material += l
			}
			if _, ok := p["andebpose"]; !ok {
				s.date += l
				if _, ok := p["anfinpose"]; ok {
					t.Errorf("%s: andebpose gone but anfinpose kept", f.ID)
				}
			}
		case LayerCanalAss:
			s, l := per[insee], lengthOf(w, f.Geometry)
			s.total2 += l
			_, up := p["zamont"]
			_, down := p["zaval"]
			if !up || !down {
				s.alt += l
			}
		}
	}
	seen := map[int]bool{}
	for code, s := range per {
		slack := 0.03
		if s.total < 5000 {
			slack = 0.06
		}
		m, d := s.material/s.total, s.date/s.total
		t.Logf("%s: %.0f m of mains, material or diameter unknown %.1f %%, date unknown %.1f %%; %.0f m of sewers, altimetry unknown %.1f %%",
			code, s.total, 100*m, 100*d, s.total2, 100*s.alt/max(1, s.total2))
		if m < 0.05-slack || m > 0.15+slack {
			t.Errorf("%s: material or diameter unknown on %.1f %% of the mains", code, 100*m)
		}
		if d < 0.20-slack || d > 0.40+slack {
			t.Errorf("%s: laying date unknown on %.1f %% of the mains", code, 100*d)
		}
		if s.total2 > 0 {
			if a := s.alt / s.total2; a < 0.10-slack || a > 0.45+slack {
				t.Errorf("%s: altimetry unknown on %.1f %% of the sewers", code, 100*a)
			}
		}
		seen[int(1000*d)] = true
	}
	if len(seen) < 10 {
		t.Errorf("the date's gaps take %d values over 24 communes: they should vary by commune", len(seen))
	}
}

// TestRenewalLog checks that the pipes renewed in the last five years
// have their works in the interventions log, finished and dated in that
// year, and that some old sewers were rehabilitated.
func TestRenewalLog(t *testing.T) {
	g := atScale1(t)
	pipes := map[string]Feature{}
	byType := map[string]int{}
	for i, f := range g.features {
		switch g.layers[i] {
		case LayerCanalAEP, LayerCanalAss:
			pipes[f.ID] = f
		case LayerInterventions:
			p := f.Properties
			typ := p["type"].(string)
			if typ != "remplacement" && typ != "rehabilitation" {
				continue
			}
			pipe, ok := pipes[p["equipement_uuid"].(string)]
			if !ok || !strings.Contains(p["notes"].(string), "programme de travaux") {
				continue // a valve or a meter replaced, or one of the handful of the year's interventions
			}
			byType[typ]++
			date := p["date"].(string)
			if p["statut"] != "terminee" || date >= DefaultToday.Format(dateLayout) || date < "2021" {
				t.Errorf("%s: %s %s on %s", f.ID, typ, p["statut"], date)
			}
			if y, ok := pipe.Properties["andebpose"].(int64); typ == "remplacement" && ok && date[:4] != strconv.Itoa(int(y)) {
				t.Errorf("%s: renewed on %s, laid in %d", pipe.ID, date, y)
			}
		}
	}
	t.Logf("renewals logged: %v", byType)
	if byType["remplacement"] < 20 || byType["rehabilitation"] < 3 {
		t.Errorf("renewals logged: %v", byType)
	}
}
