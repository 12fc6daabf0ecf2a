package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// A JSON call whose body stalls past its deadline (a push on a poor line)
// is answered 408, which the client tries again, in words for a person:
// not a 400 «illisible» quoting the socket's error, which the client takes
// for a refusal of the push itself.
func TestStalledPushIsATimeout(t *testing.T) {
	f := newPlatformFixture(t)
	f.srv.opts.Deadlines = Deadlines{Base: 300 * time.Millisecond, MinRate: 1 << 30}
	auth := "Authorization: " + protocol.Authorization(f.tokens["agent"])
	push, _ := json.Marshal(protocol.PushRequest{ClientID: "slow", Changes: []protocol.PushChange{createHydrant(newID(), orb.Point{4.9, 46.55}, nil)}})
	code, body := f.rawAnswer(t, "POST "+protocol.PathPush+" HTTP/1.1\r\n"+auth, push, 10)
	if code != http.StatusRequestTimeout {
		t.Errorf("stalled push: HTTP %d, want 408", code)
	}
	var e protocol.ErrorResponse
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Message == "" {
		t.Fatalf("answer %q: %v", body, err)
	}
	for _, internal := range []string{"tcp", "timeout", "127.0.0.1", "protocol:"} {
		if strings.Contains(e.Message, internal) {
			t.Errorf("the message speaks of %q: %q", internal, e.Message)
		}
	}
}
