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
// password checks and the reverse proxies believed about client addresses.
type accountGuard struct {
	throttle *loginThrottle
	gate     *hashGate
	proxies  proxies
}

// passwordCheckWait is how long a login waits for a password check slot
// before it is answered 503.
const passwordCheckWait = 3 * time.Second

func newAccountGuard(opts Options) accountGuard {
	return accountGuard{
		throttle: newLoginThrottle(),
		gate:     newHashGate(opts.PasswordChecks, passwordCheckWait),
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

// handleToken signs a user in: throttled per user name and per address,
// failures logged (never the password).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	req, err := protocol.DecodeTokenRequest(r.Body, protocol.MaxTokenRequestBytes)
	if err != nil {
		decodeError(w, err)
		return
	}
	addr, now := s.guard.proxies.clientAddr(r), s.opts.Now()
	if wait := s.guard.throttle.wait(now, req.Username, addr); wait > 0 {
		w.Header().Set(protocol.HeaderRetryAfter, retryAfter(wait))
		writeError(w, http.StatusTooManyRequests, protocol.CodeRateLimited,
			"Trop d'essais de connexion manqués : réessayez dans "+frenchDelay(wait)+".")
		return
	}
	u, err := s.checkPassword(r.Context(), req.Username, req.Password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		s.opts.Logger.Warn("login failed", "user", req.Username, "addr", addr)
		if s.guard.throttle.failed(now, req.Username, addr) {
			s.opts.Logger.Warn("login throttled: repeated failures", "user", req.Username, "addr", addr)
		}
		writeError(w, http.StatusUnauthorized, protocol.CodeBadCredentials, "Nom d'utilisateur ou mot de passe incorrect.")
		return
	case errors.Is(err, errBusy):
		w.Header().Set(protocol.HeaderRetryAfter, "2")
		writeError(w, http.StatusServiceUnavailable, protocol.CodeUnavailable,
			"La plateforme vérifie beaucoup de connexions en ce moment : réessayez dans un instant.")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.guard.throttle.succeeded(now, u.Name, addr)
	token, expires, err := issueToken(r.Context(), s.st, u.Name, s.opts.TokenTTL, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, protocol.TokenResponse{Token: token, ExpiresAt: expires, User: protocol.UserInfo{Name: u.Name, Roles: u.Memberships}})
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
