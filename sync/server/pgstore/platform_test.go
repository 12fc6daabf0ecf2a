package pgstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// testPassword is every test user's password.
const testPassword = "mot de passe sûr"

// httpPlatform is a platform served over real HTTP, with a token per user.
type httpPlatform struct {
	t      *testing.T
	pg     *Storage
	blobs  *server.BlobStore
	url    string
	tokens map[string]string
}

// newHTTPPlatform serves a platform on a new PostgreSQL database, with users "agent" (an editor of the
// intercommunality), "tournus" (an editor of Tournus) and "elu" (a viewer),
// each signed in.
func newHTTPPlatform(t *testing.T) *httpPlatform {
	t.Helper()
	ctx := context.Background()
	st := openTestStorage(t)
	for _, o := range []server.Organisation{
		{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"},
		{ID: "71543", Name: "Tournus", Territory: tournusSquare},
	} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(testPassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]protocol.Membership{
		"agent":   {Org: protocol.OrgCCMT, Role: protocol.RoleEditor},
		"tournus": {Org: "71543", Role: protocol.RoleEditor},
		"elu":     {Org: "71543", Role: protocol.RoleViewer},
	}
	for name, m := range users {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: []protocol.Membership{m}}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	t.Cleanup(srv.Close)
	p := &httpPlatform{t: t, pg: st, blobs: st.Blobs(), url: srv.URL, tokens: map[string]string{}}
	for name := range users {
		p.tokens[name] = p.signIn(name)
	}
	return p
}

// signIn returns a new token of user.
func (p *httpPlatform) signIn(user string) string {
	p.t.Helper()
	body, _ := json.Marshal(protocol.TokenRequest{Username: user, Password: testPassword})
	req, _ := http.NewRequest(http.MethodPost, p.url+protocol.PathToken, bytes.NewReader(body))
	req.Header.Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok protocol.TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK {
		p.t.Fatalf("sign in %s: HTTP %d %v", user, resp.StatusCode, err)
	}
	return tok.Token
}

// request sends a request as user (none when empty) and returns the
// answer, its body read.
func (p *httpPlatform) request(user, method, path string, body []byte, header map[string]string) (*http.Response, []byte) {
	p.t.Helper()
	req, _ := http.NewRequest(method, p.url+path, bytes.NewReader(body))
	if user != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(p.tokens[user]))
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.Bytes()
}

// putBlob uploads data[offset:] of a blob of len(data) bytes, named hash,
// and returns the HTTP status and the answer's body.
func (p *httpPlatform) putBlob(user, hash string, data []byte, offset, end int64) (int, []byte) {
	p.t.Helper()
	size := int64(len(data))
	resp, body := p.request(user, http.MethodPut, protocol.BlobPath(hash), data[offset:end],
		map[string]string{protocol.HeaderContentRange: protocol.FormatContentRange(offset, end-offset, size)})
	return resp.StatusCode, body
}

// cutUpload sends the first n bytes of data as a whole upload of it and
// hangs up its sending side: the line that drops mid-photo.
func (p *httpPlatform) cutUpload(user string, data []byte, n int) int {
	p.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		p.t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: terrimap\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n",
		protocol.BlobPath(protocol.BlobHash(data)), protocol.Authorization(p.tokens[user]), len(data))
	conn.Write(data[:n])
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0 // nothing written: fine for a client that left
	}
	resp.Body.Close()
	return resp.StatusCode
}
