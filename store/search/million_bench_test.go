package search

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"terrimap/internal/demows"
	"terrimap/store"
)

// indexedMillionPath is where the benchmarks keep a copy of the 1.17
// million-feature workspace with its text index built (the cached one
// predates the index: building it takes minutes, once).
func indexedMillionPath() string {
	return filepath.Join(os.TempDir(), "fts16", "million-indexed.gpkg")
}

// openIndexedMillion opens that copy, making it and building its index
// when absent (or finishing a build cut short).
func openIndexedMillion(b *testing.B) *store.Workspace {
	b.Helper()
	path := indexedMillionPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		src, err := demows.CachedScale(demows.MillionScale)
		if err != nil {
			b.Fatal(err)
		}
		if err := copyFile(src, path); err != nil {
			b.Fatal(err)
		}
	}
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	if err := New(ws).Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	return ws
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst + ".part")
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(dst+".part", dst)
}

// BenchmarkSearchMillion finds a word and a pipe's identifier among 1.17
// million features in the workspace's own index (issue 16: ≤ 100 ms).
func BenchmarkSearchMillion(b *testing.B) {
	ctx := context.Background()
	ws := openIndexedMillion(b)
	pipes, err := ws.Query(ctx, store.Query{Layer: "canalaep", Limit: 1, Offset: 200_000})
	if err != nil || len(pipes) == 0 {
		b.Fatalf("no pipe: %v", err)
	}
	pipeID, _ := pipes[0].Properties["idcana"].(string)
	if pipeID == "" {
		b.Fatalf("pipe %s has no idcana", pipes[0].UUID)
	}
	ix := New(ws)
	b.Logf("pipe %s", pipeID)
	for _, c := range []struct{ name, text string }{{"eglise", "eglise"}, {"pipe-id", pipeID},
		{"mairie-tournus", "mairie tournus"}, {"fonte", "fonte"}, {"e", "e"}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := ix.Search(ctx, Query{Text: c.text})
				if err != nil {
					b.Fatal(err)
				}
				if len(f.Results) == 0 || f.Partial {
					b.Fatalf("%q finds nothing (partial: %v)", c.text, f.Partial)
				}
			}
		})
	}
}

// BenchmarkIndexBuildMillion builds the text index of 1.17 million
// features, as the upgrade of an older workspace does once (before the
// index was kept in the workspace, the app built it in memory at every
// open).
func BenchmarkIndexBuildMillion(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		path := demows.CopyScale(b, demows.MillionScale)
		ws, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := New(ws).Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		ws.Close()
		b.StartTimer()
	}
}
