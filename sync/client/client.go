// Package client syncs a workspace with the platform, both ways: it sends
// the change journal (push) then applies the platform's change feed (pull),
// keeps conflicts and rejected changes for the user to settle, uploads
// attachments first, retries with back-off, and resumes after a crash from
// the cursor and the journal, which move in the same transactions as the
// data they describe.
package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// Workspace metadata keys the client keeps (tm_meta). The token is kept,
// never the password.
const (
	metaURL           = "platform.url"
	metaUser          = "platform.user"
	metaToken         = "platform.token"
	metaTokenExpires  = "platform.token_expires"
	metaCursor        = "platform.cursor"
	metaClientID      = "platform.client_id"
	metaSchemaVersion = "platform.schema_version"
	metaLastSync      = "platform.last_sync"
	metaAccessPrefix  = "platform.access."
	metaStylePrefix   = "platform.style."
	metaRoles         = "platform.roles"
	// metaBlobsWanted lists, as a JSON array, the attachments pulled
	// features refer to that the workspace does not hold yet.
	metaBlobsWanted = "platform.blobs_wanted"
)

// Errors callers tell apart.
var (
	// ErrNotLoggedIn: no token, or the platform refused it; log in again.
	ErrNotLoggedIn = errors.New("client: not logged in to the platform")
	// ErrUnreachable: the platform could not be reached after retrying; work
	// goes on offline and is sent later.
	ErrUnreachable = errors.New("client: platform unreachable")
	// ErrPlatformFailing: the platform answered, but with a server error
	// (HTTP 5xx, or 429 beyond what the client waits) every time it was
	// tried; the changes wait in the workspace as when it is unreachable,
	// but the user should tell its administrator rather than check the
	// network. The last answer (a *protocol.APIError) is wrapped.
	ErrPlatformFailing = errors.New("client: platform failing")
	// ErrNoPlatform: the workspace is not linked to a platform.
	ErrNoPlatform = errors.New("client: the workspace is not linked to a platform")
	// ErrCertificate: the platform answers over HTTPS with a certificate
	// this computer does not trust (a self-signed one, another name,
	// expired); trying again does not help, its authority must be trusted.
	ErrCertificate = errors.New("client: the platform's certificate is not trusted")
)

// Options tune a Client.
type Options struct {
	// HTTPClient sends the requests; default has a 60 s timeout.
	HTTPClient *http.Client
	// Progress, when set, hears how the sync goes (from the sync's goroutine).
	Progress func(Progress)
	// PushBatch is the number of changes per push request (default 500).
	PushBatch int
	// PullPage is the change-feed page size (default protocol.MaxChangesLimit).
	PullPage int
	// Retries is how many times a failed request is tried again (default 5),
	// waiting Backoff, then twice as long each time (default 250 ms).
	Retries int
	Backoff time.Duration
}

// Client syncs one workspace with one platform.
type Client struct {
	ws   *store.Workspace
	base *url.URL
	opts Options

	mu         sync.Mutex // one sync at a time
	onProgress func(Progress)
}

// New links a client to ws. serverURL is the platform's address; empty
// uses the one the workspace was last synced with.
func New(ws *store.Workspace, serverURL string, opts Options) (*Client, error) {
	ctx := context.Background()
	if serverURL == "" {
		u, err := ws.Meta(ctx, metaURL)
		if err != nil {
			return nil, err
		}
		if u == "" {
			return nil, ErrNoPlatform
		}
		serverURL = u
	}
	base, err := url.Parse(strings.TrimRight(serverURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("client: %q is not a platform address (http://… or https://…)", serverURL)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.PushBatch <= 0 {
		opts.PushBatch = 500
	}
	if opts.PullPage <= 0 {
		opts.PullPage = protocol.MaxChangesLimit
	}
	if opts.Retries <= 0 {
		opts.Retries = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 250 * time.Millisecond
	}
	return &Client{ws: ws, base: base, opts: opts}, nil
}

// Workspace returns the workspace the client syncs.
func (c *Client) Workspace() *store.Workspace { return c.ws }

// Progress is a step of a sync, for a progress bar.
type Progress struct {
	// Stage is "login", "layers", "attachments" (sent), "push", "pull",
	// "photos" (attachments received) or "done".
	Stage string
	// Done and Total count the stage's items; Total 0 when unknown.
	Done, Total int
}

func (c *Client) progress(stage string, done, total int) {
	if c.onProgress != nil {
		c.onProgress(Progress{Stage: stage, Done: done, Total: total})
		return
	}
	if c.opts.Progress != nil {
		c.opts.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}

// LoggedIn reports whether the workspace holds a token that has not expired.
func (c *Client) LoggedIn(ctx context.Context) bool {
	token, _ := c.ws.Meta(ctx, metaToken)
	exp, _ := c.ws.Meta(ctx, metaTokenExpires)
	t, err := time.Parse(time.RFC3339, exp)
	return token != "" && err == nil && time.Now().Before(t)
}

// User returns the user name the workspace is linked with.
func (c *Client) User(ctx context.Context) string {
	u, _ := c.ws.Meta(ctx, metaUser)
	return u
}

// Login exchanges a user name and password for a token, kept in the
// workspace with the platform's address.
func (c *Client) Login(ctx context.Context, user, password string) (protocol.TokenResponse, error) {
	c.progress("login", 0, 1)
	var resp protocol.TokenResponse
	err := c.call(ctx, http.MethodPost, protocol.PathToken, "", protocol.TokenRequest{Username: user, Password: password}, func(r *http.Response) error {
		var err error
		resp, err = protocol.DecodeTokenResponse(r.Body, protocol.MaxTokenResponseBytes)
		return err
	})
	if err != nil {
		return resp, err
	}
	roles, _ := rolesJSON(resp.User.Roles)
	err = c.ws.Edit(ctx, func(tx *store.Tx) error {
		for k, v := range map[string]string{metaURL: c.base.String(), metaUser: user, metaToken: resp.Token,
			metaTokenExpires: resp.ExpiresAt.UTC().Format(time.RFC3339), metaRoles: roles} {
			if err := tx.SetMeta(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	c.progress("login", 1, 1)
	return resp, err
}

// clientID returns this installation's id, made once.
func (c *Client) clientID(ctx context.Context) (string, error) {
	id, err := c.ws.Meta(ctx, metaClientID)
	if err != nil || id != "" {
		return id, err
	}
	id = store.NewID()
	return id, c.ws.SetMeta(ctx, metaClientID, id)
}
