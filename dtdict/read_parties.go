package dtdict

import (
	"regexp"
	"strings"
)

// declarantRoles lists, for each kind, the elements naming who declares,
// in the order the récépissé's addressee is chosen: the first one with a
// name. For a joint declaration the DT's part comes first.
var declarantRoles = map[Kind][]string{
	KindDT:    {"representantDuResponsableDeProjet", "responsableDuProjet"},
	KindDICT:  {"executantDesTravaux", "representantDuResponsableDeProjet", "responsableDuProjet"},
	KindJoint: {"representantDuResponsableDeProjet", "responsableDuProjet", "executantDesTravaux"},
	KindATU:   {"personneOrdonnantLesTravauxUrgents", "executantDesTravaux"},
}

// parties returns the declarant (the first party of the kind's roles with
// a name) and the other parties named, in the order of the roles.
func (rd reader) parties(k Kind, parts []*node) (Party, []Party, error) {
	roles := declarantRoles[k]
	var named []Party
	present := ""
	for _, role := range roles {
		for _, p := range parts {
			n := p.child(rd.ns, role)
			if n == nil {
				continue
			}
			present = role
			if party := rd.party(n); party.Name != "" {
				named = append(named, party)
			}
		}
	}
	if len(named) == 0 {
		if present != "" {
			return Party{}, nil, malformed(present, "L'élément « %s » ne donne aucun nom (« denomination » ou « nom ») : Terrimap ne sait pas à qui répondre.", present)
		}
		return Party{}, nil, missing(roles[0], parts[0].name.Local)
	}
	return named[0], named[1:], nil
}

// party reads a party element: a company (denomination) or a person (nom,
// prenom, plain or as the INSEE schema's NomFamille and Prenom).
func (rd reader) party(n *node) Party {
	person := joinNonEmpty(" ", rd.personName(n, "prenom", "Prenom"), rd.personName(n, "nom", "NomFamille"))
	p := Party{
		Role:    n.name.Local,
		Name:    rd.text(n, "denomination"),
		Contact: firstNonEmpty(rd.text(n, "personneAcontacter"), rd.text(n, "personneAContacter")),
		Phone:   firstNonEmpty(rd.text(n, "tel"), rd.text(n, "telephone")),
		Email:   rd.text(n, "courriel"),
	}
	switch {
	case p.Name == "":
		p.Name = person
	case p.Contact == "":
		p.Contact = person
	}
	street := joinNonEmpty(" ", rd.text(n, "numero"), rd.text(n, "voie"))
	town := joinNonEmpty(" ", rd.text(n, "codePostal"), rd.text(n, "commune"))
	p.Address = joinNonEmpty(", ", street, rd.text(n, "complement"), rd.text(n, "lieuDitBP"), town)
	return p
}

// personName returns the text of n's child local, or of the INSEE
// schema's element inseeLocal inside it.
func (rd reader) personName(n *node, local, inseeLocal string) string {
	k := n.child(rd.ns, local)
	if k == nil {
		return ""
	}
	if in := k.child(nsINSEE, inseeLocal); in != nil {
		return in.text
	}
	return k.text
}

// placeElements are the elements a place may come in: the DT names the
// project's place, the DICT and the ATU the works'.
var placeElements = []string{"emplacementDuProjet", "emplacementDesTravaux"}

// inseePattern is a commune's INSEE code (2A and 2B for Corsica).
var inseePattern = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)

// place reads where the works are; its codeINSEE is required.
func (rd reader) place(k Kind, parts []*node) (Place, error) {
	var n *node
	for _, local := range placeElements {
		if n = rd.first(parts, local); n != nil {
			break
		}
	}
	if n == nil {
		expected := "emplacementDesTravaux"
		if k == KindDT || k == KindJoint {
			expected = "emplacementDuProjet"
		}
		return Place{}, missing(expected, parts[0].name.Local)
	}
	code := n.child(rd.ns, "codeINSEE")
	if code == nil {
		return Place{}, missing("codeINSEE", n.name.Local)
	}
	if !inseePattern.MatchString(code.text) {
		return Place{}, invalid("codeINSEE", code.text, "un code INSEE de commune (5 caractères)")
	}
	commune := firstNonEmpty(rd.text(n, "communePrincipale"), rd.text(n, "commune"))
	postcode := firstNonEmpty(rd.text(n, "CP"), rd.text(n, "codePostal"))
	return Place{
		Address: joinNonEmpty(", ", strings.TrimRight(rd.text(n, "adresse"), ", "), joinNonEmpty(" ", postcode, commune)),
		INSEE:   code.text,
		Commune: commune,
	}, nil
}
