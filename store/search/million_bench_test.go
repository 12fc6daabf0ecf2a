package search

import (
	"context"
	"testing"

	"terrimap/internal/demows"
	"terrimap/store"
)

// BenchmarkSearchMillion finds a word and a pipe's identifier among 1.17
// million features, the index built (issue 16: ≤ 100 ms).
func BenchmarkSearchMillion(b *testing.B) {
	ctx := context.Background()
	ws := demows.OpenScale(b, demows.MillionScale)
	pipes, err := ws.Query(ctx, store.Query{Layer: "canalaep", Limit: 1, Offset: 200_000})
	if err != nil || len(pipes) == 0 {
		b.Fatalf("no pipe: %v", err)
	}
	pipeID, _ := pipes[0].Properties["idcana"].(string)
	if pipeID == "" {
		b.Fatalf("pipe %s has no idcana", pipes[0].UUID)
	}
	ix := New(ws)
	if err := ix.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d features indexed, %d distinct words; pipe %s", len(ix.docs), len(ix.tokens), pipeID)
	for _, c := range []struct{ name, text string }{{"eglise", "eglise"}, {"pipe-id", pipeID}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := ix.Search(ctx, Query{Text: c.text})
				if err != nil {
					b.Fatal(err)
				}
				if len(f.Results) == 0 {
					b.Fatalf("%q finds nothing", c.text)
				}
			}
		})
	}
}

// BenchmarkIndexBuildMillion builds the search index of 1.17 million
// features: the app does it when a workspace opens.
func BenchmarkIndexBuildMillion(b *testing.B) {
	ctx := context.Background()
	ws := demows.OpenScale(b, demows.MillionScale)
	b.ReportAllocs()
	for b.Loop() {
		if err := New(ws).Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
