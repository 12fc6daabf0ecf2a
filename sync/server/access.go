package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/territory"
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

// editRights is what a user may do on the layers of one push: the access
// to each layer, and the user's territory prepared once for every change.
type editRights struct {
	ctx     context.Context
	st      Storage
	u       User
	log     *slog.Logger
	layers  map[string]protocol.Access
	area    *territory.Territory
	areaErr error
}

func newEditRights(ctx context.Context, st Storage, u User, log *slog.Logger) *editRights {
	return &editRights{ctx: ctx, st: st, u: u, log: log, layers: map[string]protocol.Access{}}
}

// access returns the user's access to a layer.
func (e *editRights) access(r LayerRecord) (protocol.Access, error) {
	if a, ok := e.layers[r.Schema.Name]; ok {
		return a, nil
	}
	a, err := accessFor(e.ctx, e.st, e.u, r)
	if err != nil {
		return a, err
	}
	if a.Territory != nil && e.area == nil && e.areaErr == nil {
		if e.area, e.areaErr = territory.New(a.Territory); e.areaErr != nil {
			e.log.Error("territory unusable: the user's edits are all refused", "user", e.u.Name, "err", e.areaErr)
		}
	}
	e.layers[r.Schema.Name] = a
	return a, nil
}

// within reports whether g lies in the territory of a (store/territory:
// inside, give or take its Tolerance along the boundary). Anything lies in
// no territory at all (intercommunality editors, admins); nothing without
// a position lies in a commune's, nor anything when the commune's outline
// cannot be read.
func (e *editRights) within(a protocol.Access, g orb.Geometry) bool {
	if a.Territory == nil {
		return true
	}
	return e.area != nil && e.area.Contains(g)
}

// checkAccess refuses a change the user may not make: the operation on the
// layer, or a feature outside their territory before (as stored: a delete
// too) or after the change.
func (e *editRights) checkAccess(a protocol.Access, c protocol.PushChange, theirs protocol.FeatureState) error {
	if !a.Allows(c.Op) {
		msg := a.Reason
		if msg == "" {
			msg = "Vous n'avez pas le droit de faire cette modification sur cette couche."
		}
		return &protocol.ChangeError{Code: protocol.CodeForbidden, Message: msg}
	}
	if theirs.Exists && !e.within(a, theirs.Geometry) {
		return &protocol.ChangeError{Code: protocol.CodeOutsideTerritory,
			Message: "Cet objet n'est pas entièrement dans le territoire où vous pouvez modifier les données. " + a.Reason}
	}
	if c.GeometryChanged && !e.within(a, c.Geometry) {
		return &protocol.ChangeError{Code: protocol.CodeOutsideTerritory,
			Message: "La nouvelle position n'est pas entièrement dans le territoire où vous pouvez modifier les données. " + a.Reason}
	}
	return nil
}

// layerRecord returns a layer of the platform as stored.
func (s *Server) layerRecord(ctx context.Context, name string) (LayerRecord, error) {
	return platformLayer(ctx, s.st, name)
}

// platformLayer returns the layer of st called name (ErrNotFound when it
// has none).
func platformLayer(ctx context.Context, st Storage, name string) (LayerRecord, error) {
	layers, err := st.Layers(ctx)
	if err != nil {
		return LayerRecord{}, err
	}
	for _, l := range layers {
		if l.Schema.Name == name {
			return l, nil
		}
	}
	return LayerRecord{}, fmt.Errorf("%w: layer %s", ErrNotFound, name)
}
