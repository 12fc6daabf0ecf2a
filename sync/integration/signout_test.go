package integration

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// tokenWorks reports whether the platform still takes a token.
func (p *platform) tokenWorks(t *testing.T, token string) bool {
	req, _ := http.NewRequest(http.MethodGet, p.http.URL+protocol.PathLayers, nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestSignOutRevokesTheToken(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		office, field := p.newDesk("tournus"), p.newDesk("tournus")
		token, err := office.ws.Meta(ctx, "platform.token")
		if err != nil || token == "" {
			t.Fatalf("token kept at sign-in: %q, %v", token, err)
		}
		id := office.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "T-09"})
		if err := office.c.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		if office.c.LoggedIn(ctx) {
			t.Error("still signed in on the desk")
		}
		if p.tokenWorks(t, token) {
			t.Error("the platform still takes the signed-out token")
		}
		if _, err := office.c.Sync(ctx); !errors.Is(err, client.ErrNotLoggedIn) {
			t.Errorf("sync after sign-out: %v, want ErrNotLoggedIn", err)
		}
		if _, ok := office.get("pei", id); !ok {
			t.Error("the edit waiting to be sent is gone")
		}
		field.sync() // the same user's other desk goes on
	})
}

func TestSignOutOffline(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := p.newDesk("tournus")
		id := d.create("pei", orb.Point{4.9, 46.55}, nil)
		p.http.Close()
		if err := d.c.Logout(ctx); err != nil {
			t.Fatalf("sign-out offline: %v", err)
		}
		if d.c.LoggedIn(ctx) {
			t.Error("still signed in on the desk after an offline sign-out")
		}
		if _, ok := d.get("pei", id); !ok {
			t.Error("the edit waiting to be sent is gone")
		}
	})
}
