package client

import (
	"context"
	"net/http"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// Summary says what a sync did.
type Summary struct {
	Layers LayerReport
	Push   PushReport
	Pull   PullReport
	// Refreshed counts features fetched again after the user dropped their edits.
	Refreshed int
	// Sources gives, by layer, how refreshing each OGC API source went (nil: done).
	Sources map[string]error
	// Waiting is what still waits for the user: conflicts and rejected changes.
	Conflicts, Rejected int
	At                  time.Time
}

// SyncWithProgress is Sync reporting its progress to fn (from the sync's
// goroutine) instead of Options.Progress.
func (c *Client) SyncWithProgress(ctx context.Context, fn func(Progress)) (Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onProgress = fn
	defer func() { c.onProgress = nil }()
	return c.sync(ctx)
}

// Sync pushes the journal, then pulls the change feed: first layers (so
// that new fields are known), attachments, local changes, the features the
// user gave up edits on, then the platform's changes and the attachments
// they refer to. One sync runs at a time per client; a second waits for
// the first.
func (c *Client) Sync(ctx context.Context) (Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sync(ctx)
}

func (c *Client) sync(ctx context.Context) (Summary, error) {
	var sum Summary
	token, err := c.token(ctx)
	if err != nil {
		return sum, err
	}
	if sum.Layers, err = c.syncLayers(ctx, token); err != nil {
		return sum, err
	}
	if sum.Push, err = c.push(ctx, token, sum.Layers.Publish); err != nil {
		return sum, err
	}
	if sum.Refreshed, err = c.refresh(ctx, token); err != nil {
		return sum, err
	}
	if sum.Pull, err = c.pull(ctx, token); err != nil {
		return sum, err
	}
	if err := c.fetchBlobs(ctx, token); err != nil {
		return sum, err
	}
	sum.Sources = NewSourceClient(c.ws, c.opts.HTTPClient).Refresh(ctx)
	counts, err := c.ws.JournalCount(ctx)
	if err != nil {
		return sum, err
	}
	sum.Conflicts, sum.Rejected = counts["conflict"], counts["rejected"]
	sum.At = time.Now()
	if err := c.ws.SetMeta(ctx, metaLastSync, sum.At.UTC().Format(time.RFC3339)); err != nil {
		return sum, err
	}
	c.progress("done", 1, 1)
	return sum, nil
}

// LastSync returns when the workspace last synced; zero if never.
func (c *Client) LastSync(ctx context.Context) time.Time {
	info, _ := Platform(ctx, c.ws)
	return info.LastSync
}

// Preview is what a sync would do, found without changing anything.
type Preview struct {
	// ToSend counts pending local changes by layer and operation.
	ToSend map[string]map[string]int
	// Held counts, by layer, the pending changes of local layers the
	// platform did not have at the last sync: the sync offers the layer
	// first, and sends them only if the platform takes it.
	Held map[string]int
	// Waiting counts the platform's changes the feed holds for this
	// workspace, by layer (a first page's worth at most: More says there are more).
	Waiting map[string]int
	More    bool
	// Conflicts and Rejected wait for the user and are not sent.
	Conflicts, Rejected int
}

// Preview tells what would be sent and what waits on the platform,
// changing nothing locally or remotely.
func (c *Client) Preview(ctx context.Context) (Preview, error) {
	p := Preview{ToSend: map[string]map[string]int{}, Waiting: map[string]int{}, Held: map[string]int{}}
	counts, err := c.ws.JournalCount(ctx)
	if err != nil {
		return p, err
	}
	p.Conflicts, p.Rejected = counts[store.StateConflict], counts[store.StateRejected]
	pending, err := c.ws.PendingByLayerAndOp(ctx)
	if err != nil {
		return p, err
	}
	held := heldLayers(ctx, c.ws, nil)
	for layer, byOp := range pending {
		for op, n := range byOp {
			if held(layer) {
				p.Held[layer] += n
				continue
			}
			if p.ToSend[layer] == nil {
				p.ToSend[layer] = map[string]int{}
			}
			p.ToSend[layer][string(op)] += n
		}
	}
	token, err := c.token(ctx)
	if err != nil {
		return p, err
	}
	cursor, err := c.cursor(ctx)
	if err != nil {
		return p, err
	}
	var page protocol.ChangesResponse
	err = c.call(ctx, http.MethodGet, protocol.ChangesPath(cursor, protocol.MaxChangesLimit), token, nil, func(r *http.Response) error {
		var err error
		page, err = protocol.DecodeChangesResponse(r.Body, protocol.MaxChangesBytes)
		return err
	})
	if err != nil {
		return p, err
	}
	for _, ch := range page.Changes {
		p.Waiting[ch.Layer]++
	}
	p.More = page.More
	return p, nil
}
