package rpqs

import (
	"context"
	"time"

	"terrimap/dashboard"
	"terrimap/icgp"
	"terrimap/store"
)

// Intercommunality is the territory an annex of the whole
// intercommunality names.
const Intercommunality = "Communauté de communes du Mâconnais-Tournugeois"

// Compute scores the commune of the INSEE code (the whole
// intercommunality for "") for the year and computes its statistics at
// now: what WritePDF writes, with the Meta naming the territory. Its
// errors are icgp.Compute's (store.ErrCommuneNotFound, icgp.ErrNoNetwork)
// and dashboard.Compute's.
func Compute(ctx context.Context, ws *store.Workspace, insee string, year int, now time.Time) (*icgp.Report, *dashboard.Stats, Meta, error) {
	rep, err := icgp.Compute(ctx, ws, icgp.Options{INSEE: insee, Year: year})
	if err != nil {
		return nil, nil, Meta{}, err
	}
	stats, err := dashboard.Compute(ctx, ws, insee, now)
	if err != nil {
		return nil, nil, Meta{}, err
	}
	meta := Meta{Territory: Intercommunality, Date: now}
	if insee != "" {
		meta.Territory = stats.Name
	}
	return rep, stats, meta, nil
}
