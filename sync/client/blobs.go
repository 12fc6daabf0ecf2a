package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// errBlobDamaged marks an attachment whose bytes no longer match its hash.
var errBlobDamaged = errors.New("damaged: its bytes do not match its hash")

// uploadBlobs sends the attachments the platform does not have yet, before
// the changes that refer to them; an upload cut short resumes where the
// platform's copy ends.
func (c *Client) uploadBlobs(ctx context.Context, token string) error {
	pending, err := c.ws.PendingBlobs(ctx)
	if err != nil {
		return err
	}
	for i, hash := range pending {
		c.progress("attachments", i, len(pending))
		err := c.uploadBlob(ctx, token, hash)
		if errors.Is(err, errBlobDamaged) {
			// It cannot be sent as it is; the change that refers to it
			// is refused by the platform and waits, with its reason,
			// for the user. The other photos and changes go on.
			continue
		}
		if err != nil {
			return err
		}
		if err := c.ws.MarkBlobUploaded(ctx, hash); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) uploadBlob(ctx context.Context, token, hash string) error {
	data, _, err := c.ws.Blob(ctx, hash)
	if err != nil {
		return err
	}
	if protocol.BlobHash(data) != hash {
		return fmt.Errorf("client: attachment %s: %w", hash, errBlobDamaged)
	}
	size := int64(len(data))
	// A PUT cut short leaves part of it on the platform, so that the same
	// PUT sent again no longer starts where the platform's copy ends (416):
	// ask again where it ends, a few times.
	for range 3 {
		var offset int64
		var complete bool
		offset, complete, err = c.blobOffset(ctx, token, hash)
		if err != nil || complete {
			return err
		}
		if offset < 0 || offset > size {
			offset = 0
		}
		err = c.retry(ctx, "attachment", func() (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base.String()+protocol.BlobPath(hash), bytes.NewReader(data[offset:]))
			if err != nil {
				return nil, err
			}
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
			req.Header.Set(protocol.HeaderContentType, protocol.ContentTypeBlob)
			req.Header.Set(protocol.HeaderContentRange, protocol.FormatContentRange(offset, size-offset, size))
			req.Header.Set("Content-Length", strconv.FormatInt(size-offset, 10))
			return req, nil
		}, nil)
		var apiErr *protocol.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			return err
		}
	}
	return fmt.Errorf("client: attachment %s: %w", hash, err)
}

// blobOffset asks the platform how much of a blob it holds (HEAD): complete,
// or the offset an upload resumes at.
func (c *Client) blobOffset(ctx context.Context, token, hash string) (int64, bool, error) {
	var offset int64
	var complete bool
	err := c.retry(ctx, "attachment", func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.base.String()+protocol.BlobPath(hash), nil)
		if err == nil {
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
		}
		return req, err
	}, func(r *http.Response) error {
		complete = true
		return nil
	})
	var apiErr *protocol.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		offset, err = apiErr.UploadOffset, nil
	}
	return offset, complete, err
}

// wantedBlobs returns, JSON-encoded, the attachments still wanted with
// those the page's features refer to and the workspace lacks; "" when the
// page adds none.
func (c *Client) wantedBlobs(ctx context.Context, page protocol.ChangesResponse) (string, error) {
	var added []string
	for _, ch := range page.Changes {
		if ch.Deleted {
			continue
		}
		for _, h := range store.BlobRefs(ch.Properties) {
			held, _, err := c.ws.HasBlob(ctx, h)
			if err != nil {
				return "", err
			}
			if !held && !slices.Contains(added, h) {
				added = append(added, h)
			}
		}
	}
	if len(added) == 0 {
		return "", nil
	}
	wanted, err := c.blobsWanted(ctx)
	if err != nil {
		return "", err
	}
	for _, h := range added {
		if !slices.Contains(wanted, h) {
			wanted = append(wanted, h)
		}
	}
	b, err := json.Marshal(wanted)
	return string(b), err
}

// blobsWanted reads the attachments the workspace waits for.
func (c *Client) blobsWanted(ctx context.Context) ([]string, error) {
	s, err := c.ws.Meta(ctx, metaBlobsWanted)
	if err != nil || s == "" {
		return nil, err
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("client: attachments wanted: %w", err)
	}
	return out, nil
}

// fetchBlobs downloads the attachments pulled features refer to, checked
// against their hash. One the platform does not hold (yet) is asked for
// again at the next sync.
func (c *Client) fetchBlobs(ctx context.Context, token string) error {
	wanted, err := c.blobsWanted(ctx)
	if err != nil || len(wanted) == 0 {
		return err
	}
	var later []string
	for i, hash := range wanted {
		c.progress("photos", i, len(wanted))
		if held, _, err := c.ws.HasBlob(ctx, hash); err != nil {
			return err
		} else if held {
			continue
		}
		var data []byte
		err := c.call(ctx, http.MethodGet, protocol.BlobPath(hash), token, nil, func(r *http.Response) error {
			var err error
			data, err = io.ReadAll(io.LimitReader(r.Body, protocol.MaxBlobBytes+1))
			return err
		})
		var apiErr *protocol.APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
			later = append(later, hash)
			continue
		case err != nil:
			return err
		case len(data) > protocol.MaxBlobBytes || protocol.BlobHash(data) != hash:
			// Damaged on the platform, or too large: not kept, asked for
			// again at the next sync, and no reason to stop this one.
			later = append(later, hash)
			continue
		}
		if _, err := c.ws.KeepRemoteBlob(ctx, "", data); err != nil {
			return err
		}
	}
	value := ""
	if len(later) > 0 {
		b, err := json.Marshal(later)
		if err != nil {
			return err
		}
		value = string(b)
	}
	return c.ws.SetMeta(ctx, metaBlobsWanted, value)
}
