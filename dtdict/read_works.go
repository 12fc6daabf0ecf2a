package dtdict

import "strings"

// works reads projetEtSonCalendrier: the nature codes, the description,
// the start date, the duration and the trenchless techniques.
func (rd reader) works(n *node) (Works, error) {
	var w Works
	for _, k := range n.children(rd.ns, "natureDesTravaux") {
		if k.text != "" {
			w.Natures = append(w.Natures, k.text)
		}
	}
	// A DT describes its project, a DICT its works.
	w.Description = firstNonEmpty(rd.text(n, "decrivezLeProjet"), rd.text(n, "decrivezLesTravaux"))
	var err error
	if k := n.child(rd.ns, "datePrevuePourLeCommencementDesTravaux"); k != nil {
		if w.Start, err = parseDate(k); err != nil {
			return Works{}, err
		}
	}
	if k := n.child(rd.ns, "dureeDuChantierEnJours"); k != nil {
		if w.DurationDays, err = parseDays(k); err != nil {
			return Works{}, err
		}
	}
	if k := n.child(rd.ns, "emploiDeTechniquesSansTranchees"); k != nil {
		if w.TrenchlessUsed, err = parseBool(k); err != nil {
			return Works{}, err
		}
	}
	// The techniques come as elements named technique… (their texts, or
	// the texts of their children).
	for _, k := range n.kids {
		if k.name.Space != rd.ns || !strings.HasPrefix(strings.ToLower(k.name.Local), "technique") {
			continue
		}
		if k.text != "" {
			w.Trenchless = append(w.Trenchless, k.text)
		}
		for _, t := range k.kids {
			if t.text != "" {
				w.Trenchless = append(w.Trenchless, t.text)
			}
		}
	}
	if len(w.Trenchless) > 0 {
		w.TrenchlessUsed = true
	}
	return w, nil
}

// wishes reads souhaitsPourLeRecepisse, whichever reception mode holds
// its elements (modeReceptionElectronique…).
func (rd reader) wishes(n *node) (Wishes, error) {
	w := Wishes{PlanSize: "A4"}
	var err error
	if ks := n.descendants(rd.ns, "tailleDesPlans"); len(ks) > 0 && ks[0].text != "" {
		size, ok := paperNamed(ks[0].text)
		if !ok {
			return Wishes{}, invalid("tailleDesPlans", ks[0].text, "un format de plan (A4, A3, A2, A1 ou A0)")
		}
		w.PlanSize = size.Name
	}
	if ks := n.descendants(rd.ns, "couleurDesPlans"); len(ks) > 0 {
		if w.Colour, err = parseBool(ks[0]); err != nil {
			return Wishes{}, err
		}
	}
	if ks := n.descendants(rd.ns, "souhaitDePlansVectoriels"); len(ks) > 0 {
		if w.Vector, err = parseBool(ks[0]); err != nil {
			return Wishes{}, err
		}
	}
	if ks := n.descendants(rd.ns, "formatDesPlansVectoriels"); len(ks) > 0 && w.Vector {
		w.VectorFormat = strings.ToUpper(ks[0].text)
	}
	return w, nil
}

// networks reads listeDesOuvrages, under dossierConsultation (or, from
// some senders, inside the declaration): every ouvrage needs its
// codeOuvrage, which tells whether it is ours.
func (rd reader) networks(root *node, parts []*node) ([]Network, error) {
	list := root.child(rd.ns, "listeDesOuvrages")
	if list == nil {
		list = rd.first(parts, "listeDesOuvrages")
	}
	if list == nil {
		return nil, missing("listeDesOuvrages", root.name.Local)
	}
	ouvrages := list.children(rd.ns, "ouvrage")
	if len(ouvrages) == 0 {
		return nil, missing("ouvrage", "listeDesOuvrages")
	}
	out := make([]Network, 0, len(ouvrages))
	for i, o := range ouvrages {
		code := rd.text(o, "codeOuvrage")
		if code == "" {
			return nil, malformed("codeOuvrage", "L'ouvrage n° %d de « listeDesOuvrages » n'a pas de « codeOuvrage ».", i+1)
		}
		category := strings.ToUpper(rd.text(o, "categorieOuvrage"))
		if category != "" && category != "S" && category != "NS" {
			return nil, invalid("categorieOuvrage", category, "une catégorie d'ouvrage (S ou NS)")
		}
		operator := rd.text(o, "denominationOuvrage")
		if c := o.child(rd.ns, "contact"); c != nil && rd.text(c, "societe") != "" {
			operator = rd.text(c, "societe")
		}
		out = append(out, Network{
			Operator: operator,
			Category: category,
			Class:    rd.text(o, "classeOuvrage"),
			Code:     code,
		})
	}
	return out, nil
}
