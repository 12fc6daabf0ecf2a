package server

import (
	"context"
	"fmt"

	"terrimap/sync/protocol"
)

// push answers a batch of changes from user u, in order, in one write
// transaction: results, feature versions and history commit together, so a
// push interrupted anywhere is either wholly answered or not at all, and a
// re-sent change id gets its first answer back.
//
// What the transaction needs from the rest of the storage — the user's
// territories, whether attachments have arrived — is read before it
// opens: a transaction holding a database connection must not wait for a
// second one (with PostgreSQL, concurrent pushes would each hold one and
// wait for another, all of them, until their deadline).
func (s *Server) push(ctx context.Context, u User, req protocol.PushRequest) (protocol.PushResponse, error) {
	var resp protocol.PushResponse
	st, err := knownBefore(ctx, s.st, u, req)
	if err != nil {
		return resp, err
	}
	err = s.st.Write(ctx, func(tx WriteTx) error {
		resp.Results = resp.Results[:0]
		if ra, ok := tx.(aheadReader); ok {
			if err := ra.ReadAhead(u.Name, req.Changes); err != nil {
				return err
			}
		}
		rights := newEditRights(ctx, st, u, s.opts.Logger)
		for _, c := range req.Changes {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, found, err := tx.PushResult(u.Name, c.ChangeID)
			if err != nil {
				return err
			}
			if !found {
				if r, err = s.decide(tx, st, u, c, rights); err != nil {
					return err
				}
				if err := tx.SavePushResult(u.Name, c.ChangeID, r); err != nil {
					return err
				}
			}
			resp.Results = append(resp.Results, r)
		}
		return nil
	})
	return resp, err
}

// aheadReader is a WriteTx that reads at once what a push's changes will
// ask of it (their answers, features and base versions), so that a push of
// thousands of changes does not wait for thousands of round trips to a
// database server (PostgreSQL). Its reads answer as they would have
// without it; SQLite, whose reads are in-process, has none.
type aheadReader interface {
	ReadAhead(user string, changes []protocol.PushChange) error
}

// decide works out one change: a result for every refusal, an error only
// when the platform itself fails.
func (s *Server) decide(tx WriteTx, st pushReads, u User, c protocol.PushChange, rights *editRights) (protocol.PushResult, error) {
	if err := c.Validate(); err != nil {
		return protocol.Rejected(c.ChangeID, err), nil
	}
	layer, err := tx.Layer(c.Layer)
	if err != nil {
		return protocol.Rejected(c.ChangeID, &protocol.ChangeError{Code: protocol.CodeUnknownLayer,
			Message: fmt.Sprintf("La plateforme n'a pas de couche « %s » : elle a peut-être été créée sur ce poste seulement.", c.Layer)}), nil
	}
	a, err := rights.access(layer)
	if err != nil {
		return protocol.PushResult{}, err
	}
	if !a.Allows(c.Op) {
		return protocol.Rejected(c.ChangeID, rights.checkAccess(a, c, protocol.FeatureState{})), nil
	}
	if c.Op == protocol.OpCreate {
		c = withDefaults(layer, c)
	}
	typed, err := c.ValidateAgainst(&layer.Schema)
	if err != nil {
		return protocol.Rejected(c.ChangeID, err), nil
	}
	theirs, err := tx.Feature(c.Layer, c.ID)
	if err != nil {
		return protocol.PushResult{}, err
	}
	if err := rights.checkAccess(a, typed, theirs); err != nil {
		return protocol.Rejected(c.ChangeID, err), nil
	}
	for _, h := range typed.Attachments {
		if !st.complete(h) {
			return protocol.Rejected(c.ChangeID, &protocol.ChangeError{Code: protocol.CodeInvalidValue,
				Message: "Une photo ou pièce jointe n'est pas encore arrivée sur la plateforme : la synchronisation la renverra."}), nil
		}
	}
	var base protocol.FeatureState
	if typed.Op != protocol.OpCreate {
		if base, err = tx.FeatureVersion(c.Layer, c.ID, typed.BaseVersion); err != nil {
			return protocol.PushResult{}, err
		}
	}
	out := protocol.Merge(base, theirs, typed)
	r := out.Result(c.ChangeID)
	if out.Write {
		op := typed.Op
		if !out.Feature.Exists {
			op = protocol.OpDelete
		}
		if r.Seq, err = tx.WriteVersion(c.Layer, c.ID, out.Feature, op, u.Name, out.Changed); err != nil {
			return protocol.PushResult{}, err
		}
	}
	if r.Status == protocol.StatusConflict || r.Status == protocol.StatusMerged {
		cur := protocol.Change{Seq: max(r.Seq, 1), Layer: c.Layer, ID: c.ID, Version: out.Feature.Version,
			Deleted: !out.Feature.Exists, Geometry: out.Feature.Geometry, Properties: out.Feature.Properties}
		if cur.Deleted {
			cur.Geometry, cur.Properties = nil, nil
		}
		r.Current = &cur
	}
	return r, nil
}

// withDefaults gives a created feature the default value of every field it
// does not set, as the desktop does: a standard editor posting through the
// OGC API need not know them.
func withDefaults(layer LayerRecord, c protocol.PushChange) protocol.PushChange {
	props := make(map[string]any, len(layer.Schema.Fields))
	for k, v := range layer.Schema.Defaults() {
		props[k] = v
	}
	for k, v := range c.Properties {
		props[k] = v
	}
	c.Properties = props
	return c
}

// pushReads is the storage as a push's transaction reads it: the
// organisations of the user and the state of the attachments its changes
// name, read before the transaction (knownBefore); anything else falls
// through to the storage.
type pushReads struct {
	Storage
	orgs    map[string]Organisation
	arrived map[string]bool
}

// knownBefore reads, before a push's transaction, the organisations where
// u edits and whether each attachment of req has arrived. An organisation
// that cannot be read is left to the transaction, which fails on it as
// before, if a change needs it; attachments that cannot be looked up fail
// the push (a change refused as «not arrived» would keep that answer).
func knownBefore(ctx context.Context, st Storage, u User, req protocol.PushRequest) (pushReads, error) {
	p := pushReads{Storage: st, orgs: map[string]Organisation{}, arrived: map[string]bool{}}
	for _, m := range u.Memberships {
		if m.Role != protocol.RoleEditor || m.Org == protocol.OrgCCMT {
			continue
		}
		if o, err := st.Organisation(ctx, m.Org); err == nil {
			p.orgs[m.Org] = o
		}
	}
	for _, c := range req.Changes {
		for _, h := range c.Attachments {
			if _, ok := p.arrived[h]; !ok && protocol.ValidBlobHash(h) {
				held, err := st.Blobs().Stat(h)
				if err != nil {
					return p, fmt.Errorf("server: push: %w", err)
				}
				p.arrived[h] = held.Complete
			}
		}
	}
	return p, nil
}

// Organisation returns an organisation read before the transaction.
func (p pushReads) Organisation(ctx context.Context, id string) (Organisation, error) {
	if o, ok := p.orgs[id]; ok {
		return o, nil
	}
	return p.Storage.Organisation(ctx, id)
}

// complete reports whether an attachment has arrived, as it was before
// the transaction.
func (p pushReads) complete(hash string) bool {
	if ok, known := p.arrived[hash]; known {
		return ok
	}
	return p.Storage.Blobs().Complete(hash)
}
