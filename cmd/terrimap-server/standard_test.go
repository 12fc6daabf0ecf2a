package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A real platform publishes the layers the DT-DICT answers need, empty,
// once, and fills its table of networks from a CSV without geometry.
func TestAddStandardAndSettingsCSV(t *testing.T) { forEachStorage(t, testAddStandard) }

func testAddStandard(t *testing.T, db string) {
	if code, _, errs := runCmd(t, "", "layer", "add-standard", "--db", db, "--standard", "gaz"); code != 2 || !strings.Contains(errs, "dtdict or icgp") {
		t.Errorf("an unknown standard: exit %d: %s", code, errs)
	}
	code, out, errs := runCmd(t, "", "layer", "add-standard", "--db", db, "--standard", "dtdict")
	if code != 0 || strings.Count(out, "published, empty") != 2 {
		t.Fatalf("add-standard dtdict: exit %d: %s%s", code, out, errs)
	}
	if got := layerCount(t, db, "dtdict_ouvrages"); got != "0" {
		t.Errorf("dtdict_ouvrages holds %s features, want 0", got)
	}
	if code, out, _ := runCmd(t, "", "layer", "add-standard", "--db", db, "--standard", "dtdict"); code != 0 || strings.Count(out, "already published") != 2 {
		t.Errorf("add-standard again: exit %d: %s", code, out)
	}
	csv := filepath.Join(t.TempDir(), "reseaux.csv")
	data := "code_ouvrage,insee,couches,classe,categorie,exploitant,tel_urgence,marge_classe_c\n" +
		"EAUPOT71543,71543,\"canalaep,apparaep,ouvraep\",CANALISATIONS_EAU_POTABLE,NS,Commune de Tournus,03 53 01 18 00,5\n"
	if err := os.WriteFile(csv, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "", "import", "--db", db, "--layer", "dtdict_ouvrages", csv)
	if code == 0 || !strings.Contains(errs, "--attributes-only") {
		t.Errorf("a CSV without coordinates, no flag: exit %d: %s — want a refusal naming --attributes-only", code, errs)
	}
	if got := layerCount(t, db, "dtdict_ouvrages"); got != "0" {
		t.Errorf("after the refusal dtdict_ouvrages holds %s features", got)
	}
	if code, out, errs := runCmd(t, "", "import", "--db", db, "--layer", "dtdict_ouvrages", "--attributes-only", csv); code != 0 {
		t.Fatalf("import --attributes-only: exit %d: %s%s", code, out, errs)
	}
	if got := layerCount(t, db, "dtdict_ouvrages"); got != "1" {
		t.Errorf("dtdict_ouvrages holds %s features, want 1", got)
	}
}
