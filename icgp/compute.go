package icgp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"terrimap/store"
)

// DeclarationsLayer is the synced layer that holds the declared checklist.
const DeclarationsLayer = "icgp_declarations"

// ErrNoNetwork is returned (wrapped) when the workspace holds neither the
// water nor the sewer network's layer.
var ErrNoNetwork = errors.New("icgp: the workspace has no canalaep nor canalass layer")

// Compute scores both services of the territory opts names. The two
// networks are read at once, each on its own connection.
func Compute(ctx context.Context, ws *store.Workspace, opts Options) (*Report, error) {
	if opts.Year == 0 {
		opts.Year = time.Now().Year()
	}
	places, names, err := readPlaces(ctx, ws)
	if err != nil {
		return nil, err
	}
	w, ok := places.Scope(opts.INSEE)
	if !ok {
		return nil, fmt.Errorf("icgp: %w: %s", store.ErrCommuneNotFound, opts.INSEE)
	}
	from, to := opts.Year-4, opts.Year
	iv, err := readInterventions(ctx, ws, w, from, to)
	if err != nil {
		return nil, err
	}
	facts := scoreFacts{insee: opts.INSEE, communes: places.Codes(), names: names, iv: iv}
	var water, sewer *network
	var wg sync.WaitGroup
	errs := make([]error, 2)
	// Two goroutines of about the same work (the water mains weigh about
	// as much as the sewers and the water fittings together), each on its
	// own connection.
	wg.Go(func() {
		if water, errs[0] = readNetwork(ctx, ws, w, layerCanalAEP, iv.waterRenewed); errs[0] != nil {
			return
		}
		if facts.ouvraep, _, errs[0] = countPoints(ctx, ws, w, layerOuvrAEP, "fnouvaep", ""); errs[0] != nil {
			return
		}
		if facts.pei, _, errs[0] = countPoints(ctx, ws, w, layerPEI, "", ""); errs[0] != nil {
			return
		}
		facts.decl, errs[0] = readDeclarations(ctx, ws, opts.Year)
	})
	wg.Go(func() {
		if sewer, errs[1] = readNetwork(ctx, ws, w, layerCanalAss, iv.sewerRenewed); errs[1] != nil {
			return
		}
		if facts.ouvrass, facts.ouvrassNamed, errs[1] = countPoints(ctx, ws, w, layerOuvrAss, "fnouvass", "libelle"); errs[1] != nil {
			return
		}
		facts.apparaep, _, errs[1] = countPoints(ctx, ws, w, layerApparAEP, "fnappaep", "")
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if !water.found && !sewer.found {
		return nil, ErrNoNetwork
	}
	rep := &Report{INSEE: opts.INSEE, Year: opts.Year}
	if water.found {
		rep.Water = facts.score(Water, water)
		rep.RenewalWater = renewal(water, from, to)
	}
	if sewer.found && (sewer.length > 0 || opts.INSEE == "") {
		rep.Sewer = facts.score(Sewer, sewer)
		rep.RenewalSewer = renewal(sewer, from, to)
	}
	return rep, nil
}

// renewal is the mean renewal rate over the five years from-to.
func renewal(n *network, from, to int) Renewal {
	r := Renewal{FromYear: from, ToYear: to, Renewed: n.renewed, NetworkLength: n.length, Interventions: n.renewals}
	if n.length > 0 {
		r.Rate = 100 * n.renewed / float64(to-from+1) / n.length
	}
	return r
}
