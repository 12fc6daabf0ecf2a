package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/cputime"
	"terrimap/internal/demows"
	"terrimap/store"
	"terrimap/store/formats"
)

// The DXF import of a surveyor's plan (store/formats/testdata/dxf: a plan
// de récolement of water pipes in Lambert-93, its coordinates found) into
// the demo territory's water pipes: in the intercommunality's workspace
// (scale 1, ~30,000 features) and in the one of issue 16 (1.17 million).
// Issue 16: as fast in the large one as in the small one.

// BenchmarkImportDXF previews and imports the plan into a copy of the
// whole demo territory at scale 1.
func BenchmarkImportDXF(b *testing.B) {
	benchImportDXF(b, demows.Copy(b, "whole", orb.Bound{}))
}

// BenchmarkImportDXFMillion previews and imports the plan of
// BenchmarkImportDXF into a copy of the demo territory of 1.17 million
// features.
func BenchmarkImportDXFMillion(b *testing.B) {
	benchImportDXF(b, demows.CopyScale(b, demows.MillionScale))
}

// planMapping maps the plan's layers onto the demo's water pipes.
func planMapping() formats.DXFMapping {
	return formats.DXFMapping{
		Common: map[string]string{"datemaj": "2024-06-01", "idcana": "REC-{fichier}-{n}"},
		Layers: map[string]map[string]string{
			"AEP_FONTE_150": {"materiau": "Fonte ductile", "diametre": "150"},
			"aep_pvc_110":   {"materiau": "27", "diametre": "110"},
			"AEP_PEHD_63":   {"materiau": "pehd LISSE", "diametre": "63"},
		},
		Skip:       []string{"AEP_VANNES", "AEP_POINTS"},
		OnlyListed: true,
	}
}

// benchImportDXF previews the plan and imports it into canalaep of the
// workspace at path, which it opens for writing, once per iteration: the
// features pile up, a few a time.
func benchImportDXF(b *testing.B, path string) {
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	plan := filepath.Join("formats", "testdata", "dxf", "plan_l93.dxf")
	b.ReportAllocs()
	cpu := cputime.Start()
	for b.Loop() {
		p, err := ws.PreviewDXF(ctx, plan, store.DXFOptions{Layer: "canalaep", Mapping: planMapping()})
		if err != nil {
			b.Fatal(err)
		}
		if blocking := p.Blocking(); len(blocking) > 0 {
			b.Fatalf("the plan is refused: %v", blocking)
		}
		rep, err := ws.ImportDXF(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Features == 0 {
			b.Fatal("nothing imported")
		}
	}
	// The CPU time tells the work apart from the waits for the disk
	// (each import is a transaction, synced) and the machine's load.
	cpu.Report(b)
}
