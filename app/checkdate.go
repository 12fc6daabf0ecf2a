package app

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// The intervention's type and status that make a check done.
const (
	typeCheck      = "controle"
	statusFinished = "terminee"
)

// completedCheckDate returns the date of an intervention that is a
// completed check (type Contrôle, status Terminée), false for any other.
func completedCheckDate(props map[string]any) (string, bool) {
	if schema.CodeString(props["type"]) != typeCheck || schema.CodeString(props[fieldStatus]) != statusFinished {
		return "", false
	}
	d, ok := parseDay(props[fieldDate])
	if !ok {
		return "", false
	}
	return d.Format(schema.DateLayout), true
}

// checkDateUpdate returns the last-check date an equipment takes from a
// completed check made on date: the date, when the equipment's layer has a
// last-check field (date_ct) and the date is newer than the one stored
// (or none is); false when nothing is to change.
func checkDateUpdate(l schema.Layer, equipment map[string]any, date string) (map[string]any, bool) {
	fld, ok := l.Field(fieldLastCheck)
	if !ok || fld.Type != schema.Date || fld.ReadOnly {
		return nil, false
	}
	if last, ok := parseDay(equipment[fieldLastCheck]); ok && last.Format(schema.DateLayout) >= date {
		return nil, false
	}
	return map[string]any{fieldLastCheck: date}, true
}

// interventionWrite is what saving an intervention wrote: the intervention,
// and the equipment when a completed check moved its last-check date.
type interventionWrite struct {
	in        editRecord
	equipment *editRecord
}

// writeIntervention creates (before.UUID empty: props are its values) or
// updates (changed) an intervention at point, and when it is then a
// completed check newer than its equipment's last check and updateEquipment
// allows, moves the equipment's last-check date — in one transaction, so
// that both are journaled and synced together or neither is.
func writeIntervention(ctx context.Context, ws *store.Workspace, before store.Feature, props, changed map[string]any,
	point orb.Point, eqLayer, eqID string, updateEquipment bool) (interventionWrite, error) {
	var w interventionWrite
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		var after store.Feature
		var err error
		if before.UUID == "" {
			after, err = tx.Create(interventionsLayer, store.Feature{Geometry: point, Properties: props})
		} else {
			after, err = tx.Update(interventionsLayer, before.UUID, store.Change{Properties: changed})
		}
		if err != nil {
			return err
		}
		w.in = editRecord{before: before, after: after}
		date, done := completedCheckDate(after.Properties)
		if !done || !updateEquipment {
			return nil
		}
		l, err := ws.Layer(eqLayer)
		if err != nil {
			return nil // equipment this workspace does not hold
		}
		eq, err := tx.Get(eqLayer, eqID)
		if err != nil {
			return nil
		}
		set, ok := checkDateUpdate(l.Schema, eq.Properties, date)
		if !ok {
			return nil
		}
		eqAfter, err := tx.Update(eqLayer, eqID, store.Change{Properties: set})
		if err != nil {
			return err
		}
		w.equipment = &editRecord{before: eq, after: eqAfter}
		return nil
	})
	if err != nil {
		return interventionWrite{}, fmt.Errorf("app: write intervention: %w", err)
	}
	return w, nil
}
