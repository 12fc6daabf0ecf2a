package mapview

import (
	"context"
)

// The TileCache's background jobs: drawing a vector tile, laying labels out.

// runVector draws a vector tile of the scene as it is when the job
// starts: a change made while it waited in the queue is not missed.
func (tc *TileCache) runVector(ctx context.Context, k tileKey) {
	tc.mu.Lock()
	sc, ver := tc.sc, tc.version
	tc.mu.Unlock()
	img, err := tc.r.drawRect(ctx, sc, k.lv, k.lv.tileRect(int(k.x), int(k.y)))
	tc.mu.Lock()
	if ctx.Err() != nil {
		tc.mu.Unlock()
		return
	}
	if err != nil {
		fn := tc.drawFailed(err)
		tc.mu.Unlock()
		if fn != nil {
			fn()
		}
		return
	}
	cost := int64(256)
	if img != nil {
		cost += int64(len(img.Pix))
	}
	tc.vec.put(k, &vecTile{img: img, version: ver}, cost)
	fn := tc.arrived(jobKey{vectorJob, k.lv, k.x, k.y})
	tc.mu.Unlock()
	if fn != nil {
		fn()
	}
}

func (tc *TileCache) runLabels(ctx context.Context, lv level, region pixRect) {
	tc.mu.Lock()
	sc, ver, prev := tc.sc, tc.version, tc.labels
	tc.mu.Unlock()
	lay, err := tc.r.layoutLabels(ctx, sc, lv, region, prev)
	tc.mu.Lock()
	if ctx.Err() != nil {
		tc.mu.Unlock()
		return
	}
	if err != nil {
		fn := tc.drawFailed(err)
		tc.mu.Unlock()
		if fn != nil {
			fn()
		}
		return
	}
	tc.labels, tc.labelsVer, tc.labelsOK = lay, ver, true
	fn := tc.arrived(jobKey{kind: labelJob, lv: lv})
	tc.mu.Unlock()
	if fn != nil {
		fn()
	}
}
