package client

import (
	"context"
	"io"
	"net/http"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// signOutTimeout bounds how long signing out waits for the platform: a
// desk offline or on a dead line signs out at once all the same.
const signOutTimeout = 10 * time.Second

// Logout signs this desk out. It forgets the token first (local data and
// pending edits stay), then asks the platform, once, to revoke it, so that
// nothing usable is left behind. Offline, or if the platform does not
// answer within signOutTimeout, the desk is signed out all the same and
// the token simply expires on the platform. The error is only the
// workspace's, when the token could not be forgotten.
func (c *Client) Logout(ctx context.Context) error {
	token, err := c.ws.Meta(ctx, metaToken)
	if err != nil {
		return err
	}
	err = c.ws.Edit(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta(metaToken, ""); err != nil {
			return err
		}
		return tx.SetMeta(metaTokenExpires, "")
	})
	if err != nil {
		return err
	}
	if token != "" {
		c.revoke(ctx, token)
	}
	return nil
}

// revoke sends DELETE PathToken with token, once; whatever the answer,
// or none, the desk has already forgotten the token.
func (c *Client) revoke(ctx context.Context, token string) {
	ctx, cancel := context.WithTimeout(ctx, signOutTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.base.String()+protocol.PathToken, nil)
	if err != nil {
		return
	}
	req.Header.Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, protocol.MaxErrorBytes))
	resp.Body.Close()
}
