package app

import (
	"context"
	"reflect"

	"terrimap/store"
	"terrimap/store/schema"
)

// editRecord is one edit the user made, as undoing and redoing it needs:
// the feature before and after. A creation has no before (empty UUID), a
// deletion no after.
type editRecord struct {
	before, after store.Feature
	// also are the edits made in the same transaction after this one (a
	// hydrant's last-check date moved by a completed check): undone and
	// redone with it, in one transaction.
	also []editRecord
}

// steps returns r and the edits made with it, in the order they were made.
func (r editRecord) steps() []editRecord {
	head := r
	head.also = nil
	return append([]editRecord{head}, r.also...)
}

func (r editRecord) creation() bool { return r.before.UUID == "" }
func (r editRecord) deletion() bool { return r.after.UUID == "" }

// editHistory is the undo and redo stacks of the edits made since the app
// started. Undoing an edit is itself an edit of the workspace, journaled
// and synced like any other; nothing is ever rolled back behind the
// journal's back.
type editHistory struct {
	done, undone []editRecord
}

// maxUndo bounds the history: older edits can no longer be undone.
const maxUndo = 200

// record adds an edit the user just made; it clears what could be redone.
func (h *editHistory) record(r editRecord) {
	h.done = append(h.done, r)
	if len(h.done) > maxUndo {
		h.done = h.done[len(h.done)-maxUndo:]
	}
	h.undone = nil
}

// revert writes in ws the opposite of r: what was after becomes what was
// before. It returns the record of what it did, which goes on the other
// stack: reverting it in turn redoes r. It does I/O: run it off the UI
// goroutine.
func revert(ctx context.Context, ws *store.Workspace, r editRecord) (editRecord, error) {
	var undone []editRecord
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		undone = undone[:0]
		steps := r.steps()
		// The last made first, so that each finds what the next left.
		for i := len(steps) - 1; i >= 0; i-- {
			d, err := revertOne(tx, steps[i])
			if err != nil {
				return err
			}
			undone = append(undone, d)
		}
		return nil
	})
	if err != nil {
		return editRecord{}, err
	}
	done := undone[0]
	done.also = undone[1:]
	return done, nil
}

// revertOne writes in tx the opposite of one edit.
func revertOne(tx *store.Tx, r editRecord) (editRecord, error) {
	switch {
	case r.creation(): // delete what was created
		if err := tx.Delete(r.after.Layer, r.after.UUID); err != nil {
			return editRecord{}, err
		}
		return editRecord{before: r.after}, nil
	case r.deletion(): // bring back what was deleted
		f, err := tx.Restore(r.before)
		if err != nil {
			return editRecord{}, err
		}
		return editRecord{after: f}, nil
	}
	// Put back the values and the shape it had.
	cur, err := tx.Get(r.after.Layer, r.after.UUID)
	if err != nil {
		return editRecord{}, err
	}
	c := store.Change{Properties: map[string]any{}}
	for k, v := range r.before.Properties {
		if !reflect.DeepEqual(r.after.Properties[k], v) {
			c.Properties[k] = v
		}
	}
	if !schema.GeometryEqual(r.before.Geometry, r.after.Geometry) {
		c.Geometry, c.SetGeometry = r.before.Geometry, true
	}
	f, err := tx.Update(r.after.Layer, r.after.UUID, c)
	if err != nil {
		return editRecord{}, err
	}
	return editRecord{before: cur, after: f}, nil
}
