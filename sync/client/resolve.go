package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// Side is one of the two versions of a feature in conflict.
type Side int

// The sides of a conflict.
const (
	// Mine is the version edited on this desk.
	Mine Side = iota
	// Theirs is the platform's version.
	Theirs
)

// Resolution is the user's choice for a conflict: one side for the whole
// feature, or, with Fields, a side per conflicting field ("geom" for the
// geometry); fields not listed take Default.
type Resolution struct {
	Default Side
	Fields  map[string]Side
}

// ErrNoSuchConflict is returned when resolving a conflict that is not (or no longer) there.
var ErrNoSuchConflict = errors.New("client: no such conflict")

// Resolve settles a conflict as the user chose. The feature becomes the
// chosen mix, on top of the platform's version; what differs from the
// platform's version is journaled as a new edit that the next sync sends.
// Choosing the platform's version for everything gives up the local edits
// of the feature — the user said so.
func (c *Client) Resolve(ctx context.Context, changeID string, res Resolution) error {
	conflicts, err := c.ws.Conflicts(ctx)
	if err != nil {
		return err
	}
	var cf *store.Conflict
	for i := range conflicts {
		if conflicts[i].ChangeID == changeID {
			cf = &conflicts[i]
		}
	}
	if cf == nil {
		return fmt.Errorf("%w: %s", ErrNoSuchConflict, changeID)
	}
	side := func(field string) Side {
		if s, ok := res.Fields[field]; ok {
			return s
		}
		return res.Default
	}
	return c.ws.Edit(ctx, func(tx *store.Tx) error {
		// Mine is read in the transaction that replaces it, so that no edit
		// made meanwhile is lost.
		mine, err := tx.Get(cf.Layer, cf.UUID)
		mineDeleted := errors.Is(err, store.ErrFeatureNotFound)
		if err != nil && !mineDeleted {
			return err
		}
		if err := tx.DropFeatureJournal(cf.Layer, cf.UUID); err != nil {
			return err
		}
		// The platform may have changed the feature again since the
		// conflict: the feed skipped those versions while the feature was
		// held, so the next sync fetches it again.
		if err := tx.MarkForRefresh(cf.Layer, cf.UUID); err != nil {
			return err
		}
		// The local feature becomes the platform's version…
		if err := tx.ApplyRemote(cf.Layer, cf.Theirs, true); err != nil {
			return err
		}
		switch {
		case mineDeleted && res.Default == Mine:
			// …which I deleted: delete it on the platform too.
			if cf.Theirs.Deleted {
				return nil
			}
			return tx.Delete(cf.Layer, cf.UUID)
		case cf.Theirs.Deleted && res.Default == Mine && !mineDeleted:
			// …which they deleted: keep mine as a new feature.
			_, err := tx.Create(cf.Layer, store.Feature{Geometry: mine.Geometry, Properties: mine.Properties})
			return err
		case mineDeleted || cf.Theirs.Deleted:
			return nil // theirs, as it is
		}
		// …then takes my values where the user chose mine.
		change := store.Change{Properties: map[string]any{}}
		for k, v := range mine.Properties {
			if side(k) == Mine && !reflect.DeepEqual(v, cf.Theirs.Properties[k]) {
				change.Properties[k] = v
			}
		}
		if side(protocol.GeometryField) == Mine && !schema.GeometryEqual(mine.Geometry, cf.Theirs.Geometry) {
			change.Geometry, change.SetGeometry = mine.Geometry, true
		}
		_, err = tx.Update(cf.Layer, cf.UUID, change)
		return err
	})
}

// Rejected is a change the platform refused, with its reason.
type Rejected = store.JournalEntry

// Retry sends a rejected change again at the next sync, once the user has
// fixed the feature (the fix is sent with it).
func (c *Client) Retry(ctx context.Context, changeID string) error {
	return c.ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.RenewChange(changeID)
		return err
	})
}

// Drop gives up a rejected change — and every local edit of its feature —
// as the user asked; the next sync fetches the platform's version of the
// feature again.
func (c *Client) Drop(ctx context.Context, changeID string) error {
	// Only the entries waiting for the user: reading the pending ones
	// would unfold an import's ranges to find one refused change.
	entries, err := c.ws.Journal(ctx, 0, store.StateRejected, store.StateConflict)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.ChangeID != changeID {
			continue
		}
		return c.ws.Edit(ctx, func(tx *store.Tx) error {
			if err := tx.DropFeatureJournal(e.Layer, e.UUID); err != nil {
				return err
			}
			return tx.MarkForRefresh(e.Layer, e.UUID)
		})
	}
	return fmt.Errorf("%w: %s", ErrNoSuchConflict, changeID)
}

// refresh fetches again the features whose local edits were dropped: their
// latest version on the platform, or their removal if it has none.
func (c *Client) refresh(ctx context.Context, token string) (int, error) {
	list, err := c.ws.ToRefresh(ctx)
	if err != nil {
		return 0, err
	}
	for _, item := range list {
		layer, id := item[0], item[1]
		var hist protocol.HistoryResponse
		err := c.call(ctx, http.MethodGet, protocol.HistoryPath(id), token, nil, func(r *http.Response) error {
			var err error
			hist, err = protocol.DecodeHistoryResponse(r.Body, protocol.MaxHistoryBytes)
			return err
		})
		gone := errors.Is(err, protocol.ErrNotFound)
		if err != nil && !gone {
			return 0, err
		}
		rf := store.RemoteFeature{UUID: id, Deleted: true}
		if !gone && len(hist.Versions) > 0 {
			v := hist.Versions[len(hist.Versions)-1]
			rf = remoteFeature(c.ws, protocol.Change{Layer: layer, ID: id, Version: v.Version, Deleted: v.Op == protocol.OpDelete,
				Geometry: v.Geometry, Properties: v.Properties})
		}
		err = c.ws.Edit(ctx, func(tx *store.Tx) error {
			if err := tx.ApplyRemote(layer, rf, false); err != nil && !isPending(err) {
				return err
			}
			return tx.Refreshed(layer, id)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// History returns every version of a feature as the platform keeps it
// (who, when, what changed), oldest first.
func (c *Client) History(ctx context.Context, id string) ([]protocol.Version, error) {
	token, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	var hist protocol.HistoryResponse
	err = c.call(ctx, http.MethodGet, protocol.HistoryPath(id), token, nil, func(r *http.Response) error {
		var err error
		hist, err = protocol.DecodeHistoryResponse(r.Body, protocol.MaxHistoryBytes)
		return err
	})
	return hist.Versions, err
}
