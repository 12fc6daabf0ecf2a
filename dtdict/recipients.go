package dtdict

import "strings"

// Recipients are whom an answer goes to: the declarant and, for a joint
// DT-DICT, the exécutant des travaux too (the DICT's part is his), once
// each. The one-stop shop does not forward operators' answers: each is
// sent to the addresses the declaration gives.
func Recipients(d *Declaration) []Party {
	if d == nil {
		return nil
	}
	out := []Party{d.Declarant}
	if d.Kind != KindJoint {
		return out
	}
	for _, p := range d.Others {
		if p.Role == "executantDesTravaux" && !sameRecipient(p, d.Declarant) {
			out = append(out, p)
		}
	}
	return out
}

// sameRecipient tells whether two parties are reached at the same place:
// the same e-mail, or no e-mail and the same name.
func sameRecipient(a, b Party) bool {
	if ea, eb := strings.TrimSpace(a.Email), strings.TrimSpace(b.Email); ea != "" || eb != "" {
		return strings.EqualFold(ea, eb)
	}
	return strings.EqualFold(strings.TrimSpace(a.Name), strings.TrimSpace(b.Name))
}

// RoleTitle writes a party's role in French: «exécutant des travaux»;
// "" for a role unknown.
func (p Party) RoleTitle() string { return roleTitle(p.Role) }
