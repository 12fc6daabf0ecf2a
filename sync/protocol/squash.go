package protocol

// Squashed is a journal folded by Squash: one change per feature where the
// local edits allow it.
type Squashed struct {
	// Changes are the changes to push, in the order of the first entry of
	// each.
	Changes []PushChange
	// Covers maps the ChangeID of each change of Changes to the ids of every
	// journal entry folded into it (itself included), oldest first: the
	// entries to acknowledge, or to mark in conflict or rejected, with it.
	Covers map[string][]string
	// Dropped are the ids of entries that cancel out (a create then a delete
	// of the same feature, never sent): acknowledge them without sending.
	Dropped []string
}

// Squash folds successive local changes of a feature into one, so that
// the platform never sees a client's edit as concurrent with its own
// earlier edit: all local edits of a feature carry the same base version
// (the one synced), so a second edit of the same field, pushed alone,
// would meet the first on the platform and conflict with it.
//
//	create + update… → create with the last values
//	create + … + delete → nothing (Dropped)
//	update + update… → update with every changed field, last values
//	update… + delete → delete
//
// Only changes of one feature with the same base version are folded (0 for
// the updates that follow a create). The folded change keeps the ChangeID
// of its last entry, so re-sending after a lost answer, or after more
// edits, is still answered sensibly: values the platform already has are
// never a conflict. Changes are expected to be well formed (Validate).
func Squash(changes []PushChange) Squashed {
	type key struct{ layer, id string }
	out := Squashed{Covers: map[string][]string{}}
	open := map[key]int{} // index in out.Changes of the feature's foldable change
	removed := map[int]bool{}
	for _, c := range changes {
		k := key{c.Layer, c.ID}
		i, ok := open[k]
		if ok {
			prev := out.Changes[i]
			if folded, keep, fits := fold(prev, c); fits {
				ids := append(out.Covers[prev.ChangeID], c.ChangeID)
				delete(out.Covers, prev.ChangeID)
				if !keep {
					out.Dropped = append(out.Dropped, ids...)
					removed[i] = true
					delete(open, k)
					continue
				}
				out.Changes[i] = folded
				out.Covers[folded.ChangeID] = ids
				continue
			}
		}
		open[k] = len(out.Changes)
		out.Changes = append(out.Changes, clonePush(c))
		out.Covers[c.ChangeID] = append(out.Covers[c.ChangeID], c.ChangeID)
	}
	kept := out.Changes[:0]
	for i, c := range out.Changes {
		if !removed[i] {
			kept = append(kept, c)
		}
	}
	out.Changes = kept
	return out
}

// fold combines next into prev, two changes of one feature; fits is false
// when they cannot be combined, keep is false when they cancel out.
func fold(prev, next PushChange) (folded PushChange, keep, fits bool) {
	sameBase := next.BaseVersion == prev.BaseVersion || prev.Op == OpCreate && next.BaseVersion == 0
	if !sameBase || prev.Op == OpDelete || next.Op == OpCreate {
		return PushChange{}, false, false
	}
	if next.Op == OpDelete {
		if prev.Op == OpCreate {
			return PushChange{}, false, true
		}
		d := next
		d.BaseVersion = prev.BaseVersion
		return d, true, true
	}
	// prev is a create or an update, next an update.
	f := prev
	f.ChangeID = next.ChangeID
	if len(next.Properties) > 0 {
		f.Properties = cloneProperties(prev.Properties)
		if f.Properties == nil {
			f.Properties = map[string]any{}
		}
		for k, v := range next.Properties {
			f.Properties[k] = v
		}
	}
	if next.GeometryChanged {
		f.GeometryChanged, f.Geometry = true, next.Geometry
	}
	f.Attachments = appendMissing(append([]string(nil), prev.Attachments...), next.Attachments...)
	return f, true, true
}

func clonePush(c PushChange) PushChange {
	c.Properties = cloneProperties(c.Properties)
	c.Attachments = append([]string(nil), c.Attachments...)
	if len(c.Attachments) == 0 {
		c.Attachments = nil
	}
	return c
}

func appendMissing(dst []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, d := range dst {
			if d == v {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, v)
		}
	}
	if len(dst) == 0 {
		return nil
	}
	return dst
}
