package pgstore

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// When the platform cannot tell whether a change's photo has arrived (its
// attachments' table unreadable), the push fails and nothing is answered
// for good: sent again once the database is back, the change is applied.
// (A change refused as «photo not arrived» would keep that answer for its
// change id.)
func TestPushWhileAttachmentsCannotBeReadFails(t *testing.T) {
	ctx := context.Background()
	p := newHTTPPlatform(t)
	if err := p.pg.PutLayer(ctx, server.LayerRecord{Schema: hydrants()}); err != nil {
		t.Fatal(err)
	}
	photo := photoBytes(61, 3000)
	hash := protocol.BlobHash(photo)
	if code, body := p.putBlob("agent", hash, photo, 0, int64(len(photo))); code != http.StatusOK {
		t.Fatalf("upload: HTTP %d %s", code, body)
	}
	f := hydrant(1, 0)
	change := protocol.PushChange{ChangeID: testID(9001), Layer: "hydrants", ID: testID(1), Op: protocol.OpCreate,
		Properties: f.Properties, GeometryChanged: true, Geometry: f.Geometry, Attachments: []string{hash}}
	body, err := json.Marshal(protocol.PushRequest{ClientID: "bureau", Changes: []protocol.PushChange{change}})
	if err != nil {
		t.Fatal(err)
	}
	push := func() (int, []byte) {
		resp, answer := p.request("agent", http.MethodPost, protocol.PathPush, body,
			map[string]string{protocol.HeaderContentType: protocol.ContentTypeJSON})
		return resp.StatusCode, answer
	}
	rename := func(from, to string) {
		if _, err := p.pg.pool.Exec(ctx, `ALTER TABLE terrimap.`+from+` RENAME TO `+to); err != nil {
			t.Fatal(err)
		}
	}
	rename("blobs", "blobs_away")
	if code, answer := push(); code < 500 {
		t.Errorf("push while the attachments cannot be read: HTTP %d %s, want a server error", code, answer)
	}
	rename("blobs_away", "blobs")
	code, answer := push()
	var resp protocol.PushResponse
	if code != http.StatusOK || json.Unmarshal(answer, &resp) != nil || len(resp.Results) != 1 || resp.Results[0].Status != protocol.StatusApplied {
		t.Errorf("the same push once the database is back: HTTP %d %s", code, answer)
	}
}
