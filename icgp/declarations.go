package icgp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"terrimap/store"
	"terrimap/store/schema"
	storeterritory "terrimap/store/territory"
)

// Fields of icgp_declarations.
var declarationFields = []string{"insee", "service", "item", "valeur", "annee", "declare_par", "declare_le", "commentaire"}

// ErrInvalidDeclaration is returned (wrapped) by Declare for a declaration
// that names no commune, an unknown service or an item the service does
// not declare.
var ErrInvalidDeclaration = errors.New("icgp: invalid declaration")

// declKey identifies what a declaration is about.
type declKey struct{ insee, service, item string }

// readDeclarations returns the newest declaration of each (commune,
// service, item) that applies to the year: made for that exercise or an
// earlier one. The newest is the latest declare_le; on the same day, the
// latest written (highest fid).
func readDeclarations(ctx context.Context, ws *store.Workspace, year int) (map[declKey]Declaration, error) {
	out := map[declKey]Declaration{}
	fids := map[declKey]int64{}
	err := ws.Scan(ctx, store.ScanQuery{Layer: DeclarationsLayer, Fields: declarationFields, NoGeometry: true}, func(r store.Row) bool {
		v := r.Values
		d := Declaration{INSEE: text(v[0]), Service: text(v[1]), Item: text(v[2]), By: text(v[5]), Comment: text(v[7])}
		d.Value, _ = v[3].(bool)
		if y, ok := v[4].(int64); ok {
			d.Year = int(y)
		}
		d.On, _ = time.Parse(schema.DateLayout, text(v[6]))
		if d.Year > year || d.Year == 0 && d.On.Year() > year {
			return true
		}
		k := declKey{d.INSEE, d.Service, d.Item}
		old, seen := out[k]
		if !seen || d.On.After(old.On) || d.On.Equal(old.On) && r.FID > fids[k] {
			out[k], fids[k] = d, r.FID
		}
		return true
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return nil, fmt.Errorf("icgp: declarations: %w", err)
	}
	return out, nil
}

// Declare writes a declaration into icgp_declarations, at the interior
// point of the commune's territory (storeterritory.InteriorPoint), as a local
// edit that the next sync sends. A commune the workspace does not hold
// gives store.ErrCommuneNotFound. An empty On means today; an empty Year,
// On's year.
func Declare(ctx context.Context, ws *store.Workspace, d Declaration) error {
	if d.INSEE == "" || (d.Service != Water && d.Service != Sewer) || !declarable(d.Service, d.Item) {
		return fmt.Errorf("%w: commune %q, service %q, item %q", ErrInvalidDeclaration, d.INSEE, d.Service, d.Item)
	}
	area, err := ws.CommuneTerritory(ctx, d.INSEE)
	if err != nil {
		return fmt.Errorf("icgp: declare: %w", err)
	}
	mp := storeterritory.AsMultiPolygon(area)
	if len(mp) == 0 {
		return fmt.Errorf("icgp: declare: %w: %s", store.ErrCommuneNotFound, d.INSEE)
	}
	if d.On.IsZero() {
		d.On = time.Now()
	}
	if d.Year == 0 {
		d.Year = d.On.Year()
	}
	props := map[string]any{
		"insee": d.INSEE, "service": d.Service, "item": d.Item, "valeur": d.Value,
		"annee": int64(d.Year), "declare_par": d.By, "declare_le": d.On.Format(schema.DateLayout),
	}
	if d.Comment != "" {
		props["commentaire"] = d.Comment
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Create(DeclarationsLayer, store.Feature{Geometry: storeterritory.InteriorPoint(mp), Properties: props})
		return err
	})
	if err != nil {
		return fmt.Errorf("icgp: declare: %w", err)
	}
	return nil
}

func declarable(service, item string) bool {
	for _, code := range Declarable(service) {
		if code == item {
			return true
		}
	}
	return false
}
