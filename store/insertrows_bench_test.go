package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkInsertRows100k writes 100,000 prepared hydrants into a layer
// as a bulk load's writer does (insertRowsAs, batches of bulkBatch,
// through the load's small page cache, the R*Tree's triggers suspended), in a transaction rolled back
// after each run: the write path's rows alone, without reader, journal
// or R*Tree.
func BenchmarkInsertRows100k(b *testing.B) {
	ws := newWorkspace(b)
	rng := rand.New(rand.NewPCG(18, 3))
	fs := make([]Feature, 100_000)
	for i := range fs {
		fs[i] = Feature{UUID: NewID(),
			Geometry: orb.Point{benchBound.Min[0] + rng.Float64()*0.24, benchBound.Min[1] + rng.Float64()*0.19},
			Properties: map[string]any{"nom": fmt.Sprintf("Poteau %d", i), "type_pei": "PI", "debit": 30 + rng.Float64()*90,
				"press_dyn": 1 + rng.Float64()*4, "disponible": true, "date_ct": "2024-05-17", "nb_ct": int64(i), "maj": nil}}
	}
	errRollBack := errors.New("roll back")
	b.ReportAllocs()
	for b.Loop() {
		err := ws.Edit(context.Background(), func(tx *Tx) error {
			l, err := tx.layer("pei")
			if err != nil {
				return err
			}
			restore, err := tx.smallCache()
			if err != nil {
				return err
			}
			defer restore()
			if err := suspendRTreeTriggers(tx.ctx, tx.tx, l); err != nil {
				return err
			}
			for start := 0; start < len(fs); start += bulkBatch {
				if err := tx.insertRowsAs(l, fs[start:min(start+bulkBatch, len(fs))], false); err != nil {
					return err
				}
			}
			return errRollBack
		})
		if !errors.Is(err, errRollBack) {
			b.Fatal(err)
		}
	}
}
