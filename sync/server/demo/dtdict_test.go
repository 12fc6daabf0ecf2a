package demo

import (
	"strings"
	"testing"
)

// Every commune declares its drinking water at the guichet unique, and its
// sewers exactly when the demo gives it some; each row names layers the
// demo has, and comes last in the stream.
func TestDTDictOuvrages(t *testing.T) {
	g := atScale1(t)
	layers := layerByName(t)
	cs, err := Communes()
	if err != nil {
		t.Fatal(err)
	}
	sewers := map[string]bool{} // INSEE codes with canalass features
	starts := append(byCommune(g), len(g.features))
	for ci := 0; ci+1 < len(starts); ci++ {
		for i := starts[ci]; i < starts[ci+1]; i++ {
			if g.layers[i] == LayerCanalAss {
				sewers[cs[ci].INSEE] = true
			}
		}
	}
	rows := map[string]map[string]any{}
	phones := map[string]string{} // emergency number → INSEE code
	first := -1
	for i, f := range g.features {
		if g.layers[i] != LayerDTDictOuvrages {
			if first >= 0 {
				t.Fatalf("%s feature %s after the dtdict_ouvrages rows", g.layers[i], f.ID)
			}
			continue
		}
		if first < 0 {
			first = i
		}
		code := f.Properties["code_ouvrage"].(string)
		if rows[code] != nil {
			t.Errorf("code %s declared twice", code)
		}
		rows[code] = f.Properties
		for _, name := range strings.Split(f.Properties["couches"].(string), ",") {
			if layers[name] == nil {
				t.Errorf("%s names layer %q, which the demo does not have", code, name)
			}
		}
		// A commune's networks share its emergency number; no two communes do.
		tel, insee := f.Properties["tel_urgence"].(string), f.Properties["insee"].(string)
		if other := phones[tel]; other != "" && other != insee {
			t.Errorf("%s and %s share the emergency number %s", other, insee, tel)
		}
		phones[tel] = insee
	}
	for _, c := range cs {
		water := rows["EAUPOT"+c.INSEE]
		if water == nil || water["insee"] != c.INSEE || water["couches"] != "canalaep,apparaep,ouvraep" ||
			water["classe"] != "CANALISATIONS_EAU_POTABLE" || water["categorie"] != "NS" || water["marge_classe_c"] != 5.0 {
			t.Errorf("%s: EAUPOT row %v", c.Name, water)
		}
		sewer := rows["ASS"+c.INSEE]
		if (sewer != nil) != sewers[c.INSEE] {
			t.Errorf("%s: ASS row %v, sewers in the demo %v", c.Name, sewer != nil, sewers[c.INSEE])
		}
		if sewer != nil && (sewer["couches"] != "canalass,apparass,ouvrass" || sewer["classe"] != "CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT") {
			t.Errorf("%s: ASS row %v", c.Name, sewer)
		}
	}
	if len(rows) != 43 {
		t.Errorf("%d networks declared, want 24 water and 19 sewer", len(rows))
	}
	for code, want := range map[string]string{
		"EAUPOT71543": "Commune de Tournus — service des eaux",
		"ASS71550":    "Commune d'Uchizy — service de l'assainissement",
		"EAUPOT71549": "Commune de La Truchère — service des eaux",
		"EAUPOT71576": "Commune du Villars — service des eaux",
	} {
		if got := rows[code]["exploitant"]; got != want {
			t.Errorf("%s: operator %q, want %q", code, got, want)
		}
	}
	if got := rows["ASS71550"]["adresse"]; got != "Service de l'assainissement, Place de la Mairie, Uchizy" {
		t.Errorf("Uchizy's sewer service address %q", got)
	}
	if got := rows["EAUPOT71066"]["contact"]; got != "Secrétariat de mairie — 03 53 01 01 10 — mairie@burgy.example" {
		t.Errorf("Burgy's contact %q", got)
	}
	if got := rows["EAUPOT71094"]["contact"].(string); !strings.HasSuffix(got, "mairie@la-chapelle-sous-brancion.example") {
		t.Errorf("La Chapelle-sous-Brancion's contact %q", got)
	}
}
