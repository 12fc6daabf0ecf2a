package server

import "context"

// RequestUser returns the name of the signed-in user a request is answered
// for: every route that needs a token puts the user in the request's
// context before the Storage is called, so that a Storage can serve that
// user's own writes back to them (pgstore reads the feed from the primary,
// not from a replica that has not yet replayed the user's last push).
// ok is false outside such a request (a tool, the capture worker).
func RequestUser(ctx context.Context) (name string, ok bool) {
	u, ok := ctx.Value(userKey{}).(User)
	if !ok || u.Name == "" {
		return "", false
	}
	return u.Name, true
}

// WithRequestUser returns ctx carrying name as the request's user, as a
// signed-in request does: for tools and tests that call a Storage
// directly on a user's behalf.
func WithRequestUser(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, userKey{}, User{Name: name})
}
