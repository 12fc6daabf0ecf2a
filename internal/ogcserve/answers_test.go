package ogcserve

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// answer is a request to a server and a text its answer must hold.
type answer struct{ url, want string }

// expectAnswers asks each url and checks the answer is HTTP 200 with want in it.
func expectAnswers(t *testing.T, answers []answer) {
	t.Helper()
	for _, a := range answers {
		resp, err := http.Get(a.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), a.want) {
			t.Errorf("%s: HTTP %d, %q not in %.300s", a.url, resp.StatusCode, a.want, body)
		}
	}
}
