package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"terrimap/sync/protocol"
)

// maxRetryAfter is the longest Retry-After the client waits out by
// itself: a platform asking for more (a sign-in throttled after repeated
// wrong passwords) gets its answer back to the user at once, not a window
// that seems to hang.
const maxRetryAfter = 30 * time.Second

// call sends a request with retries: network failures and temporary
// answers (5xx, 429) are tried again after a growing pause (or the
// platform's Retry-After, up to maxRetryAfter); other answers come back as
// *protocol.APIError.
// read is given the 2xx response.
func (c *Client) call(ctx context.Context, method, path, token string, body any, read func(*http.Response) error) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("client: encode %s: %w", path, err)
		}
	}
	return c.retry(ctx, path, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
		}
		if token != "" {
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
		}
		return req, nil
	}, read)
}

// retry sends the request make builds until it gets a definite answer.
func (c *Client) retry(ctx context.Context, what string, make func() (*http.Request, error), read func(*http.Response) error) error {
	wait := c.opts.Backoff
	var last error
	for attempt := 0; attempt <= c.opts.Retries; attempt++ {
		if attempt > 0 {
			pause := wait + time.Duration(rand.Int64N(int64(wait)/2+1))
			var apiErr *protocol.APIError
			if errors.As(last, &apiErr) && apiErr.RetryAfter > 0 {
				pause = apiErr.RetryAfter
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(pause):
			}
			wait *= 2
		}
		req, err := make()
		if err != nil {
			return fmt.Errorf("client: %s: %w", what, err)
		}
		req.Header.Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
		resp, err := c.opts.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if untrusted(err) {
				return fmt.Errorf("%w: %s: %w", ErrCertificate, what, err)
			}
			last = err
			continue
		}
		err = c.answer(resp, read)
		resp.Body.Close()
		if re, ok := err.(readError); ok && re.err == nil {
			err = nil
		}
		var apiErr *protocol.APIError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &apiErr) && apiErr.Temporary() && apiErr.RetryAfter <= maxRetryAfter:
			last = err
			continue
		case errors.As(err, &apiErr):
			if errors.Is(err, protocol.ErrUnauthorized) {
				return fmt.Errorf("%w: %w", ErrNotLoggedIn, err)
			}
			return err
		case isTruncated(err):
			last = err // the connection dropped mid-answer
			continue
		default:
			return fmt.Errorf("client: %s: %w", what, err)
		}
	}
	if _, failing := errors.AsType[*protocol.APIError](last); failing {
		return fmt.Errorf("%w: %s: %w", ErrPlatformFailing, what, last)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnreachable, what, last)
}

func (c *Client) answer(resp *http.Response, read func(*http.Response) error) error {
	if err := protocol.CheckProtocol(resp.Header.Get(protocol.HeaderProtocol)); err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := protocol.NewAPIError(resp.StatusCode, resp.Body)
		e.RetryAfter = protocol.ParseRetryAfter(resp.Header.Get(protocol.HeaderRetryAfter), time.Now())
		if off, err := strconv.ParseInt(resp.Header.Get(protocol.HeaderUploadOffset), 10, 64); err == nil {
			e.UploadOffset = off
		}
		return e
	}
	if read == nil {
		_, err := io.Copy(io.Discard, resp.Body)
		return readError{err}
	}
	if err := read(resp); err != nil {
		return readError{err}
	}
	return nil
}

// readError is a 2xx answer that could not be read whole: the connection
// dropped or a proxy mangled it. Every call of the protocol may be sent
// again (pushes are idempotent by change id), so it is retried.
type readError struct{ err error }

func (e readError) Error() string { return "reading the answer: " + e.err.Error() }
func (e readError) Unwrap() error { return e.err }

func isTruncated(err error) bool {
	var re readError
	return errors.As(err, &re) && re.err != nil
}

// token returns the stored token, or ErrNotLoggedIn.
func (c *Client) token(ctx context.Context) (string, error) {
	t, err := c.ws.Meta(ctx, metaToken)
	if err != nil {
		return "", err
	}
	if t == "" {
		return "", ErrNotLoggedIn
	}
	return t, nil
}

func rolesJSON(ms []protocol.Membership) (string, error) {
	b, err := json.Marshal(ms)
	return string(b), err
}
