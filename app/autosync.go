package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2/lang"
)

// How the platform is watched: how often the app looks whether it answers,
// and how often it syncs by itself while it does.
const (
	reachInterval = 30 * time.Second
	autoSyncEvery = 10 * time.Minute
)

// watchPlatform looks, every interval, whether the platform answers, shows
// "en ligne / hors ligne", and — when auto-sync is on — syncs when the
// platform becomes reachable (the desk is back in signal, the line came
// back) and every autoSyncEvery while it stays so. It stops with the view.
func (v *workspaceView) watchPlatform() {
	interval := v.reachEvery
	if v.s.client == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.stopWatch = cancel
	reachable := v.reachable
	if reachable == nil {
		reachable = v.s.client.Reachable
	}
	go func() {
		wasOnline := false
		var lastAuto time.Time
		for {
			up := reachable(ctx)
			if ctx.Err() != nil {
				return
			}
			cameBack := up && !wasOnline
			due := up && time.Since(lastAuto) >= autoSyncEvery
			wasOnline = up
			if cameBack || due {
				lastAuto = time.Now()
			}
			v.do(func() {
				v.showOnline(up)
				if (cameBack || due) && v.autoSync() {
					v.sync.startAuto()
				}
			})
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval):
			}
		}
	}()
}

// showOnline shows in the status bar whether the platform answers.
func (v *workspaceView) showOnline(up bool) {
	if up {
		v.onlineLabel.SetText("● " + lang.L("Online"))
	} else {
		// The pending count beside it says the edits wait: kept.
		v.onlineLabel.SetText("○ " + lang.L("Offline"))
	}
}
