package main

import (
	"fmt"
	"strings"
	"testing"

	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// A platform that answers with errors is not told as one that cannot be
// reached: the user learns it answers, and whom to tell.
func TestExplainSyncErrors(t *testing.T) {
	failing := fmt.Errorf("%w: push: %w", client.ErrPlatformFailing, &protocol.APIError{StatusCode: 500, Code: "internal", Message: "erreur"})
	down := fmt.Errorf("%w: push: %w", client.ErrUnreachable, fmt.Errorf("dial tcp: connection refused"))
	for _, c := range []struct {
		err  error
		want string
	}{
		{failing, "the platform answers but fails (HTTP 500)"},
		{down, "the platform cannot be reached"},
	} {
		if got := explain(c.err).Error(); !strings.HasPrefix(got, c.want) {
			t.Errorf("explain(%v) = %q, want it to start %q", c.err, got, c.want)
		}
	}
}

func TestCounted(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 conflicts"}, {1, "1 conflict"}, {2, "2 conflicts"}} {
		if got := counted(c.n, "conflict"); got != c.want {
			t.Errorf("counted(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
