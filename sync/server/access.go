package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// accessFor computes what user u may do on layer r: every member reads;
// admins edit everything; editors edit layers open to editors, within the
// territories of the communes where they are editors (anywhere for editors
// of the intercommunality); viewers only read.
func accessFor(ctx context.Context, st Storage, u User, r LayerRecord) (protocol.Access, error) {
	a := protocol.Access{Read: len(u.Memberships) > 0}
	if !a.Read {
		a.Reason = "Votre compte n'est rattaché à aucune commune : demandez à l'administrateur de la plateforme."
		return a, nil
	}
	var isAdmin, isEditor, anywhere bool
	var editorOrgs []string
	var territory orb.MultiPolygon
	for _, m := range u.Memberships {
		switch m.Role {
		case protocol.RoleAdmin:
			isAdmin = true
		case protocol.RoleEditor:
			isEditor = true
			editorOrgs = append(editorOrgs, m.OrgName)
			if m.Org == protocol.OrgCCMT {
				anywhere = true
				continue
			}
			o, err := st.Organisation(ctx, m.Org)
			if err != nil {
				return a, fmt.Errorf("server: access of %s: %w", u.Name, err)
			}
			switch g := o.Territory.(type) {
			case orb.Polygon:
				territory = append(territory, g)
			case orb.MultiPolygon:
				territory = append(territory, g...)
			case nil:
				anywhere = true
			}
		}
	}
	switch {
	case isAdmin:
		a.Create, a.Update, a.Delete = true, true, true
	case r.Schema.ReadOnly || r.EditBy == EditByAdmins:
		a.Reason = "Lecture seule : cette couche de référence n'est modifiée que par l'administrateur de la plateforme."
	case isEditor:
		a.Create, a.Update, a.Delete = true, true, true
		if !anywhere {
			a.Territory = territory
			a.Reason = "Modifications limitées au territoire de : " + strings.Join(editorOrgs, ", ") + "."
		}
	default:
		a.Reason = "Lecture seule : votre compte permet de consulter les données, pas de les modifier."
	}
	return a, nil
}

// withinTerritory reports whether a geometry lies in the territory (meets
// it): nil territory means anywhere.
func withinTerritory(territory, g orb.Geometry) bool {
	if territory == nil || g == nil {
		return true
	}
	return store.Intersects(territory, g)
}

// checkAccess refuses a change the user may not make: the operation on the
// layer, or a feature outside their territory before or after the change.
func checkAccess(a protocol.Access, c protocol.PushChange, theirs protocol.FeatureState) error {
	if !a.Allows(c.Op) {
		msg := a.Reason
		if msg == "" {
			msg = "Vous n'avez pas le droit de faire cette modification sur cette couche."
		}
		return &protocol.ChangeError{Code: protocol.CodeForbidden, Message: msg}
	}
	if theirs.Exists && !withinTerritory(a.Territory, theirs.Geometry) {
		return &protocol.ChangeError{Code: protocol.CodeOutsideTerritory,
			Message: "Cet objet se trouve hors du territoire où vous pouvez modifier les données. " + a.Reason}
	}
	if c.GeometryChanged && !withinTerritory(a.Territory, c.Geometry) {
		return &protocol.ChangeError{Code: protocol.CodeOutsideTerritory,
			Message: "La nouvelle position est hors du territoire où vous pouvez modifier les données. " + a.Reason}
	}
	return nil
}
