package report

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// demoWorkspace opens the demo territory around Tournus, made once and
// kept in the temp dir.
func demoWorkspace(tb testing.TB) *store.Workspace {
	tb.Helper()
	return demows.Open(tb, "tournus", demows.Tournus())
}

// acrossStreet is a work zone across the main street of Tournus, where the
// demo lays its water main, a sewer beside it, street lights and service
// pipes: 10 m wide, 30 m long, north–south.
func acrossStreet() Zone {
	return Zone{Name: "Traversée de la rue principale", Geometry: orb.MultiPolygon{{{
		{4.90695, 46.56685}, {4.90708, 46.56685}, {4.90708, 46.56712}, {4.90695, 46.56712}, {4.90695, 46.56685},
	}}}}
}

// alongStreet is a trench along the same street, 1.5 m wide.
func alongStreet() Zone {
	return Zone{Name: "Tranchée le long de la rue", Width: 1.5, Geometry: orb.MultiLineString{{
		{4.9060, 46.56680}, {4.9069, 46.56698}, {4.9078, 46.56712},
	}}}
}
