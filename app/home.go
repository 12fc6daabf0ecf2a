package app

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// home is the user's own territory, as the platform said at sign-in: the
// commune (or the intercommunality) she works for, named as she says it,
// and where its territory lies when the workspace holds it.
type home struct {
	// name is the organisation's name ("Tournus"); "" when the
	// workspace knows of none (not linked to a platform).
	name string
	// bound frames the commune's territory; framed is false when the
	// workspace does not hold it (the intercommunality: all its layers).
	bound  orb.Bound
	framed bool
}

// loadHome reads the user's territory from the workspace: the first
// commune among her organisations (an editor's before a viewer's), else
// the intercommunality. It does I/O: off the UI goroutine.
func (s *session) loadHome(ctx context.Context) home {
	if s.client == nil {
		return home{}
	}
	var chosen *protocol.Membership
	ms := s.client.Memberships(ctx)
	for i, m := range ms {
		if m.Org == protocol.OrgCCMT {
			if chosen == nil {
				chosen = &ms[i]
			}
			continue
		}
		if chosen == nil || chosen.Org == protocol.OrgCCMT || (m.Role.CanWrite() && !chosen.Role.CanWrite()) {
			chosen = &ms[i]
		}
	}
	if chosen == nil {
		return home{}
	}
	h := home{name: chosen.OrgName}
	if h.name == "" {
		h.name = chosen.Org
	}
	if chosen.Org != protocol.OrgCCMT {
		if g, err := s.ws.CommuneTerritory(ctx, chosen.Org); err == nil {
			h.bound, h.framed = g.Bound(), true
		}
	}
	return h
}

// workspaceTitle names the open workspace as its user would: her
// commune's name, else the file's name without its extension.
func (m *mainWindow) workspaceTitle() string {
	if m.sess != nil && m.sess.home.name != "" {
		return m.sess.home.name
	}
	return strings.TrimSuffix(filepath.Base(m.workspace), filepath.Ext(m.workspace))
}
