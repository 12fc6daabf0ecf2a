// Package server is the platform Terrimap syncs with: the sync API
// (/api/v1: token, layers, change feed, push, attachments, history), OGC
// API – Features (/ogc) for QGIS, GDAL and any standard client, and the
// rules it enforces (who may read and edit what, where; every version of
// every feature kept). Storage sits behind the Storage interface.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"time"

	"terrimap/sync/protocol"
)

// Options tune a Server.
type Options struct {
	// TokenTTL is how long a token works; default 30 days, so that an agent
	// offline for weeks can still sync without typing their password.
	TokenTTL time.Duration
	// Logger receives one line per failure; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Deadlines bound each request's arrival and answer; default
	// DefaultDeadlines.
	Deadlines Deadlines
	// Version names the build in GET /healthz; default the module's
	// version or VCS revision.
	Version string
	// Basemap, when set, draws the tiles of /tiles/{style}/{z}/{x}/{y}.png
	// (basemap.New); without it the route answers 501.
	Basemap BasemapTiles
	// TrustedProxies are the reverse proxies (ParseTrustedProxies) whose
	// X-Forwarded-Host, -Proto and -For are believed; from anyone else
	// these headers are dropped. None by default.
	TrustedProxies []netip.Prefix
	// PasswordChecks bounds the password checks run at once; default half
	// the CPUs (at least one).
	PasswordChecks int
}

// Server answers the platform's HTTP API over a Storage.
type Server struct {
	st    Storage
	opts  Options
	mux   *http.ServeMux
	guard accountGuard
}

// New returns a Server over st.
func New(st Storage, opts Options) *Server {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 30 * 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Deadlines.Base <= 0 || opts.Deadlines.MinRate <= 0 {
		opts.Deadlines = DefaultDeadlines()
	}
	if opts.Version == "" {
		opts.Version = buildVersion()
	}
	s := &Server{st: st, opts: opts, mux: http.NewServeMux(), guard: newAccountGuard(opts)}
	s.routes()
	return s
}

// Logger is the server's logger (Options.Logger, or slog.Default()): the
// request log, failures and security events (failed logins…) share it.
func (s *Server) Logger() *slog.Logger { return s.opts.Logger }

// Handle adds a handler to the server's routes (the rendered basemap, for
// instance), with a net/http.ServeMux pattern.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w, r, end := s.begin(rw, r)
	defer end()
	w.Header().Set(protocol.HeaderProtocol, protocol.ProtocolVersion)
	s.secureResponse(w, r)
	if err := protocol.CheckProtocol(r.Header.Get(protocol.HeaderProtocol)); err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeProtocolVersion,
			"Cette version de Terrimap ne parle pas le même protocole que la plateforme : mettez Terrimap à jour.")
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	s.mux.HandleFunc(RouteHealth, s.handleHealth)
	s.mux.HandleFunc(protocol.RouteToken, s.handleToken)
	s.mux.Handle(protocol.RouteSignOut, s.authed(s.handleSignOut))
	s.mux.Handle(protocol.RouteLayers, s.authed(s.handleLayers))
	s.mux.Handle(protocol.RouteChanges, s.authed(s.handleChanges))
	s.mux.Handle(protocol.RoutePush, s.authed(s.handlePush))
	s.mux.Handle(protocol.RouteLayerPut, s.authed(s.handleLayerPut))
	s.mux.Handle(protocol.RouteHistory, s.authed(s.handleHistory))
	s.mux.Handle(protocol.RouteBlobPut, s.authed(s.handleBlobPut))
	s.mux.Handle(protocol.RouteBlobGet, s.authed(s.handleBlobGet))
	s.mux.Handle(routeTiles, s.gisAuthed(s.serveTile))
	s.ogcRoutes()
}

type userKey struct{}

// authed wraps a handler that needs a signed-in user (Authorization: Bearer).
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := s.authenticate(w, r, false); ok {
			serveAs(w, r, u, h)
		}
	})
}

// serveAs answers a request with h for the signed-in user u, who is put in
// the request's log line and context (RequestUser).
func serveAs(w http.ResponseWriter, r *http.Request, u User, h func(http.ResponseWriter, *http.Request, User)) {
	if info := infoOf(r.Context()); info != nil {
		info.user = u.Name
	}
	h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
}

// authenticate returns the user of the request's bearer token, or answers
// 401 and returns false. basicToo, on the routes that accept HTTP Basic as
// well (gisAuthed), puts the Basic challenge before the Bearer one.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, basicToo bool) (User, bool) {
	challenge := func(bearer string) {
		if basicToo {
			w.Header().Add(headerWWWAuthenticate, basicChallenge)
		}
		w.Header().Add(headerWWWAuthenticate, bearer)
	}
	token, ok := protocol.BearerToken(r.Header.Get(protocol.HeaderAuthorization))
	if !ok {
		challenge(bearerChallenge)
		writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, "Connectez-vous à la plateforme (jeton absent).")
		return User{}, false
	}
	name, err := s.st.TokenUser(r.Context(), tokenHash(token), s.opts.Now())
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			s.fail(w, r, err)
			return User{}, false
		}
		challenge(bearerChallenge + `, error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, "Votre session a expiré ou n'est pas valide : reconnectez-vous à la plateforme.")
		return User{}, false
	}
	u, err := s.st.User(r.Context(), name)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			challenge(bearerChallenge + `, error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, "Ce compte n'existe plus sur la plateforme.")
		} else {
			s.fail(w, r, err)
		}
		return User{}, false
	}
	return u, true
}

// fail logs an internal error and answers 500 without its details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		// The client left: whatever was under way was given up (a push
		// rolled back). Not a success, and not the platform's failure.
		writeError(w, statusClientClosed, protocol.CodeUnavailable, "La requête a été abandonnée avant d'aboutir.")
		return
	}
	if errors.Is(err, ErrBusy) {
		refuseBusy(w)
		return
	}
	id := ""
	if info := infoOf(r.Context()); info != nil {
		id = info.id
	}
	s.opts.Logger.Error("request failed", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, protocol.CodeInternal,
		"La plateforme a rencontré une erreur : réessayez plus tard, vos modifications sont conservées sur votre poste.")
}

// writeError answers with an ErrorResponse.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
	w.WriteHeader(status)
	protocol.Encode(w, protocol.ErrorResponse{Code: code, Message: message})
}

// writeJSON answers 200 with msg.
func writeJSON(w http.ResponseWriter, msg any) {
	w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
	protocol.Encode(w, msg)
}

// decodeError answers a request body that could not be read. One that
// did not arrive by its deadline (a poor line) is a 408, which the client
// tries again, not a request the platform could not read.
func decodeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, protocol.ErrTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "La requête est trop volumineuse.")
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, protocol.CodeMalformed,
			"La requête arrive trop lentement sur la plateforme : rien n'a été enregistré, réessayez.")
		return
	}
	writeError(w, http.StatusBadRequest, protocol.CodeMalformed, "La requête est illisible : "+err.Error())
}
