package client

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// PushReport counts what the platform did with the changes sent.
type PushReport struct {
	Sent, Applied, Merged, Conflicts, Rejected int
	// Held counts, by layer, the pending changes not sent because the
	// platform does not have their layer: refused when offered
	// (LayerReport.Publish says why), or made after the layers step (no
	// Publish entry: the next sync offers it). They stay pending and go at
	// a sync after the platform has the layer.
	Held map[string]int
}

// push sends the journal. Each round sends, for every feature with pending
// edits, its oldest one (a feature's edits stand on each other: once the
// platform has taken one, the next is rebased on the version it became),
// so that no change ever conflicts with one from the same desk. Features
// with a conflict or a rejected change wait for the user; only the changes
// of the layers the platform has are sent, the others are held (see
// heldLayers; offered are the layers offered at this sync, with the
// platform's answers).
func (c *Client) push(ctx context.Context, token string, offered map[string]error) (PushReport, error) {
	held := heldLayers(ctx, c.ws, offered)
	rep := PushReport{Held: map[string]int{}}
	clientID, err := c.clientID(ctx)
	if err != nil {
		return rep, err
	}
	if err := c.uploadBlobs(ctx, token); err != nil {
		return rep, err
	}
	total, err := c.pendingCount(ctx)
	if err != nil {
		return rep, err
	}
	c.progress("push", 0, total)
	// Each round reads only the head of the journal, without the layers
	// held when the push began (SQLite leaves them out: an import of
	// 100,000 features into a layer of this desk only is not read again at
	// every round): a feature's oldest entry comes before its later ones,
	// so the head holds a batch, unless entries waiting for the user fill
	// it, and then it reads further (the head only grows: the journal's
	// end stops it). A layer made during the push is held by nextChanges.
	skip, err := c.heldWithChanges(ctx, held)
	if err != nil {
		return rep, err
	}
	head := 2 * c.opts.PushBatch
	for round := 0; ; round++ {
		entries, err := c.ws.JournalExcept(ctx, head, skip)
		if err != nil {
			return rep, err
		}
		batch := nextChanges(entries, c.opts.PushBatch, held)
		if len(batch) == 0 && len(entries) == head {
			head *= 2
			continue
		}
		if len(batch) == 0 {
			rep.Held, err = c.heldCounts(ctx, held)
			return rep, err
		}
		req := protocol.PushRequest{ClientID: clientID}
		for _, e := range batch {
			req.Changes = append(req.Changes, toPushChange(e))
		}
		var resp protocol.PushResponse
		err = c.call(ctx, http.MethodPost, protocol.PathPush, token, req, func(r *http.Response) error {
			var err error
			if resp, err = protocol.DecodePushResponse(r.Body, protocol.MaxPushResponseBytes); err != nil {
				return err
			}
			return resp.Check(req)
		})
		if err != nil {
			return rep, err
		}
		if err := c.record(ctx, batch, resp.Results, &rep); err != nil {
			return rep, err
		}
		rep.Sent += len(batch)
		c.progress("push", rep.Sent, total)
	}
}

func (c *Client) pendingCount(ctx context.Context) (int, error) {
	counts, err := c.ws.JournalCount(ctx)
	return counts[store.StatePending], err
}

// nextChanges picks, in journal order, the oldest pending entry of each
// feature that has no conflict or rejection waiting, up to max, leaving
// out the held layers.
func nextChanges(entries []store.JournalEntry, max int, heldLayer func(string) bool) []store.JournalEntry {
	type key struct{ layer, id string }
	held := map[key]bool{}
	var out []store.JournalEntry
	for _, e := range entries {
		k := key{e.Layer, e.UUID}
		if held[k] {
			continue
		}
		held[k] = true
		if heldLayer(e.Layer) {
			continue
		}
		if e.State == store.StatePending && len(out) < max {
			out = append(out, e)
		}
	}
	return out
}

// heldCounts counts, by held layer, the pending entries, counted by
// SQLite, not read.
func (c *Client) heldCounts(ctx context.Context, heldLayer func(string) bool) (map[string]int, error) {
	pending, err := c.ws.PendingByLayer(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for layer, n := range pending {
		if heldLayer(layer) {
			out[layer] = n
		}
	}
	return out, nil
}

// heldWithChanges names the held layers that have pending entries.
func (c *Client) heldWithChanges(ctx context.Context, heldLayer func(string) bool) ([]string, error) {
	counts, err := c.heldCounts(ctx, heldLayer)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(counts)), nil
}

func toPushChange(e store.JournalEntry) protocol.PushChange {
	pc := protocol.PushChange{ChangeID: e.ChangeID, Layer: e.Layer, ID: e.UUID, Op: protocol.Op(e.Op), BaseVersion: e.BaseVersion}
	if e.Op != store.OpDelete {
		pc.Properties = e.Properties
		pc.GeometryChanged, pc.Geometry = e.GeometryChanged, e.Geometry
		pc.Attachments = store.BlobRefs(e.Properties)
	}
	return pc
}

// record applies the platform's answers to the journal, in one transaction
// with the versions they give.
func (c *Client) record(ctx context.Context, batch []store.JournalEntry, results []protocol.PushResult, rep *PushReport) error {
	return c.ws.Edit(ctx, func(tx *store.Tx) error {
		for i, r := range results {
			e := batch[i]
			switch r.Status {
			case protocol.StatusApplied, protocol.StatusMerged:
				if r.Status == protocol.StatusApplied {
					rep.Applied++
				} else {
					rep.Merged++
				}
				if err := tx.Acknowledge(e.ChangeID); err != nil {
					return err
				}
				if e.Op == store.OpDelete {
					continue
				}
				if err := tx.SetVersion(e.Layer, e.UUID, r.Version); err != nil {
					return err
				}
				if err := tx.RebaseJournal(e.Layer, e.UUID, r.Version); err != nil {
					return err
				}
				// A merge brought others' edits: take them, unless more local
				// edits of the feature wait (they will be merged in turn and
				// the feed brings the result).
				if r.Status == protocol.StatusMerged && r.Current != nil {
					err := tx.ApplyRemote(e.Layer, remoteFeature(c.ws, *r.Current), false)
					if err != nil && !isPending(err) {
						return err
					}
				}
			case protocol.StatusConflict:
				rep.Conflicts++
				conflict := store.Conflict{ChangeID: e.ChangeID, Layer: e.Layer, UUID: e.UUID, Fields: r.ConflictFields, Message: r.Message}
				if r.Current != nil {
					conflict.Theirs = remoteFeature(c.ws, *r.Current)
				}
				if err := tx.SaveConflict(conflict); err != nil {
					return err
				}
			case protocol.StatusRejected:
				rep.Rejected++
				if err := tx.SetJournalState(e.ChangeID, store.StateRejected, rejectionReason(r)); err != nil {
					return err
				}
			default:
				return fmt.Errorf("client: push: unknown status %q", r.Status)
			}
		}
		return nil
	})
}

// rejectionReason is the platform's message with the fields at fault.
func rejectionReason(r protocol.PushResult) string {
	msg := r.Message
	if msg == "" {
		msg = "Modification refusée par la plateforme (" + r.Code + ")."
	}
	return msg
}
