package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"terrimap/store/formats"
)

// A bulk load writes through a small page cache and sets the connection's
// back as it was, whether it succeeds or fails: the connection returns to
// the pool, where the map's reads need the large one. A cache smaller
// already (a caller's choice) is left as it is.
func TestBulkLoadSetsCacheBack(t *testing.T) {
	errDisk := errors.New("disk read error")
	cases := []struct {
		name         string
		fail         bool // the reader fails at the last feature
		before       int  // the connection's cache_size before the load (0: as opened)
		during, want int
	}{
		{name: "succeeds", during: -bulkCacheKiB, want: -pageCacheKiB},
		{name: "fails", fail: true, during: -bulkCacheKiB, want: -pageCacheKiB},
		{name: "in pages", before: 4000, during: -bulkCacheKiB, want: 4000},
		{name: "smaller already", before: -512, during: -512, want: -512},
		{name: "smaller already, in pages", before: 100, during: 100, want: 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := newWorkspace(t)
			const n = 5_000
			errRollBack := errors.New("roll back")
			var during, after int
			err := ws.Edit(context.Background(), func(tx *Tx) error {
				l, err := tx.layer("pei")
				if err != nil {
					return err
				}
				if c.before != 0 {
					if _, err := tx.tx.ExecContext(tx.ctx, fmt.Sprintf("PRAGMA cache_size = %d", c.before)); err != nil {
						return err
					}
					defer tx.tx.ExecContext(tx.ctx, fmt.Sprintf("PRAGMA cache_size = %d", -pageCacheKiB))
				}
				r := &hydrantReader{n: n, at: func(i int, f *formats.Feature) error {
					if c.fail && i == n {
						return &formats.FeatureError{Number: i, ID: f.ID, Err: errDisk}
					}
					return nil
				}}
				_, err = tx.bulkCreate(l, &cacheProbe{FeatureReader: r, tx: tx, size: &during, at: n / 2}, n, map[string]string{"nom": "nom", "nb_ct": "nb_ct"}, SRSWGS84)
				if c.fail != errors.Is(err, errDisk) {
					return fmt.Errorf("load: %w", err)
				}
				if err := tx.tx.QueryRowContext(tx.ctx, "PRAGMA cache_size").Scan(&after); err != nil {
					return err
				}
				return errRollBack
			})
			if !errors.Is(err, errRollBack) {
				t.Fatal(err)
			}
			if during != c.during {
				t.Errorf("cache_size %d during the load, want %d", during, c.during)
			}
			if after != c.want {
				t.Errorf("cache_size %d after the load, want %d", after, c.want)
			}
		})
	}
}

// cacheProbe reads the page cache size of tx's connection when the load
// asks for its feature number at (from the load's reading goroutine:
// database/sql serializes it with the writer's statements).
type cacheProbe struct {
	formats.FeatureReader
	tx   *Tx
	size *int
	at   int
	i    int
}

func (p *cacheProbe) Next() (formats.Feature, error) {
	if p.i++; p.i == p.at {
		if err := p.tx.tx.QueryRowContext(p.tx.ctx, "PRAGMA cache_size").Scan(p.size); err != nil {
			return formats.Feature{}, err
		}
	}
	return p.FeatureReader.Next()
}
