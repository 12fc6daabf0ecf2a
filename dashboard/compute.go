package dashboard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/sync/errgroup"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/territory"
)

// Layer names of the RAEPA and PEI standards the statistics read.
const (
	layerCommunes      = "communes"
	layerWater         = "canalaep"
	layerSewer         = "canalass"
	layerHydrants      = "pei"
	layerInterventions = "interventions"
)

// CheckedWithin is how recent a hydrant's last check must be for it to
// count as checked: the two years of the usual départemental rule.
const CheckedWithin = 2

// Compute reads the workspace and returns the statistics of the commune of
// the INSEE code, or of the whole intercommunality for "", at the date now.
// A layer the workspace lacks counts as empty. It fails with
// ErrUnknownCommune for a code the communes layer does not hold.
func Compute(ctx context.Context, ws *store.Workspace, insee string, now time.Time) (*Stats, error) {
	p, name, err := newPlace(ctx, ws, insee)
	if err != nil {
		return nil, err
	}
	s := &Stats{INSEE: insee, Name: name, Now: now}
	// The layers are read two at a time, each by its own goroutine (a
	// million features are not one core's), the water network then the
	// interventions and the hydrants (which need the interventions' last
	// checks) beside the sewer network: two connections, what database/sql
	// keeps idle — a third would be closed after use, its page cache freed
	// and read again the next time.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if s.Water, err = network(gctx, ws, p, layerWater); err != nil {
			return err
		}
		checks, iv, err := interventions(gctx, ws, p, now)
		if err != nil {
			return err
		}
		s.Interventions = iv
		s.Hydrants, err = hydrants(gctx, ws, p, now, checks)
		return err
	})
	g.Go(func() (err error) { s.Sewer, err = network(gctx, ws, p, layerSewer); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return s, nil
}

// domain returns the coded values of a layer's field, or nil.
func domain(ws *store.Workspace, layer, field string) []schema.CodedValue {
	l, err := ws.Layer(layer)
	if err != nil {
		return nil
	}
	f, ok := l.Schema.Field(field)
	if !ok {
		return nil
	}
	return f.Domain
}

// network sums a network layer's tronçons of the place.
func network(ctx context.Context, ws *store.Workspace, p territory.Scope, layer string) (Network, error) {
	n := Network{Layer: layer}
	material := map[string]float64{}
	diameter := map[string]float64{}
	decade := map[string]float64{}
	location := map[string]float64{}
	var buf []orb.Point
	var rows int
	var ctxErr error
	err := eachRow(ctx, ws, layer, []string{"branchemnt", "materiau", "diametre", "andebpose", "anfinpose", "qualglocxy"}, p.Bound, func(r row) {
		if rows++; rows%4096 == 0 && ctxErr == nil {
			ctxErr = ctx.Err()
		}
		if ctxErr != nil {
			return
		}
		var length float64
		var half orb.Point
		var ok bool
		length, half, ok, buf = p.Places.Line(r.geom, buf)
		if !ok || !p.Holds(half) {
			return
		}
		if yes, _ := schema.Truth(r.vals[0]); yes {
			n.Connections += length
			return
		}
		n.Length += length
		n.Count++
		material[materialKey(r.vals[1])] += length
		diameter[diameterClass(r.vals[2])] += length
		decade[decadeKey(r.vals[3], r.vals[4])] += length
		location[locationClass(r.vals[5])] += length
	})
	if err == nil && ctxErr != nil {
		err = fmt.Errorf("dashboard: %s: %w", layer, ctxErr)
	}
	if err != nil {
		return Network{}, err
	}
	n.ByMaterial = materialShares(material, domain(ws, layer, "materiau"))
	n.ByDiameter = classShares(diameter, DiameterClasses)
	n.ByDecade = decadeShares(decade)
	n.ByLocation = classShares(location, LocationClasses)
	return n, nil
}

// interventions counts the place's interventions of the twelve months
// ending with now's month, and returns, for every equipment UUID of the
// hydrants layer, the date of its last finished check (an intervention's
// point is on its equipment: those read within the commune's box hold its
// hydrants' checks).
func interventions(ctx context.Context, ws *store.Workspace, p territory.Scope, now time.Time) (map[string]time.Time, Interventions, error) {
	types := domain(ws, layerInterventions, "type")
	iv := Interventions{Months: lastMonths(now, 12)}
	index := map[string]int{}
	for _, t := range types {
		index[t.Code] = len(iv.Types)
		iv.Types = append(iv.Types, Kind{Code: t.Code, Label: t.Label})
	}
	iv.Counts = make([][]int, len(iv.Types))
	for i := range iv.Counts {
		iv.Counts[i] = make([]int, len(iv.Months))
	}
	checks := map[string]time.Time{}
	first := iv.Months[0]
	today := day(now)
	err := eachRow(ctx, ws, layerInterventions, []string{"equipement_uuid", "equipement_couche", "date", "type", "statut"}, p.Bound, func(r row) {
		d, ok := date(r.vals[2])
		if !ok || d.After(today) {
			return
		}
		kind, status := text(r.vals[3]), text(r.vals[4])
		if kind == "controle" && status == "terminee" && text(r.vals[1]) == layerHydrants {
			if id := text(r.vals[0]); d.After(checks[id]) {
				checks[id] = d
			}
		}
		if d.Before(first) || status == "planifiee" {
			return
		}
		t, known := index[kind]
		if !known {
			return
		}
		if _, ok := p.Point(r.geom); !ok {
			return
		}
		m := (d.Year()-first.Year())*12 + int(d.Month()) - int(first.Month())
		iv.Counts[t][m]++
		iv.Total++
	})
	if err != nil {
		return nil, Interventions{}, err
	}
	return checks, iv, nil
}

// hydrants counts the place's fire hydrants.
func hydrants(ctx context.Context, ws *store.Workspace, p territory.Scope, now time.Time, checks map[string]time.Time) (Hydrants, error) {
	var h Hydrants
	since := day(now).AddDate(-CheckedWithin, 0, 0)
	err := eachRow(ctx, ws, layerHydrants, []string{"disponible", "date_ct"}, p.Bound, func(r row) {
		if _, ok := p.Point(r.geom); !ok {
			return
		}
		h.Total++
		available, _ := schema.Truth(r.vals[0])
		last := checks[r.uuid]
		if d, ok := date(r.vals[1]); ok && d.After(last) {
			last = d
		}
		checked := !last.Before(since) && !last.After(day(now))
		if available {
			h.Available++
		}
		if checked {
			h.Checked++
		}
		if available && checked {
			h.AvailableChecked++
		}
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return Hydrants{}, err
	}
	return h, nil
}

// day is t's calendar date, at midnight UTC, as dates are stored.
func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// lastMonths returns the first days of the n months ending with t's month, oldest first.
func lastMonths(t time.Time, n int) []time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, i-(n-1), 0)
	}
	return out
}
