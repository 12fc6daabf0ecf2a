package icgp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"terrimap/store"
)

// DeclarationsLayer is the synced layer that holds the declared checklist.
const DeclarationsLayer = "icgp_declarations"

// ErrNoNetwork is returned (wrapped) when the workspace holds neither the
// water nor the sewer network's layer.
var ErrNoNetwork = errors.New("icgp: the workspace has no canalaep nor canalass layer")

// Compute scores both services of the territory opts names.
func Compute(ctx context.Context, ws *store.Workspace, opts Options) (*Report, error) {
	if opts.Year == 0 {
		opts.Year = time.Now().Year()
	}
	t, err := newTerritory(ctx, ws)
	if err != nil {
		return nil, err
	}
	if opts.INSEE != "" && !t.holds(opts.INSEE) {
		return nil, fmt.Errorf("icgp: %w: %s", store.ErrCommuneNotFound, opts.INSEE)
	}
	from, to := opts.Year-4, opts.Year
	iv, err := readInterventions(ctx, ws, t, opts.INSEE, from, to)
	if err != nil {
		return nil, err
	}
	water, err := readNetwork(ctx, ws, t, layerCanalAEP, opts.INSEE, iv.waterRenewed)
	if err != nil {
		return nil, err
	}
	sewer, err := readNetwork(ctx, ws, t, layerCanalAss, opts.INSEE, iv.sewerRenewed)
	if err != nil {
		return nil, err
	}
	if !water.found && !sewer.found {
		return nil, ErrNoNetwork
	}
	decl, err := readDeclarations(ctx, ws, opts.Year)
	if err != nil {
		return nil, err
	}
	rep := &Report{INSEE: opts.INSEE, Year: opts.Year}
	facts := scoreFacts{insee: opts.INSEE, communes: t.inseeCodes(), decl: decl, iv: iv}
	if water.found {
		if facts.apparaep, _, err = countPoints(ctx, ws, t, layerApparAEP, opts.INSEE, "fnappaep", ""); err != nil {
			return nil, err
		}
		if facts.ouvraep, _, err = countPoints(ctx, ws, t, layerOuvrAEP, opts.INSEE, "fnouvaep", ""); err != nil {
			return nil, err
		}
		if facts.pei, _, err = countPoints(ctx, ws, t, layerPEI, opts.INSEE, "", ""); err != nil {
			return nil, err
		}
		rep.Water = facts.score(Water, water)
		rep.RenewalWater = renewal(water, from, to)
	}
	if sewer.found && sewer.length > 0 || sewer.found && opts.INSEE == "" {
		if facts.ouvrass, facts.ouvrassNamed, err = countPoints(ctx, ws, t, layerOuvrAss, opts.INSEE, "fnouvass", "libelle"); err != nil {
			return nil, err
		}
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
