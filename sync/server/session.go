package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"terrimap/sync/protocol"
)

// accountGuard is what protects accounts: the login throttle, the gate on
// password checks, the cache of HTTP Basic credentials checked lately and
// the reverse proxies believed about client addresses.
type accountGuard struct {
	throttle *loginThrottle
	gate     *hashGate
	creds    *credentialCache
	proxies  proxies
}

// passwordCheckWait is how long a login waits for a password check slot
// before it is answered 503.
const passwordCheckWait = 3 * time.Second

func newAccountGuard(opts Options) accountGuard {
	return accountGuard{
		throttle: newLoginThrottle(),
		gate:     newHashGate(opts.PasswordChecks, passwordCheckWait),
		creds:    newCredentialCache(credentialTTL, maxCredentials),
		proxies:  proxies(opts.TrustedProxies),
	}
}

// secureResponse prepares every answer: browsers must not guess another
// type than the one sent, nothing is kept by caches unless the handler
// says otherwise (attachments and basemap tiles do), and forwarding
// headers from anyone but a trusted proxy are dropped.
func (s *Server) secureResponse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	s.guard.proxies.dropUntrusted(r)
}

// handleToken signs a user in and gives their desk a token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	req, err := protocol.DecodeTokenRequest(r.Body, protocol.MaxTokenRequestBytes)
	if err != nil {
		decodeError(w, err)
		return
	}
	u, ok := s.passwordSignIn(w, r, req.Username, req.Password, "")
	if !ok {
		return
	}
	now := s.opts.Now()
	token, expires, err := issueToken(r.Context(), s.st, u.Name, s.opts.TokenTTL, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, protocol.TokenResponse{Token: token, ExpiresAt: expires, User: protocol.UserInfo{Name: u.Name, Roles: u.Memberships}})
}

// passwordSignIn checks a user name and password, as every sign-in does
// (POST /api/v1/token, HTTP Basic on /ogc and the tiles): throttled per
// user name and per address, each failure logged (never the password) and
// counted, the check within the gate on password checks. When it returns
// false it has answered the request; a 401 carries challenge as its
// WWW-Authenticate when challenge is not "".
func (s *Server) passwordSignIn(w http.ResponseWriter, r *http.Request, name, password, challenge string) (User, bool) {
	addr, now := s.guard.proxies.clientAddr(r), s.opts.Now()
	if wait := s.guard.throttle.wait(now, name, addr); wait > 0 {
		w.Header().Set(protocol.HeaderRetryAfter, retryAfter(wait))
		writeError(w, http.StatusTooManyRequests, protocol.CodeRateLimited,
			"Trop d'essais de connexion manqués : réessayez dans "+frenchDelay(wait)+".")
		return User{}, false
	}
	u, err := s.checkPassword(r.Context(), name, password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		s.opts.Logger.Warn("login failed", "user", name, "addr", addr)
		if s.guard.throttle.failed(now, name, addr) {
			s.opts.Logger.Warn("login throttled: repeated failures", "user", name, "addr", addr)
		}
		if challenge != "" {
			w.Header().Set(headerWWWAuthenticate, challenge)
		}
		writeError(w, http.StatusUnauthorized, protocol.CodeBadCredentials, "Nom d'utilisateur ou mot de passe incorrect.")
		return User{}, false
	case errors.Is(err, errBusy):
		w.Header().Set(protocol.HeaderRetryAfter, "2")
		writeError(w, http.StatusServiceUnavailable, protocol.CodeUnavailable,
			"La plateforme vérifie beaucoup de connexions en ce moment : réessayez dans un instant.")
		return User{}, false
	case err != nil:
		s.fail(w, r, err)
		return User{}, false
	}
	s.guard.throttle.succeeded(now, u.Name, addr)
	return u, true
}

// handleSignOut revokes the token the request carries: the desk that
// signs out leaves nothing usable behind.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request, _ User) {
	token, _ := protocol.BearerToken(r.Header.Get(protocol.HeaderAuthorization)) // authed read it
	if err := s.st.RevokeToken(r.Context(), tokenHash(token)); err != nil && !errors.Is(err, ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// retryAfter writes a wait as Retry-After seconds, rounded up.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// frenchDelay says a wait in French, rounded up: "1 seconde", "40
// secondes", "3 minutes".
func frenchDelay(d time.Duration) string {
	n, unit := int(math.Ceil(d.Seconds())), "seconde"
	if n > 90 {
		n, unit = int(math.Ceil(d.Minutes())), "minute"
	}
	if n > 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}
