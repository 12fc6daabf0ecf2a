package demo

import (
	"fmt"
	"strings"

	"terrimap/store/schema"
)

// The guichet unique's classes of the networks the demo's communes
// operate (classeOuvrage in the declarations).
const (
	classeEauPotable     = "CANALISATIONS_EAU_POTABLE"
	classeAssainissement = "CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT"
)

// DefaultMarginC is the margin, in metres, within which a network of
// location class C (or of unknown class) may lie in a works zone: the
// default of dtdict_ouvrages.marge_classe_c.
const DefaultMarginC = 5.0

// DefaultRecommandations are the technical recommendations printed on the
// récépissé of a DT-DICT for a drinking-water or sewer network, after the
// guide d'application de la réglementation anti-endommagement: the
// default of dtdict_ouvrages.recommandations.
const DefaultRecommandations = "Recommandations techniques de sécurité (guide d'application de la réglementation anti-endommagement) :\n" +
	"1. Avant tout terrassement, faire réaliser le marquage-piquetage au sol des ouvrages d'après les plans joints.\n" +
	"2. La position des tronçons de classe B ou C est connue avec une incertitude supérieure à 40 cm : la reconnaître par des sondages manuels avant d'approcher les ouvrages avec un engin.\n" +
	"3. À proximité des ouvrages, n'employer que des techniques adaptées (terrassement manuel ou par aspiration) ; aucun engin à godet, fonçage, forage ni brise-roche dans la zone d'incertitude de l'ouvrage.\n" +
	"4. Les branchements ne figurent pas tous sur les plans : repérer les bouches à clé, regards et compteurs en façade avant de creuser.\n" +
	"5. Respecter une distance d'au moins 0,20 m entre tout nouveau réseau et nos canalisations, en croisement comme en parallèle (norme NF P 98-332).\n" +
	"6. Ne pas manœuvrer les vannes ni déplacer les bouches à clé et tampons de regard ; les laisser accessibles pendant et après le chantier.\n" +
	"7. Au remblai, reposer un grillage avertisseur au-dessus des canalisations dégagées (bleu pour l'eau potable, marron pour l'assainissement).\n" +
	"8. Tout dommage, même léger (choc, éraflure du revêtement, fuite), doit être signalé immédiatement au numéro d'urgence indiqué ; ne jamais remblayer un ouvrage endommagé.\n" +
	"9. Si les travaux ne commencent pas dans les trois mois suivant la consultation, une nouvelle déclaration est nécessaire."

// Code lists of the DT-DICT layers.
var (
	categoriesOuvrage = []schema.CodedValue{
		{Code: "S", Label: "Sensible"},
		{Code: "NS", Label: "Non sensible"},
	}
	typesDeclaration = []schema.CodedValue{
		{Code: "DT", Label: "DT (déclaration de projet de travaux)"},
		{Code: "DICT", Label: "DICT (déclaration d'intention de commencement de travaux)"},
		{Code: "DT-DICT", Label: "DT-DICT conjointe"},
		{Code: "ATU", Label: "ATU (avis de travaux urgents)"},
	}
	statutsDeclaration = []schema.CodedValue{
		{Code: "a_traiter", Label: "À traiter"},
		{Code: "repondu", Label: "Répondu"},
		{Code: "hors_delai", Label: "Répondu hors délai"},
	}
	concernes = []schema.CodedValue{
		{Code: "O", Label: "Concerné"},
		{Code: "N", Label: "Non concerné"},
	}
)

// dtdictLayers are the two layers of DT-DICT answers: the platform's
// settings saying which networks declared at the guichet unique are ours
// (edited by admins; rows without geometry), and the register of the
// declarations received (edited by the communes' editors).
func dtdictLayers() []schema.Layer {
	return []schema.Layer{
		{
			Name:  LayerDTDictOuvrages,
			Title: "Réseaux déclarés au guichet unique",
			Description: "Réglages des réponses aux DT-DICT : pour chaque code d'ouvrage déclaré au guichet unique, " +
				"les couches du réseau, la commune où il est exploité et ce que dit le récépissé. Sans géométrie.",
			GeometryType: schema.MultiPolygon,
			Fields: []schema.Field{
				described(required(textField("code_ouvrage", "Code de l'ouvrage")), "Code de l'ouvrage au guichet unique (codeOuvrage), par exemple EAUPOT71543."),
				described(required(textField("insee", "Code INSEE")), "Commune où le réseau est exploité : seuls ses ouvrages situés sur cette commune sont recherchés."),
				described(required(textField("couches", "Couches du réseau")), "Noms des couches du réseau, séparés par des virgules (canalaep,apparaep,ouvraep)."),
				described(textField("classe", "Classe de l'ouvrage"), "Classe au guichet unique (classeOuvrage) : CANALISATIONS_EAU_POTABLE, CANALISATIONS_EAUX_USEES_OU_ASSAINISSEMENT…"),
				withDefault(codedField("categorie", "Catégorie", categoriesOuvrage), "NS"),
				textField("exploitant", "Exploitant"),
				textField("adresse", "Adresse de l'exploitant"),
				described(textField("tel_urgence", "Téléphone d'urgence"), "Numéro à appeler en cas de dommage à l'ouvrage."),
				described(textField("contact", "Contact"), "Service à joindre au sujet de la réponse : nom, téléphone, courriel."),
				described(withDefault(realField("marge_classe_c", "Marge de la classe C (m)"), DefaultMarginC),
					"Distance à la zone des travaux en deçà de laquelle un ouvrage de classe C ou de classe inconnue est réputé concerné, en mètres."),
				described(withDefault(textField("recommandations", "Recommandations techniques"), DefaultRecommandations),
					"Recommandations techniques imprimées sur le récépissé."),
			},
		},
		{
			Name:  LayerDTDict,
			Title: "Déclarations DT-DICT reçues",
			Description: "Registre des DT, DICT et ATU reçues et des réponses données. La géométrie est l'emprise des travaux, " +
				"ou le point de la commune quand l'emprise déborde du territoire ; l'emprise entière reste dans le fichier XML joint.",
			GeometryType: schema.AnyGeometry,
			Fields: []schema.Field{
				described(required(textField("numero", "Numéro de consultation")), "Numéro de la consultation au guichet unique."),
				withDefault(required(codedField("type", "Type de déclaration", typesDeclaration)), "DICT"),
				textField("declarant", "Déclarant"),
				textField("insee", "Code INSEE"),
				textField("commune", "Commune"),
				required(dateField("recu_le", "Reçue le")),
				described(dateField("echeance", "Échéance"), "Date limite de la réponse ; vide pour un ATU, à traiter sans délai."),
				withDefault(required(codedField("statut", "Statut", statutsDeclaration)), "a_traiter"),
				described(codedField("concerne", "Concerné", concernes), "Vide tant que la déclaration n'est pas analysée."),
				dateField("repondu_le", "Répondu le"),
				textField("repondu_par", "Répondu par"),
				textField("travaux", "Travaux"),
				described(textField("fichiers", "Fichiers"), "Empreintes SHA-256 des fichiers joints, séparées par des virgules : la déclaration reçue, puis la réponse."),
				described(textField("noms_fichiers", "Noms des fichiers"), "Noms des mêmes fichiers, dans le même ordre, séparés par « | »."),
			},
		},
	}
}

// dtdictOuvrages returns the rows of dtdict_ouvrages: each commune
// declares its drinking-water network (EAUPOT<INSEE>) and, when the demo
// gives it sewers, its sewer network (ASS<INSEE>) at the guichet unique.
// The rows have no geometry; the telephone numbers are in the ranges
// ARCEP keeps for fiction (03 53 01 xx xx), the e-mail domains in the
// reserved .example.
func dtdictOuvrages(communes []Commune, scale float64) []Feature {
	var out []Feature
	for i, c := range communes {
		slug := mailSlug(c.Name)
		row := func(code, couches, classe, service string, contact int) map[string]any {
			return map[string]any{
				"code_ouvrage":    code + c.INSEE,
				"insee":           c.INSEE,
				"couches":         couches,
				"classe":          classe,
				"categorie":       "NS",
				"exploitant":      fmt.Sprintf("Commune %s — %s", elided(c.Name), service),
				"adresse":         capitalised(service) + ", Place de la Mairie, " + c.Name,
				"tel_urgence":     fmt.Sprintf("03 53 01 %02d 00", i),
				"contact":         fmt.Sprintf("Secrétariat de mairie — 03 53 01 %02d %02d — mairie@%s.example", i, contact, slug),
				"marge_classe_c":  DefaultMarginC,
				"recommandations": DefaultRecommandations,
			}
		}
		props := row("EAUPOT", strings.Join([]string{LayerCanalAEP, LayerApparAEP, LayerOuvrAEP}, ","), classeEauPotable, "service des eaux", 10)
		out = append(out, Feature{ID: featureID(scale, LayerDTDictOuvrages, c.INSEE, 0), Properties: props})
		if hasSewers(c.Population) {
			props := row("ASS", strings.Join([]string{LayerCanalAss, LayerApparAss, LayerOuvrAss}, ","), classeAssainissement, "service de l'assainissement", 20)
			out = append(out, Feature{ID: featureID(scale, LayerDTDictOuvrages, c.INSEE, 1), Properties: props})
		}
	}
	return out
}

// capitalised returns s with its first letter in upper case.
func capitalised(s string) string {
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// elided returns "de Tournus", "d'Uchizy", "de La Truchère", "du Villars".
func elided(name string) string {
	if strings.ContainsRune("AEIOUYÉÈ", []rune(name)[0]) {
		return "d'" + name
	}
	return of(name)
}

// mailSlug turns a commune's name into the label of its mail domain:
// "La Chapelle-sous-Brancion" gives "la-chapelle-sous-brancion".
func mailSlug(name string) string {
	r := strings.NewReplacer("â", "a", "à", "a", "é", "e", "è", "e", "ê", "e", "ô", "o", "î", "i", "ç", "c", "'", "-", " ", "-")
	return r.Replace(strings.ToLower(name))
}
