package client

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"terrimap/sync/protocol"
)

// reachTimeout bounds the look at whether the platform answers: a desk on
// a slow rural line still gets its answer, a dead line does not hang.
const reachTimeout = 10 * time.Second

// URL returns the platform's address.
func (c *Client) URL() string { return c.base.String() }

// Reachable reports whether the platform answers at all, with one request
// and no retry: any HTTP answer counts (even a refusal to an anonymous
// caller), a network error or a timeout does not. The app calls it to show
// "en ligne / hors ligne" and to sync when the platform comes back.
func (c *Client) Reachable(ctx context.Context) bool {
	_, err := probe(ctx, c.opts.HTTPClient, c.base.String())
	return err == nil
}

// probe asks the platform at address for its layers, once, within
// reachTimeout, and returns the answer with its body read and closed
// (status and headers only): Reachable and Identify look at it.
func probe(ctx context.Context, hc *http.Client, address string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(address, "/")+protocol.PathLayers, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp, nil
}

// AuthHeader returns the Authorization header of the signed-in user, for
// other requests to the platform (its rendered basemap); empty when no one
// is signed in.
func (c *Client) AuthHeader(ctx context.Context) http.Header {
	token, err := c.token(ctx)
	if err != nil || !c.LoggedIn(ctx) {
		return http.Header{}
	}
	return http.Header{protocol.HeaderAuthorization: {protocol.Authorization(token)}}
}
