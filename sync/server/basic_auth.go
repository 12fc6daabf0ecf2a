package server

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"terrimap/sync/protocol"
)

// HTTP Basic authentication (RFC 7617) on the routes GIS clients open:
// QGIS 3.22 cannot send a bearer token, only the user name and password of
// an authentication configuration. A platform user signs in there with
// their own name and password, with the same rights as in Terrimap; the
// password goes through the same check, throttle and log as
// POST /api/v1/token (passwordSignIn), and a checked credential is
// remembered for a few minutes (credentialCache) so that the hundreds of
// requests of one layer do not each cost a bcrypt check.

// headerWWWAuthenticate is the challenge header of a 401.
const headerWWWAuthenticate = "WWW-Authenticate"

// basicChallenge asks a client for a user name and password (RFC 7617);
// bearerChallenge says a token works too. A request to a GIS route without
// credentials gets both, in two header lines, Basic first: a client that
// can do Basic, but not the token (QGIS), asks its user for a password.
const (
	basicChallenge  = `Basic realm="Terrimap", charset="UTF-8"`
	bearerChallenge = `Bearer realm="Terrimap"`
)

// maxBasicHeader bounds the Authorization header read as Basic: a user
// name and a password of at most 72 bytes (bcrypt's limit) fit well within.
const maxBasicHeader = 1024

// basicCredentials reads an Authorization header of the Basic scheme: the
// base64 of "user:password" (the user name up to the first colon). ok is
// false for another scheme or a header that is not one: too long, not
// base64, without a colon, or a user name that is empty, not UTF-8 or
// holds control characters.
func basicCredentials(header string) (name, password string, ok bool) {
	const scheme = "basic "
	if len(header) > maxBasicHeader || len(header) < len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", "", false
	}
	encoded := strings.TrimSpace(header[len(scheme):])
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(encoded); err != nil {
			return "", "", false
		}
	}
	name, password, found := strings.Cut(string(raw), ":")
	if !found || name == "" || !printable(name) {
		return "", "", false
	}
	return name, password, true
}

// printable reports whether s is UTF-8 without control characters.
func printable(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// gisAuthed wraps a handler of the routes GIS clients open (/ogc, the
// basemap's tiles): as authed, with HTTP Basic credentials accepted as
// well as a bearer token. A request without either is answered 401 with
// both challenges, so that a client asks for a user name and password.
func (s *Server) gisAuthed(h func(http.ResponseWriter, *http.Request, User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get(protocol.HeaderAuthorization)
		var u User
		var ok bool
		if name, password, basic := basicCredentials(header); basic {
			u, ok = s.basicUser(w, r, name, password)
		} else if _, bearer := protocol.BearerToken(header); bearer {
			u, ok = s.authenticate(w, r, true)
		} else {
			w.Header().Add(headerWWWAuthenticate, basicChallenge)
			w.Header().Add(headerWWWAuthenticate, bearerChallenge)
			writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized,
				"Connectez-vous avec le nom d'utilisateur et le mot de passe de votre compte sur la plateforme.")
		}
		if ok {
			serveAs(w, r, u, h)
		}
	})
}

// basicUser returns the user whose name and password a request carries,
// or answers the request and returns false. A browser sends Basic
// credentials by itself, even for another site's page: a write from
// another site's page is refused (http.CrossOriginProtection), as a token
// never needed.
func (s *Server) basicUser(w http.ResponseWriter, r *http.Request, name, password string) (User, bool) {
	if err := new(http.CrossOriginProtection).Check(r); err != nil {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden,
			"Modification refusée : la requête vient d'une page d'un autre site.")
		return User{}, false
	}
	key := s.guard.creds.key(name, password)
	if u, ok, answered := s.cachedBasicUser(w, r, name, key); ok || answered {
		return u, ok
	}
	done, err := s.guard.creds.checking(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return User{}, false
	}
	defer done()
	// Another request with the same credential may have checked it while
	// this one waited its turn.
	if u, ok, answered := s.cachedBasicUser(w, r, name, key); ok || answered {
		return u, ok
	}
	u, ok := s.passwordSignIn(w, r, name, password, basicChallenge)
	if !ok {
		return User{}, false
	}
	now := s.opts.Now()
	if err := s.st.RecordLogin(r.Context(), u.Name, now); err != nil {
		s.fail(w, r, err)
		return User{}, false
	}
	s.guard.creds.put(key, u.PasswordHash, now)
	return u, true
}

// cachedBasicUser returns the user named name when the credential key was
// checked lately against their current password. answered is true when it
// has answered the request (the user could not be read).
func (s *Server) cachedBasicUser(w http.ResponseWriter, r *http.Request, name string, key credentialKey) (u User, ok, answered bool) {
	u, err := s.st.User(r.Context(), name)
	switch {
	case err == nil:
		return u, s.guard.creds.holds(key, u.PasswordHash, s.opts.Now()), false
	case errors.Is(err, ErrNotFound):
		return User{}, false, false
	}
	s.fail(w, r, err)
	return User{}, false, true
}
