package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"terrimap/sync/protocol"
)

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
		if err := c.uploadBlob(ctx, token, hash); err != nil {
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
		return fmt.Errorf("client: attachment %s is damaged in the workspace", hash)
	}
	size := int64(len(data))
	offset, complete, err := c.blobOffset(ctx, token, hash)
	if err != nil || complete {
		return err
	}
	if offset < 0 || offset > size {
		offset = 0
	}
	return c.retry(ctx, "attachment", func() (*http.Request, error) {
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
