package dtdict

import (
	"strings"
	"unicode"
)

// kindTitle names a kind of declaration as the answer writes it.
func kindTitle(k Kind) string {
	switch k {
	case KindJoint:
		return "DT-DICT conjointe"
	case KindATU:
		return "ATU"
	case KindDT, KindDICT:
		return string(k)
	}
	return "déclaration"
}

// kindLong spells out a kind of declaration.
func kindLong(k Kind) string {
	switch k {
	case KindDT:
		return "déclaration de projet de travaux (DT)"
	case KindDICT:
		return "déclaration d'intention de commencement de travaux (DICT)"
	case KindJoint:
		return "déclaration conjointe de projet et d'intention de commencement de travaux (DT-DICT)"
	case KindATU:
		return "avis de travaux urgents (ATU)"
	}
	return "déclaration de travaux"
}

// networkClasses are the one-stop shop's classes of networks
// (classeOuvrage) a commune operates, as the récépissé writes them.
var networkClasses = map[string]string{
	"CANALISATIONS_EAU_POTABLE":                  "Canalisations d'eau potable",
	"CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT": "Canalisations d'eaux usées ou d'assainissement",
	"CANALISATIONS_EAUX_PLUVIALES":               "Canalisations d'eaux pluviales",
	"ECLAIRAGE_PUBLIC":                           "Éclairage public",
	"CHAUFFAGE_CLIMATISATION":                    "Chauffage et climatisation",
}

// networkClassTitle writes a classeOuvrage in words: the known ones as the
// cerfa names them, any other with its underscores as spaces.
func networkClassTitle(class string) string {
	if t, ok := networkClasses[strings.ToUpper(strings.TrimSpace(class))]; ok {
		return t
	}
	if class == "" {
		return "non renseignée"
	}
	s := strings.ToLower(strings.ReplaceAll(class, "_", " "))
	return strings.ToUpper(s[:1]) + s[1:]
}

// categoryTitle writes a network's category: sensitive or not.
func categoryTitle(cat string) string {
	switch strings.ToUpper(strings.TrimSpace(cat)) {
	case "S":
		return "sensible (S)"
	case "NS":
		return "non sensible (NS)"
	}
	return "non renseignée"
}

// partyRoles name the roles of the parties a declaration names.
var partyRoles = map[string]string{
	"responsableDuProjet":                "responsable du projet",
	"representantDuResponsableDeProjet":  "représentant du responsable du projet",
	"executantDesTravaux":                "exécutant des travaux",
	"personneOrdonnantLesTravauxUrgents": "personne ordonnant les travaux urgents",
}

// roleTitle writes a party's role in words; "" for a role unknown.
func roleTitle(role string) string { return partyRoles[role] }

// elide joins a French article or preposition ending in a vowel ("de",
// "la") to the word after it, eliding it before a vowel: "de DT", "d'ATU",
// "la DICT", "l'ATU".
func elide(short, word string) string {
	if r := []rune(strings.ToLower(word)); len(r) > 0 && strings.ContainsRune("aeiouyéèêàâîôû", r[0]) && unicode.IsLetter(r[0]) {
		return strings.TrimSuffix(short, short[len(short)-1:]) + "'" + word
	}
	return short + " " + word
}
