package demo

import "terrimap/store/schema"

// Layer names of the demo territory. The RAEPA and PEI names are those of the
// national standards (CNIG RAEPA 1.x tables without their _l/_p suffix, the
// AFIGEO PEI exchange format); the others are Terrimap's.
const (
	LayerCommunes      = "communes"
	LayerCanalAEP      = "canalaep"
	LayerApparAEP      = "apparaep"
	LayerOuvrAEP       = "ouvraep"
	LayerCanalAss      = "canalass"
	LayerApparAss      = "apparass"
	LayerOuvrAss       = "ouvrass"
	LayerPEI           = "pei"
	LayerEclairage     = "eclairage"
	LayerBatiment      = "batiment"
	LayerZoneInondable = "zone_inondable"
	LayerInterventions = "interventions"
	LayerVoies         = "voies"
	// LayerDTDictOuvrages holds which networks declared at the guichet
	// unique are ours (settings of the DT-DICT answers, rows without
	// geometry); LayerDTDict is the register of declarations received.
	LayerDTDictOuvrages = "dtdict_ouvrages"
	LayerDTDict         = "dtdict"
)

// Code lists of CNIG RAEPA (VAL_RAEPA_*), codes and values as in the standard.
var (
	yesNo = []schema.CodedValue{{Code: "O", Label: "Oui"}, {Code: "N", Label: "Non"}}

	// VAL_RAEPA_MATERIAU
	materiaux = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Acier"},
		{Code: "02", Label: "Amiante-ciment"},
		{Code: "03", Label: "Béton âme tôle"},
		{Code: "04", Label: "Béton armé"},
		{Code: "05", Label: "Béton fibré"},
		{Code: "06", Label: "Béton non armé"},
		{Code: "07", Label: "Cuivre"},
		{Code: "08", Label: "Fibre ciment"},
		{Code: "09", Label: "Fibre de verre"},
		{Code: "10", Label: "Fibrociment"},
		{Code: "11", Label: "Fonte ductile"},
		{Code: "12", Label: "Fonte grise"},
		{Code: "13", Label: "Grès"},
		{Code: "14", Label: "Maçonné"},
		{Code: "15", Label: "Meulière"},
		{Code: "16", Label: "PEBD"},
		{Code: "17", Label: "PEHD annelé"},
		{Code: "18", Label: "PEHD lisse"},
		{Code: "19", Label: "Plomb"},
		{Code: "20", Label: "PP annelé"},
		{Code: "21", Label: "PP lisse"},
		{Code: "22", Label: "PRV A"},
		{Code: "23", Label: "PRV B"},
		{Code: "24", Label: "PVC ancien"},
		{Code: "25", Label: "PVC BO"},
		{Code: "26", Label: "PVC U annelé"},
		{Code: "27", Label: "PVC U lisse"},
		{Code: "28", Label: "Tôle galvanisée"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_MODE_CIRCULATION
	modesCirculation = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Gravitaire"},
		{Code: "02", Label: "Forcé"},
		{Code: "03", Label: "Sous-vide"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_QUALITE_GEOLOC: the precision classes of the DT-DICT decree
	// of 15 February 2012.
	qualitesGeoloc = []schema.CodedValue{
		{Code: "01", Label: "Classe A (< 40 cm)"},
		{Code: "02", Label: "Classe B (40 cm à 1,50 m)"},
		{Code: "03", Label: "Classe C (> 1,50 m)"},
	}

	// VAL_RAEPA_QUALITE_ANPOSE
	qualitesAnnee = []schema.CodedValue{
		{Code: "00", Label: "Indéterminée"},
		{Code: "01", Label: "Certaine"},
		{Code: "02", Label: "Récolement"},
		{Code: "03", Label: "Projet"},
		{Code: "04", Label: "Mémoire"},
		{Code: "05", Label: "Déduite"},
	}

	// VAL_RAEPA_CAT_CANAL_AE
	contenusAEP = []schema.CodedValue{
		{Code: "00", Label: "Indéterminée"},
		{Code: "01", Label: "Eau brute"},
		{Code: "02", Label: "Eau potable"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_FONC_CANAL_AE
	fonctionsCanalAEP = []schema.CodedValue{
		{Code: "00", Label: "Indéterminée"},
		{Code: "01", Label: "Transport"},
		{Code: "02", Label: "Distribution"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_CAT_APP_AE
	fonctionsApparAEP = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Point de branchement"},
		{Code: "02", Label: "Ventouse"},
		{Code: "03", Label: "Vanne"},
		{Code: "04", Label: "Vidange"},
		{Code: "05", Label: "Régulateur de pression"},
		{Code: "06", Label: "Hydrant"},
		{Code: "07", Label: "Compteur"},
		{Code: "08", Label: "Débitmètre"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_CAT_OUV_AE
	fonctionsOuvrAEP = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Station de pompage"},
		{Code: "02", Label: "Station de traitement"},
		{Code: "03", Label: "Réservoir"},
		{Code: "04", Label: "Chambre de comptage"},
		{Code: "05", Label: "Captage"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_TYP_RESEAU_ASS
	typesReseauAss = []schema.CodedValue{
		{Code: "01", Label: "Pluvial"},
		{Code: "02", Label: "Eaux usées"},
		{Code: "03", Label: "Unitaire"},
	}

	// VAL_RAEPA_CAT_CANAL_ASS
	contenusAss = []schema.CodedValue{
		{Code: "00", Label: "Indéterminée"},
		{Code: "01", Label: "Eaux pluviales"},
		{Code: "02", Label: "Eaux usées"},
		{Code: "03", Label: "Unitaire"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_FONC_CANAL_ASS
	fonctionsCanalAss = []schema.CodedValue{
		{Code: "00", Label: "Indéterminée"},
		{Code: "01", Label: "Transport"},
		{Code: "02", Label: "Collecte"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_CAT_APP_ASS
	fonctionsApparAss = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Point de branchement"},
		{Code: "02", Label: "Ventouse"},
		{Code: "03", Label: "Vanne"},
		{Code: "04", Label: "Débitmètre"},
		{Code: "99", Label: "Autre"},
	}

	// VAL_RAEPA_CAT_OUV_ASS
	fonctionsOuvrAss = []schema.CodedValue{
		{Code: "00", Label: "Indéterminé"},
		{Code: "01", Label: "Station de pompage"},
		{Code: "02", Label: "Station d'épuration"},
		{Code: "03", Label: "Bassin de stockage"},
		{Code: "04", Label: "Déversoir d'orage"},
		{Code: "05", Label: "Rejet"},
		{Code: "06", Label: "Regard"},
		{Code: "07", Label: "Avaloir"},
		{Code: "99", Label: "Autre"},
	}

	// Sens d'écoulement (SENSECOUL) of a sewer.
	sensEcoulement = []schema.CodedValue{
		{Code: "0", Label: "Nœud terminal → nœud initial"},
		{Code: "1", Label: "Nœud initial → nœud terminal"},
	}
)

// Code lists of the AFIGEO PEI exchange format (schema-pei 1.0).
var (
	typesPEI = []schema.CodedValue{
		{Code: "PI", Label: "Poteau d'incendie"},
		{Code: "BI", Label: "Bouche d'incendie (prise d'eau sous pression)"},
		{Code: "PA", Label: "Point d'aspiration aménagé"},
		{Code: "CI", Label: "Citerne aérienne ou enterrée"},
	}
	diametresPEI = []schema.CodedValue{
		{Code: "80", Label: "80 mm (1 prise de 65)"},
		{Code: "100", Label: "100 mm (2 prises de 65, 1 de 100)"},
		{Code: "150", Label: "150 mm (2 prises de 100)"},
	}
	sourcesPEI = []schema.CodedValue{
		{Code: "citerne", Label: "Citerne"},
		{Code: "plan_eau", Label: "Plan d'eau"},
		{Code: "piscine", Label: "Piscine"},
		{Code: "puits", Label: "Puits"},
		{Code: "cours_eau", Label: "Cours d'eau"},
		{Code: "reseau_aep", Label: "Réseau d'eau potable"},
		{Code: "reseau_irrigation", Label: "Réseau d'irrigation"},
	}
	statutsPEI = []schema.CodedValue{
		{Code: "public", Label: "Public"},
		{Code: "prive", Label: "Privé"},
	}
	precisionsPEI = []schema.CodedValue{
		{Code: "01", Label: "0 à 1 m"},
		{Code: "05", Label: "1 à 5 m"},
		{Code: "10", Label: "5 à 10 m"},
		{Code: "99", Label: "Plus de 10 m"},
	}
)

// Code lists of Terrimap's own layers.
var (
	typesVoie = []schema.CodedValue{
		{Code: "route", Label: "Route"},
		{Code: "rue", Label: "Rue"},
		{Code: "ruelle", Label: "Ruelle, impasse"},
	}
	typesLampe = []schema.CodedValue{
		{Code: "led", Label: "LED"},
		{Code: "sodium_hp", Label: "Sodium haute pression"},
		{Code: "iodures", Label: "Iodures métalliques"},
		{Code: "mercure", Label: "Ballon fluorescent (mercure)"},
	}
	etatsEquipement = []schema.CodedValue{
		{Code: "bon", Label: "Bon"},
		{Code: "moyen", Label: "Moyen"},
		{Code: "mauvais", Label: "Mauvais"},
		{Code: "hors_service", Label: "Hors service"},
	}
	usagesBatiment = []schema.CodedValue{
		{Code: "mairie", Label: "Mairie"},
		{Code: "ecole", Label: "École"},
		{Code: "salle_fetes", Label: "Salle des fêtes"},
		{Code: "eglise", Label: "Église"},
		{Code: "atelier", Label: "Atelier municipal"},
		{Code: "gymnase", Label: "Gymnase"},
		{Code: "bibliotheque", Label: "Bibliothèque, médiathèque"},
		{Code: "autre", Label: "Autre"},
	}
	aleas = []schema.CodedValue{
		{Code: "faible", Label: "Faible"},
		{Code: "moyen", Label: "Moyen"},
		{Code: "fort", Label: "Fort"},
	}
	typesIntervention = []schema.CodedValue{
		{Code: "controle", Label: "Contrôle"},
		{Code: "entretien", Label: "Entretien"},
		{Code: "reparation", Label: "Réparation"},
		{Code: "remplacement", Label: "Remplacement"},
		{Code: "pose", Label: "Pose"},
		{Code: "curage", Label: "Curage"},
		{Code: "rehabilitation", Label: "Réhabilitation"},
		{Code: "autre", Label: "Autre"},
	}
	statutsIntervention = []schema.CodedValue{
		{Code: "planifiee", Label: "Planifiée"},
		{Code: "en_cours", Label: "En cours"},
		{Code: "terminee", Label: "Terminée"},
	}
)

// equipmentLayers are the layers an intervention may be made on, with their
// titles: the domain of interventions.equipement_couche.
var equipmentLayers = []schema.CodedValue{
	{Code: LayerCanalAEP, Label: "Canalisation d'eau potable"},
	{Code: LayerApparAEP, Label: "Appareillage d'eau potable"},
	{Code: LayerOuvrAEP, Label: "Ouvrage d'eau potable"},
	{Code: LayerCanalAss, Label: "Canalisation d'assainissement"},
	{Code: LayerApparAss, Label: "Appareillage d'assainissement"},
	{Code: LayerOuvrAss, Label: "Ouvrage d'assainissement"},
	{Code: LayerPEI, Label: "Point d'eau incendie"},
	{Code: LayerEclairage, Label: "Point lumineux"},
	{Code: LayerBatiment, Label: "Bâtiment communal"},
}

// Shared field constructors keep the RAEPA tables consistent.
func textField(name, title string) schema.Field {
	return schema.Field{Name: name, Title: title, Type: schema.Text}
}

func codedField(name, title string, domain []schema.CodedValue) schema.Field {
	return schema.Field{Name: name, Title: title, Type: schema.Text, Domain: domain}
}

func intField(name, title string) schema.Field {
	return schema.Field{Name: name, Title: title, Type: schema.Integer}
}

func realField(name, title string) schema.Field {
	return schema.Field{Name: name, Title: title, Type: schema.Real}
}

func dateField(name, title string) schema.Field {
	return schema.Field{Name: name, Title: title, Type: schema.Date}
}

func required(f schema.Field) schema.Field { f.Required = true; return f }

func withDefault(f schema.Field, v any) schema.Field { f.Default = v; return f }

func described(f schema.Field, d string) schema.Field { f.Description = d; return f }

// raepaManagement are the RAEPA fields that open every table: owner and
// operator of the network.
func raepaManagement() []schema.Field {
	return []schema.Field{
		withDefault(required(textField("mouvrage", "Maître d'ouvrage")), mouvrage),
		withDefault(required(textField("gexploit", "Gestionnaire exploitant")), gexploit),
	}
}

// raepaMetadata are the RAEPA fields that close every table: precision
// classes and the provenance of the data.
func raepaMetadata() []schema.Field {
	return []schema.Field{
		withDefault(required(codedField("qualglocxy", "Qualité de géolocalisation (XY)", qualitesGeoloc)), "03"),
		withDefault(required(codedField("qualglocz", "Qualité de géolocalisation (Z)", qualitesGeoloc)), "03"),
		required(dateField("datemaj", "Date de mise à jour")),
		withDefault(required(textField("sourmaj", "Source de la mise à jour")), sourceMaj),
		withDefault(codedField("qualannee", "Fiabilité de l'année de pose", qualitesAnnee), "00"),
		dateField("dategeoloc", "Date de géolocalisation"),
		textField("sourgeoloc", "Auteur de la géolocalisation"),
		textField("sourattrib", "Auteur de la saisie attributaire"),
	}
}

func raepaPeriod() (debut, fin schema.Field) {
	return described(intField("andebpose", "Année de début de pose"), "Année marquant le début de la période de pose."),
		described(intField("anfinpose", "Année de fin de pose"), "Année marquant la fin de la période de pose ; égale au début quand l'année est connue.")
}

func concat(parts ...[]schema.Field) []schema.Field {
	var out []schema.Field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Layers returns the schemas of the demo territory's layers, in the order
// Generate streams them: communes, then the drinking-water network (RAEPA
// canalaep, apparaep, ouvraep), the sewer network (canalass, apparass,
// ouvrass), fire hydrants (AFIGEO PEI), street lights, municipal buildings,
// interventions, the flood zones, and last the two layers of the DT-DICT
// answers (dtdict_ouvrages, whose rows Generate streams at the very end,
// and the register dtdict, empty in the demo). Every call returns fresh
// values that the caller may change.
func Layers() []schema.Layer {
	debut, fin := raepaPeriod()
	return append([]schema.Layer{
		{
			Name:         LayerCommunes,
			Title:        "Communes",
			Description:  "Les 24 communes de la Communauté de communes du Mâconnais-Tournugeois (IGN Admin Express COG 2018, Licence Ouverte ; populations DGCL/INSEE 2026).",
			GeometryType: schema.MultiPolygon,
			ReadOnly:     true,
			Fields: []schema.Field{
				required(textField("insee", "Code INSEE")),
				textField("nom", "Nom (COG 2018)"),
				required(textField("nom_officiel", "Nom officiel")),
				described(intField("population", "Population municipale"), "Population municipale en vigueur en 2026 (INSEE)."),
			},
		},
		{
			Name:         LayerCanalAEP,
			Title:        "Canalisations d'eau potable",
			Description:  "Tronçons du réseau d'adduction d'eau potable (géostandard CNIG RAEPA, table RAEPA_CANALAEP_L).",
			GeometryType: schema.LineString,
			Fields: concat(
				[]schema.Field{required(textField("idcana", "Identifiant de la canalisation"))},
				raepaManagement(),
				[]schema.Field{
					withDefault(required(codedField("enservice", "En service", yesNo)), "O"),
					described(withDefault(required(codedField("branchemnt", "Canalisation de branchement", yesNo)), "N"),
						"O : branchement individuel ; N : canalisation de transport ou de distribution."),
					withDefault(required(codedField("materiau", "Matériau", materiaux)), "00"),
					described(intField("diametre", "Diamètre nominal (mm)"), "Diamètre nominal de la canalisation, en millimètres."),
					fin,
					withDefault(required(codedField("modecirc", "Mode de circulation", modesCirculation)), "02"),
					withDefault(required(codedField("contcanaep", "Catégorie (eau véhiculée)", contenusAEP)), "02"),
					withDefault(required(codedField("fonccanaep", "Fonction dans le réseau", fonctionsCanalAEP)), "02"),
					textField("idnini", "Nœud initial"),
					textField("idnterm", "Nœud terminal"),
					textField("idcanppale", "Canalisation principale"),
					described(realField("profgen", "Profondeur de la génératrice (m)"), "Profondeur moyenne de la génératrice supérieure, en mètres."),
					debut,
					described(intField("longcana", "Longueur mesurée (m)"), "Longueur mesurée de la canalisation, en mètres."),
					intField("nbranche", "Nombre de branchements"),
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerApparAEP,
			Title:        "Appareillages d'eau potable",
			Description:  "Vannes, ventouses, vidanges, compteurs… du réseau d'eau potable (RAEPA_APPARAEP_P).",
			GeometryType: schema.Point,
			Fields: concat(
				[]schema.Field{required(textField("idappareil", "Identifiant de l'appareillage"))},
				raepaManagement(),
				[]schema.Field{
					withDefault(required(codedField("fnappaep", "Fonction de l'appareillage", fonctionsApparAEP)), "03"),
					intField("diametre", "Diamètre nominal (mm)"),
					fin,
					textField("idcanamont", "Canalisations amont"),
					textField("idcanaval", "Canalisations aval"),
					textField("idcanppale", "Canalisation principale"),
					textField("idouvrage", "Ouvrage d'accueil"),
					described(realField("z", "Altitude (m NGF)"), "Altitude en mètres, référentiel NGF-IGN69."),
					debut,
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerOuvrAEP,
			Title:        "Ouvrages d'eau potable",
			Description:  "Captages, stations, réservoirs, chambres de comptage (RAEPA_OUVRAEP_P).",
			GeometryType: schema.Point,
			Fields: concat(
				[]schema.Field{required(textField("idouvrage", "Identifiant de l'ouvrage"))},
				raepaManagement(),
				[]schema.Field{
					required(codedField("fnouvaep", "Fonction de l'ouvrage", fonctionsOuvrAEP)),
					textField("libelle", "Nom de l'ouvrage"),
					fin,
					textField("idcanamont", "Canalisations amont"),
					textField("idcanaval", "Canalisations aval"),
					textField("idcanppale", "Canalisation principale"),
					described(realField("z", "Altitude (m NGF)"), "Altitude en mètres, référentiel NGF-IGN69."),
					debut,
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerCanalAss,
			Title:        "Canalisations d'assainissement",
			Description:  "Collecteurs d'assainissement collectif, de regard à regard (RAEPA_CANALASS_L).",
			GeometryType: schema.LineString,
			Fields: concat(
				[]schema.Field{required(textField("idcana", "Identifiant de la canalisation"))},
				raepaManagement(),
				[]schema.Field{
					withDefault(required(codedField("enservice", "En service", yesNo)), "O"),
					withDefault(required(codedField("branchemnt", "Canalisation de branchement", yesNo)), "N"),
					withDefault(required(codedField("typreseau", "Type de réseau", typesReseauAss)), "02"),
					withDefault(required(codedField("materiau", "Matériau", materiaux)), "00"),
					intField("diametre", "Diamètre nominal (mm)"),
					fin,
					withDefault(required(codedField("modecirc", "Mode de circulation", modesCirculation)), "01"),
					withDefault(required(codedField("contcanass", "Catégorie (eaux véhiculées)", contenusAss)), "02"),
					withDefault(required(codedField("fonccanass", "Fonction dans le réseau", fonctionsCanalAss)), "02"),
					textField("idnini", "Nœud initial"),
					textField("idnterm", "Nœud terminal"),
					textField("idcanppale", "Canalisation principale"),
					described(realField("zamont", "Altitude du fil d'eau amont (m NGF)"), "Altitude à l'extrémité amont, en mètres, référentiel NGF-IGN69."),
					described(realField("zaval", "Altitude du fil d'eau aval (m NGF)"), "Altitude à l'extrémité aval, en mètres, référentiel NGF-IGN69."),
					codedField("sensecoul", "Sens d'écoulement", sensEcoulement),
					debut,
					intField("longcana", "Longueur mesurée (m)"),
					intField("nbranche", "Nombre de branchements"),
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerApparAss,
			Title:        "Appareillages d'assainissement",
			Description:  "Vannes, ventouses, débitmètres du réseau d'assainissement (RAEPA_APPARASS_P).",
			GeometryType: schema.Point,
			Fields: concat(
				[]schema.Field{required(textField("idappareil", "Identifiant de l'appareillage"))},
				raepaManagement(),
				[]schema.Field{
					withDefault(required(codedField("typreseau", "Type de réseau", typesReseauAss)), "02"),
					required(codedField("fnappass", "Fonction de l'appareillage", fonctionsApparAss)),
					intField("diametre", "Diamètre nominal (mm)"),
					fin,
					textField("idcanamont", "Canalisations amont"),
					textField("idcanaval", "Canalisations aval"),
					textField("idcanppale", "Canalisation principale"),
					textField("idouvrage", "Ouvrage d'accueil"),
					realField("z", "Altitude (m NGF)"),
					debut,
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerOuvrAss,
			Title:        "Ouvrages d'assainissement",
			Description:  "Regards, avaloirs, postes de refoulement, déversoirs, stations d'épuration (RAEPA_OUVRASS_P).",
			GeometryType: schema.Point,
			Fields: concat(
				[]schema.Field{required(textField("idouvrage", "Identifiant de l'ouvrage"))},
				raepaManagement(),
				[]schema.Field{
					withDefault(required(codedField("typreseau", "Type de réseau", typesReseauAss)), "02"),
					withDefault(required(codedField("fnouvass", "Fonction de l'ouvrage", fonctionsOuvrAss)), "06"),
					textField("libelle", "Nom de l'ouvrage"),
					fin,
					textField("idcanamont", "Canalisations amont"),
					textField("idcanaval", "Canalisations aval"),
					textField("idcanppale", "Canalisation principale"),
					described(realField("z", "Altitude du tampon (m NGF)"), "Altitude en mètres, référentiel NGF-IGN69."),
					debut,
				},
				raepaMetadata(),
			),
		},
		{
			Name:         LayerPEI,
			Title:        "Points d'eau incendie",
			Description:  "Poteaux, bouches, points d'aspiration et citernes de la défense extérieure contre l'incendie (format d'échange PEI de l'AFIGEO).",
			GeometryType: schema.Point,
			Fields: []schema.Field{
				required(textField("insee", "Code INSEE")),
				textField("id_sdis", "Identifiant SDIS"),
				textField("id_gestion", "Identifiant gestionnaire"),
				textField("nom_gest", "Gestionnaire"),
				textField("ref_terr", "Numéro sur le terrain"),
				withDefault(required(codedField("type_pei", "Type de PEI", typesPEI)), "PI"),
				described(required(textField("type_rd", "Type (règlement départemental)")), "Type du point d'eau selon le règlement départemental de DECI."),
				withDefault(schema.Field{Name: "diam_pei", Title: "Diamètre du PEI (mm)", Type: schema.Real, Domain: diametresPEI}, 100),
				realField("diam_cana", "Diamètre de la canalisation (mm)"),
				withDefault(codedField("source_pei", "Source", sourcesPEI), "reseau_aep"),
				withDefault(codedField("statut", "Statut", statutsPEI), "public"),
				textField("nom_etab", "Établissement propriétaire"),
				textField("situation", "Situation"),
				described(realField("press_dyn", "Pression dynamique (bar)"), "Pression dynamique au débit nominal, en bars."),
				realField("press_stat", "Pression statique (bar)"),
				described(realField("debit", "Débit (m³/h)"), "Débit mesuré sous 1 bar, en m³/h."),
				described(realField("volume", "Volume (m³)"), "Capacité utile de la réserve ; vide pour une source inépuisable."),
				withDefault(schema.Field{Name: "disponible", Title: "Disponible", Type: schema.Boolean}, true),
				dateField("date_dispo", "Date du dernier changement de disponibilité"),
				dateField("date_mes", "Date de mise en service"),
				dateField("date_maj", "Date de mise à jour"),
				dateField("date_ct", "Date du dernier contrôle technique"),
				dateField("date_ro", "Date de la dernière reconnaissance opérationnelle"),
				codedField("prec", "Précision de la localisation", precisionsPEI),
			},
		},
		{
			Name:         LayerEclairage,
			Title:        "Éclairage public",
			Description:  "Points lumineux de l'éclairage public.",
			GeometryType: schema.Point,
			Fields: []schema.Field{
				required(textField("numero", "Numéro du point lumineux")),
				textField("voie", "Voie"),
				withDefault(required(codedField("type_lampe", "Type de lampe", typesLampe)), "led"),
				described(intField("puissance", "Puissance (W)"), "Puissance de la lampe, en watts."),
				described(realField("hauteur", "Hauteur de feu (m)"), "Hauteur du foyer au-dessus du sol, en mètres."),
				dateField("date_pose", "Date de pose"),
				withDefault(required(codedField("etat", "État", etatsEquipement)), "bon"),
				textField("armoire", "Armoire de commande"),
			},
		},
		{
			Name:  LayerVoies,
			Title: "Voies (générées)",
			Description: "Rues et routes du plan de la plateforme, tracées le long des conduites d'eau générées " +
				"(les conduites sont posées sous les voies) : ce ne sont pas les voies réelles (données de démonstration).",
			GeometryType: schema.LineString,
			Fields: []schema.Field{
				textField("nom", "Nom de la voie"),
				codedField("type_voie", "Type de voie", typesVoie),
			},
		},
		{
			Name:         LayerBatiment,
			Title:        "Bâtiments communaux",
			Description:  "Bâtiments et équipements municipaux.",
			GeometryType: schema.Polygon,
			Fields: []schema.Field{
				required(textField("nom", "Nom")),
				withDefault(required(codedField("usage", "Usage", usagesBatiment)), "autre"),
				textField("adresse", "Adresse"),
				intField("annee_constr", "Année de construction"),
				described(realField("surface", "Surface au sol (m²)"), "Emprise au sol, en mètres carrés."),
			},
		},
		{
			Name:         LayerInterventions,
			Title:        "Interventions",
			Description:  "Interventions de maintenance sur les équipements : contrôles, entretiens, réparations… Le point est placé sur l'équipement.",
			GeometryType: schema.Point,
			Fields: []schema.Field{
				described(required(textField("equipement_uuid", "Équipement")), "Identifiant (UUID) de l'équipement concerné."),
				required(codedField("equipement_couche", "Couche de l'équipement", equipmentLayers)),
				required(dateField("date", "Date")),
				withDefault(required(codedField("type", "Type d'intervention", typesIntervention)), "controle"),
				withDefault(required(codedField("statut", "Statut", statutsIntervention)), "planifiee"),
				textField("agent", "Agent"),
				textField("notes", "Notes"),
				described(textField("photos", "Photos"), "Empreintes SHA-256 des photos jointes, séparées par des virgules."),
			},
		},
		{
			Name:         LayerZoneInondable,
			Title:        "Zones inondables",
			Description:  "Zones inondables de la Saône par classe d'aléa (données de démonstration, non réglementaires).",
			GeometryType: schema.MultiPolygon,
			Fields: []schema.Field{
				required(codedField("alea", "Aléa", aleas)),
				withDefault(required(textField("source", "Source")), sourcePPRI),
				textField("cours_eau", "Cours d'eau"),
			},
		},
	}, append(dtdictLayers(), icgpLayers()...)...)
}

// Values the generated data shares with the schema defaults.
const (
	mouvrage   = "CC du Mâconnais-Tournugeois"
	gexploit   = "Régie des eaux du Mâconnais-Tournugeois"
	sourceMaj  = "SIG CCMT"
	sourcePPRI = "PPRI Saône (démonstration)"
)
