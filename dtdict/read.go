package dtdict

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Read reads a declaration in the one-stop shop's XML exchange format
// (schema-teleservice 2.2, or 2.1): a DT, a DICT, a joint DT-DICT or an ATU,
// with its declarant, place, works, wishes, the networks consulted and the
// works zone. Elements are found by namespace and local name, whatever
// prefixes the sender chose.
//
// Reading is all or nothing: anything missing or malformed returns a
// *FormatError (wrapping ErrMalformed, or ErrNotDeclaration for a file
// that is not a declaration) whose French message names the element, and
// no declaration. Files larger than MaxDeclarationSize are refused.
func Read(r io.Reader) (*Declaration, error) {
	d, _, err := ReadWithData(r)
	return d, err
}

// ReadWithData is Read that also returns the file's bytes, which the
// register keeps with the entry.
func ReadWithData(r io.Reader) (*Declaration, []byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDeclarationSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("dtdict: read: %w", err)
	}
	if len(data) > MaxDeclarationSize {
		return nil, nil, malformed("", "Le fichier dépasse %d Mio : ce n'est pas une déclaration du guichet unique.", MaxDeclarationSize>>20)
	}
	root, err := readTree(data)
	if err != nil {
		return nil, nil, err
	}
	d, err := decode(root)
	if err != nil {
		return nil, nil, err
	}
	return d, data, nil
}

// kindElements maps the elements under dossierConsultation to the kinds
// they declare.
var kindElements = []struct {
	local string
	kind  Kind
}{
	{"DT", KindDT},
	{"DICT", KindDICT},
	{"dtDictConjointes", KindJoint},
	{"ATU", KindATU},
}

// reader reads the elements of one declaration in its schema's namespace.
type reader struct {
	ns string
}

// decode turns the tree of a declaration into a Declaration.
func decode(root *node) (*Declaration, error) {
	if root.name.Local != "dossierConsultation" {
		return nil, &FormatError{
			Element: root.name.Local,
			Message: fmt.Sprintf("Le fichier n'est pas une déclaration du guichet unique : son élément racine est « %s », et non « dossierConsultation ».", shorten(root.name.Local)),
			Err:     ErrNotDeclaration,
		}
	}
	d := &Declaration{}
	switch root.name.Space {
	case nsTeleservice22:
		d.SchemaVersion = "2.2"
	case nsTeleservice21:
		d.SchemaVersion = "2.1"
	case "":
		return nil, malformed("dossierConsultation", "L'élément « dossierConsultation » n'a pas d'espace de noms : le guichet unique écrit %s.", nsTeleservice22)
	default:
		return nil, malformed("dossierConsultation", "L'élément « dossierConsultation » est dans l'espace de noms « %s », que Terrimap ne sait pas lire (schéma du guichet unique 2.1 ou 2.2 attendu).", shorten(root.name.Space))
	}
	rd := reader{ns: root.name.Space}

	body, err := rd.body(root, d)
	if err != nil {
		return nil, err
	}
	parts, err := rd.parts(body, d.Kind)
	if err != nil {
		return nil, err
	}
	if d.Number, err = rd.number(parts); err != nil {
		return nil, err
	}
	if n := rd.first(parts, "dateDeLaDeclaration"); n != nil {
		if d.Declared, err = parseDateTime(n); err != nil {
			return nil, err
		}
	}
	if d.Declarant, d.Others, err = rd.parties(d.Kind, parts); err != nil {
		return nil, err
	}
	if d.Place, err = rd.place(d.Kind, parts); err != nil {
		return nil, err
	}
	if n := rd.first(parts, "projetEtSonCalendrier"); n != nil {
		if d.Works, err = rd.works(n); err != nil {
			return nil, err
		}
	}
	d.Wishes = Wishes{PlanSize: "A4"}
	if n := rd.first(parts, "souhaitsPourLeRecepisse"); n != nil {
		if d.Wishes, err = rd.wishes(n); err != nil {
			return nil, err
		}
	}
	if d.Networks, err = rd.networks(root, parts); err != nil {
		return nil, err
	}
	emprise := rd.first(parts, "emprise")
	if emprise == nil {
		return nil, missing("emprise", parts[0].name.Local)
	}
	if d.Zone, err = rd.zone(emprise); err != nil {
		return nil, err
	}
	if n := emprise.child(rd.ns, "surface"); n != nil {
		if d.Surface, err = parseArea(n); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// body returns the one element saying what the declaration is, and sets
// d.Kind from it.
func (rd reader) body(root *node, d *Declaration) (*node, error) {
	var found *node
	for _, ke := range kindElements {
		n := root.child(rd.ns, ke.local)
		if n == nil {
			continue
		}
		if found != nil {
			return nil, malformed(ke.local, "La déclaration contient à la fois « %s » et « %s » : elle doit être l'un ou l'autre.", found.name.Local, ke.local)
		}
		found, d.Kind = n, ke.kind
	}
	if found == nil {
		return nil, malformed("dossierConsultation", "« dossierConsultation » ne contient ni « DT », ni « DICT », ni « dtDictConjointes », ni « ATU » : Terrimap ne sait pas de quelle déclaration il s'agit.")
	}
	return found, nil
}

// parts returns the elements holding the declaration's content: the body
// itself, or for a joint declaration its partieDT then its partieDICT.
func (rd reader) parts(body *node, k Kind) ([]*node, error) {
	if k != KindJoint {
		return []*node{body}, nil
	}
	var parts []*node
	for _, local := range []string{"partieDT", "partieDICT"} {
		n := body.child(rd.ns, local)
		if n == nil {
			return nil, missing(local, body.name.Local)
		}
		parts = append(parts, n)
	}
	return parts, nil
}

// first returns the first child of local name found in parts, in order.
func (rd reader) first(parts []*node, local string) *node {
	for _, p := range parts {
		if n := p.child(rd.ns, local); n != nil {
			return n
		}
	}
	return nil
}

// numberPattern is what a consultation number may be: letters, digits,
// dashes and underscores — it names the answer's files.
var numberPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$`)

// number returns the consultation number: noConsultationDuTeleservice,
// or noConsultationDuTeleserviceSeize when only that one is given (a DT).
func (rd reader) number(parts []*node) (string, error) {
	for _, local := range []string{"noConsultationDuTeleservice", "noConsultationDuTeleserviceSeize"} {
		n := rd.first(parts, local)
		if n == nil {
			continue
		}
		if n.text == "" {
			return "", malformed(local, "L'élément « %s » est vide : la déclaration n'a pas de numéro.", local)
		}
		if !numberPattern.MatchString(n.text) {
			return "", invalid(local, n.text, "un numéro de consultation (lettres et chiffres)")
		}
		return n.text, nil
	}
	return "", missing("noConsultationDuTeleservice", parts[0].name.Local)
}

// text returns the trimmed text of n's child local, "" when absent.
func (rd reader) text(n *node, local string) string {
	if k := n.child(rd.ns, local); k != nil {
		return k.text
	}
	return ""
}

// firstNonEmpty returns the first of values that is not empty, trimmed.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
