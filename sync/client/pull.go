package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// PullReport counts what the change feed brought.
type PullReport struct {
	Received, Deleted int
	// Held counts features changed on the platform whose local edits are
	// still waiting: they were left as they are.
	Held int
}

// pull applies the change feed from the stored cursor, a page per
// transaction with the cursor it reaches: a sync cut anywhere resumes
// where the last page ended. The next page is fetched while one is
// applied, so that the platform's work and the decoding overlap the writes.
func (c *Client) pull(ctx context.Context, token string) (PullReport, error) {
	var rep PullReport
	cursor, err := c.cursor(ctx)
	if err != nil {
		return rep, err
	}
	c.progress("pull", 0, 0)
	fetchCtx, cancel := context.WithCancel(ctx)
	defer cancel() // a page fetched ahead is not needed after an error
	next := c.fetchPage(fetchCtx, token, cursor)
	for {
		f := <-next
		if f.err != nil {
			return rep, f.err
		}
		page := f.page
		if page.More {
			next = c.fetchPage(fetchCtx, token, page.Next)
		}
		if sv, _ := c.ws.Meta(ctx, metaSchemaVersion); sv != strconv.FormatInt(page.SchemaVersion, 10) {
			if _, err := c.syncLayers(ctx, token); err != nil {
				return rep, err
			}
		}
		wanted, err := c.wantedBlobs(ctx, page)
		if err != nil {
			return rep, err
		}
		err = c.ws.Edit(ctx, func(tx *store.Tx) error {
			if err := c.applyPage(tx, page, &rep); err != nil {
				return err
			}
			// The photos the page's features refer to are remembered with
			// them, so that a sync cut before fetching them fetches them later.
			if wanted != "" {
				return tx.SetMeta(metaBlobsWanted, wanted)
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		c.progress("pull", rep.Received, 0)
		if !page.More {
			// The download may have left the file's R*Trees behind
			// (store/rtree_behind.go): QGIS must find every feature.
			if err := c.ws.CatchUpRTrees(ctx); err != nil {
				return rep, fmt.Errorf("client: pull: %w", err)
			}
			return rep, nil
		}
	}
}

type fetchedPage struct {
	page protocol.ChangesResponse
	err  error
}

// fetchPage gets the page of the feed after since, in the background.
func (c *Client) fetchPage(ctx context.Context, token string, since int64) <-chan fetchedPage {
	out := make(chan fetchedPage, 1)
	go func() {
		var f fetchedPage
		f.err = c.call(ctx, http.MethodGet, protocol.ChangesPath(since, c.opts.PullPage), token, nil, func(r *http.Response) error {
			var err error
			f.page, err = protocol.DecodeChangesResponse(r.Body, protocol.MaxChangesBytes)
			return err
		})
		out <- f
	}()
	return out
}

// applyPage applies one page of the feed and moves the cursor, in tx.
func (c *Client) applyPage(tx *store.Tx, page protocol.ChangesResponse, rep *PullReport) error {
	byLayer := map[string][]store.RemoteFeature{}
	var order []string
	for _, ch := range page.Changes {
		if _, err := c.ws.Layer(ch.Layer); err != nil {
			continue // a layer this workspace does not keep
		}
		if _, ok := byLayer[ch.Layer]; !ok {
			order = append(order, ch.Layer)
		}
		byLayer[ch.Layer] = append(byLayer[ch.Layer], remoteFeature(c.ws, ch))
	}
	for _, layer := range order {
		if err := countNews(tx, layer, byLayer[layer], rep); err != nil {
			return err
		}
		held, err := tx.ApplyRemoteBatch(layer, byLayer[layer])
		if err != nil {
			return err
		}
		rep.Held += len(held)
	}
	return tx.SetMeta(metaCursor, strconv.FormatInt(page.Next, 10))
}

// countNews counts in rep the features of batch that change this desk:
// not this desk's own edits coming back through the feed (a version the
// desk already has), nor deletions of features it no longer holds.
func countNews(tx *store.Tx, layer string, batch []store.RemoteFeature, rep *PullReport) error {
	ids := make([]string, len(batch))
	for i, rf := range batch {
		ids[i] = rf.UUID
	}
	stored, err := tx.StoredVersions(layer, ids)
	if err != nil {
		return fmt.Errorf("client: pull: %w", err)
	}
	for _, rf := range batch {
		v, ok := stored[rf.UUID]
		switch {
		case rf.Deleted && ok:
			rep.Deleted++
		case !rf.Deleted && (!ok || v < rf.Version):
			rep.Received++
		}
	}
	return nil
}

func (c *Client) cursor(ctx context.Context) (int64, error) {
	s, err := c.ws.Meta(ctx, metaCursor)
	if err != nil || s == "" {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// remoteFeature converts a feed entry, typing its values with the local schema.
func remoteFeature(ws *store.Workspace, ch protocol.Change) store.RemoteFeature {
	rf := store.RemoteFeature{UUID: ch.ID, Version: ch.Version, Deleted: ch.Deleted, Geometry: ch.Geometry, Properties: ch.Properties}
	if l, err := ws.Layer(ch.Layer); err == nil {
		rf.Properties, _ = protocol.CoerceProperties(&l.Schema, ch.Properties)
	}
	return rf
}

func isPending(err error) bool { return errors.Is(err, store.ErrPendingEdits) }
