package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"terrimap/sync/protocol"
)

// ErrNotPlatform: something answers at the address, but not a Terrimap
// platform (a web site, a router's page).
var ErrNotPlatform = errors.New("client: the address does not answer as a Terrimap platform")

// Identify checks, with one request and no retry, that a Terrimap platform
// this client speaks with answers at address (as NormalizeAddress returns
// it): ErrUnreachable when nothing answers in time, ErrCertificate when
// its HTTPS certificate is not trusted here, ErrNotPlatform when
// something else does, protocol.ErrProtocolVersion when the platform speaks
// another version. The first connection calls it before signing in, so
// that a wrong address is told at once, not after the retries of a sign-in.
// hc sends the request; nil uses http.DefaultClient.
func Identify(ctx context.Context, address string, hc *http.Client) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := probe(ctx, hc, address)
	if untrusted(err) {
		return fmt.Errorf("%w: %s: %w", ErrCertificate, address, err)
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, address, err)
	}
	v := resp.Header.Get(protocol.HeaderProtocol)
	if v == "" {
		return fmt.Errorf("%w: %s answered %s without %s", ErrNotPlatform, address, resp.Status, protocol.HeaderProtocol)
	}
	if err := protocol.CheckProtocol(v); err != nil {
		return fmt.Errorf("client: identify: %w", err)
	}
	return nil
}

// Memberships returns the organisations the user belongs to, with their
// role in each and the organisation's name, as the platform said at the
// last sign-in; nil when no one signed in.
func (c *Client) Memberships(ctx context.Context) []protocol.Membership {
	js, err := c.ws.Meta(ctx, metaRoles)
	if err != nil || js == "" {
		return nil
	}
	var ms []protocol.Membership
	if json.Unmarshal([]byte(js), &ms) != nil {
		return nil
	}
	return ms
}
