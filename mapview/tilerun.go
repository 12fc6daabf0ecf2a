package mapview

import "context"

// The TileCache's background jobs: drawing a vector tile, laying labels out.

// runVector draws a vector tile of the scene as it is when the job
// starts: a change made while it waited in the queue is not missed.
func (tc *TileCache) runVector(ctx context.Context, k tileKey) {
	tc.mu.Lock()
	sc, ver := tc.sc, tc.version
	tc.mu.Unlock()
	img, err := tc.r.drawRect(ctx, sc, k.lv, k.lv.tileRect(int(k.x), int(k.y)))
	tc.settle(ctx, err, jobKey{vectorJob, k.lv, k.x, k.y}, func() {
		cost := int64(256)
		if img != nil {
			cost += int64(len(img.Pix))
		}
		tc.vec.put(k, &vecTile{img: img, version: ver}, cost)
	})
}

func (tc *TileCache) runLabels(ctx context.Context, lv level, region pixRect) {
	tc.mu.Lock()
	sc, ver, prev := tc.sc, tc.version, tc.labels
	tc.mu.Unlock()
	lay, err := tc.r.layoutLabels(ctx, sc, lv, region, prev)
	tc.settle(ctx, err, jobKey{kind: labelJob, lv: lv}, func() {
		tc.labels, tc.labelsVer, tc.labelsOK = lay, ver, true
	})
}

// settle ends a job: nothing when it was cancelled; its failure told
// (drawFailed) when err is not nil; else keep stores its result, with
// tc.mu held, and OnReady is told of k when the last frame lacked it.
func (tc *TileCache) settle(ctx context.Context, err error, k jobKey, keep func()) {
	tc.mu.Lock()
	var fn func()
	switch {
	case ctx.Err() != nil:
	case err != nil:
		fn = tc.drawFailed(err)
	default:
		keep()
		fn = tc.arrived(k)
	}
	tc.mu.Unlock()
	if fn != nil {
		fn()
	}
}
