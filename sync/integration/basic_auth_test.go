package integration

import (
	"context"
	"io"
	"net/http"
	"testing"

	"terrimap/sync/server"
)

// QGIS and GDAL sign in to /ogc with a user's name and password (HTTP
// Basic) on either storage; a password changed, or an account removed,
// through another connection to the same database — as `terrimap-server
// user add` or `user remove` does while the platform serves — counts
// from the next request, although the platform remembers a checked
// password for a few minutes.
func TestBasicAuthOnEveryStorage(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		get := func(user, pw string) int {
			t.Helper()
			req, err := http.NewRequest(http.MethodGet, p.http.URL+"/ogc/collections/pei/items?limit=1", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(user, pw)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		for range 3 {
			if got := get("elu", password); got != http.StatusOK {
				t.Fatalf("elu by Basic: HTTP %d", got)
			}
		}
		other := openPlatformStorage(t, p.db)
		u, err := other.User(ctx, "elu")
		if err != nil {
			t.Fatal(err)
		}
		const newPassword = "un autre mot de passe"
		if u.PasswordHash, err = server.HashPasswordCost(newPassword, 4); err != nil {
			t.Fatal(err)
		}
		if err := other.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got := get("elu", password); got != http.StatusUnauthorized {
			t.Errorf("the old password after it changed: HTTP %d, want 401", got)
		}
		if got := get("elu", newPassword); got != http.StatusOK {
			t.Errorf("the new password: HTTP %d, want 200", got)
		}
		if err := other.RemoveUser(ctx, "elu"); err != nil {
			t.Fatal(err)
		}
		if got := get("elu", newPassword); got != http.StatusUnauthorized {
			t.Errorf("a removed account: HTTP %d, want 401", got)
		}
	})
}
