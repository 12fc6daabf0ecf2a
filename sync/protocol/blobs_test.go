package protocol

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBlobHash(t *testing.T) {
	if got := BlobHash([]byte("test")); got != hashA || !ValidBlobHash(got) {
		t.Errorf("BlobHash = %s", got)
	}
	for _, bad := range []string{"", strings.ToUpper(hashA), hashA[:63], hashA + "0", strings.Replace(hashA, "9", "g", 1)} {
		if ValidBlobHash(bad) {
			t.Errorf("ValidBlobHash(%q)", bad)
		}
	}
}

var contentRangeCases = []struct {
	in   string
	want ContentRange
	err  bool
}{
	{in: "bytes 0-99/1000", want: ContentRange{0, 100, 1000}},
	{in: "bytes 900-999/1000", want: ContentRange{900, 100, 1000}},
	{in: "bytes 0-0/1", want: ContentRange{0, 1, 1}},
	{in: "bytes */1000", want: ContentRange{0, 0, 1000}},
	{in: "bytes */0", want: ContentRange{0, 0, 0}},
	{in: "bytes 0-1000/1000", err: true},
	{in: "bytes 5-4/1000", err: true},
	{in: "bytes 0-99/*", err: true},
	{in: "bits 0-99/1000", err: true},
	{in: "bytes -5-99/1000", err: true},
	{in: "bytes +5-99/1000", err: true},
	{in: "bytes 0-99/1000000000000", err: true},
	{in: "bytes 0-99/99999999999999999999", err: true},
	{in: "bytes 0 - 99/1000", err: true},
	{in: "bytes 099", err: true},
	{in: "", err: true},
}

func TestContentRange(t *testing.T) {
	for _, c := range contentRangeCases {
		got, err := ParseContentRange(c.in)
		if c.err {
			if !errors.Is(err, ErrBadContentRange) {
				t.Errorf("ParseContentRange(%q) = %+v, %v; want an error", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseContentRange(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if s := got.String(); s != c.in {
			t.Errorf("%+v.String() = %q, want %q", got, s, c.in)
		}
	}
	if got := FormatContentRange(100, 50, 1000); got != "bytes 100-149/1000" {
		t.Errorf("FormatContentRange = %q", got)
	}
}

func TestPaths(t *testing.T) {
	if got := BlobPath(hashA); got != "/api/v1/blobs/"+hashA {
		t.Errorf("BlobPath = %q", got)
	}
	if got := HistoryPath("a/b c"); got != "/api/v1/features/a%2Fb%20c/history" {
		t.Errorf("HistoryPath = %q", got)
	}
	if got := ChangesPath(42, 100); got != "/api/v1/changes?limit=100&since=42" {
		t.Errorf("ChangesPath = %q", got)
	}
	for _, c := range []struct {
		query string
		since int64
		limit int
		bad   bool
	}{
		{"", 0, DefaultChangesLimit, false},
		{"since=42&limit=10", 42, 10, false},
		{"limit=999999", 0, MaxChangesLimit, false},
		{"since=-1", 0, 0, true},
		{"since=x", 0, 0, true},
		{"limit=0", 0, 0, true},
	} {
		q, _ := url.ParseQuery(c.query)
		since, limit, err := ParseChangesQuery(q)
		if c.bad != (err != nil) || !c.bad && (since != c.since || limit != c.limit) {
			t.Errorf("ParseChangesQuery(%q) = %d, %d, %v", c.query, since, limit, err)
		}
		if err != nil && !errors.Is(err, ErrBadQuery) {
			t.Errorf("error %v is not ErrBadQuery", err)
		}
	}
	for route, path := range map[string]string{RoutePush: PathPush, RouteHistory: PathFeatures + "/{id}/history"} {
		if !strings.HasSuffix(route, " "+path) {
			t.Errorf("route %q does not serve %q", route, path)
		}
	}
}

func TestProtocolAndBearer(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "1": true, "1.3": true, " 1 ": true, "2": false, "10": false, "x": false} {
		if err := CheckProtocol(v); (err == nil) != ok || err != nil && !errors.Is(err, ErrProtocolVersion) {
			t.Errorf("CheckProtocol(%q) = %v", v, err)
		}
	}
	if tok, ok := BearerToken(Authorization("abc")); !ok || tok != "abc" {
		t.Errorf("BearerToken = %q, %v", tok, ok)
	}
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic abc", "bearer  "} {
		if tok, ok := BearerToken(h); ok {
			t.Errorf("BearerToken(%q) = %q", h, tok)
		}
	}
	if tok, _ := BearerToken("bearer abc"); tok != "abc" {
		t.Errorf("lowercase scheme: %q", tok)
	}
}

func TestAPIError(t *testing.T) {
	cases := []struct {
		status    int
		body      string
		code      string
		temporary bool
		is        error
	}{
		{401, `{"code":"unauthorized","message":"Votre session a expiré : reconnectez-vous."}`, CodeUnauthorized, false, ErrUnauthorized},
		{403, `{"code":"forbidden","message":"Non."}`, CodeForbidden, false, ErrForbidden},
		{404, ``, CodeNotFound, false, ErrNotFound},
		{409, `{"code":"bad_range","message":"x"}`, CodeBadRange, false, ErrConflict},
		{413, `<html>Request Entity Too Large</html>`, CodeTooLarge, false, ErrTooLarge},
		{429, `{"code":"rate_limited","message":"Patientez."}`, CodeRateLimited, true, nil},
		{500, `panic`, CodeInternal, true, nil},
		{502, ``, CodeUnavailable, true, nil},
		{503, `{"code":"unavailable","message":"Maintenance."}`, CodeUnavailable, true, nil},
		{400, `{"code":"malformed","message":"x"}`, CodeMalformed, false, nil},
		{501, ``, CodeInternal, false, nil},
	}
	for _, c := range cases {
		e := NewAPIError(c.status, strings.NewReader(c.body))
		if e.Code != c.code || e.Temporary() != c.temporary || e.Message == "" {
			t.Errorf("%d %s: %+v temporary=%v", c.status, c.body, e, e.Temporary())
		}
		if c.is != nil && !errors.Is(e, c.is) {
			t.Errorf("%d: errors.Is(%v) false", c.status, c.is)
		}
		for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrTooLarge} {
			if other != c.is && errors.Is(e, other) {
				t.Errorf("%d matches %v", c.status, other)
			}
		}
		if !strings.HasPrefix(e.Error(), "protocol: HTTP ") {
			t.Errorf("Error() = %q", e.Error())
		}
	}
	for _, code := range []string{CodeMalformed, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeTooLarge, CodeRateLimited, CodeUnavailable, CodeInternal} {
		if got := NewAPIError(StatusFor(code), nil).Code; got != code && code != CodeMalformed {
			t.Errorf("StatusFor(%s) = %d, read back as %s", code, StatusFor(code), got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"120":                           2 * time.Minute,
		"-1":                            0,
		"soon":                          0,
		"Fri, 14 Mar 2025 09:31:00 GMT": time.Minute,
		"Fri, 14 Mar 2025 09:29:00 GMT": 0,
	} {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestRoles(t *testing.T) {
	u := UserInfo{Name: "agent", Roles: []Membership{{Org: OrgCCMT, Role: RoleViewer}, {Org: "71543", Role: RoleEditor}}}
	if r, ok := u.RoleIn("71543"); !ok || !r.CanWrite() || !u.CanWrite() {
		t.Errorf("editor of Tournus: %v %v", r, ok)
	}
	if RoleViewer.CanWrite() || Role("superuser").CanWrite() || Role("superuser").Valid() || !RoleAdmin.CanWrite() {
		t.Error("roles")
	}
	if (UserInfo{Roles: []Membership{{Org: OrgCCMT, Role: RoleViewer}}}).CanWrite() {
		t.Error("a viewer writes")
	}
}
