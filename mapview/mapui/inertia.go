package mapui

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"
)

// Inertia: a map flung at the end of a drag glides on, slowing down.

const (
	maxDragSamples = 64
	// Only the last flingWindow of a drag sets the speed; a drag that
	// stopped for flingIdle before its end does not fling.
	flingWindow  = 100 * time.Millisecond
	flingIdle    = 60 * time.Millisecond
	flingMinSpan = 10 * time.Millisecond
	// flingMinSpeed and flingMaxSpeed bound the fling speed, in logical
	// pixels per second; it decays by e every inertiaTau seconds and
	// stops under inertiaStopSpeed.
	flingMinSpeed    = 150
	flingMaxSpeed    = 4000
	inertiaTau       = 0.3
	inertiaStopSpeed = 20
)

type dragState struct {
	active  bool
	at      orb.Point // where the pointer is
	samples []dragSample
	// vertex: the drag moves vertex ref of orig, the geometry before.
	vertex bool
	ref    vertexRef
	orig   orb.Geometry
}

type dragSample struct {
	t      time.Time
	dx, dy float64
}

// flingVelocity returns the speed, in logical pixels per second, of the
// end of a drag that ended at end; false when it was no fling.
func flingVelocity(samples []dragSample, end time.Time) (vx, vy float64, ok bool) {
	i := 0
	for i < len(samples) && end.Sub(samples[i].t) > flingWindow {
		i++
	}
	s := samples[i:]
	if len(s) < 2 {
		return 0, 0, false
	}
	span := s[len(s)-1].t.Sub(s[0].t)
	if span < flingMinSpan || end.Sub(s[len(s)-1].t) > flingIdle {
		return 0, 0, false
	}
	for _, d := range s[1:] {
		vx += d.dx
		vy += d.dy
	}
	vx, vy = vx/span.Seconds(), vy/span.Seconds()
	speed := math.Hypot(vx, vy)
	if speed < flingMinSpeed {
		return 0, 0, false
	}
	if speed > flingMaxSpeed {
		vx, vy = vx*flingMaxSpeed/speed, vy*flingMaxSpeed/speed
	}
	return vx, vy, true
}

// startInertia pans on at (vx, vy) pixels per second, decaying: at t
// seconds the map has moved v·τ·(1−e^(−t/τ)).
func (m *Map) startInertia(vx, vy float64) {
	m.stopInertia()
	speed := math.Hypot(vx, vy)
	if speed <= inertiaStopSpeed {
		return
	}
	total := inertiaTau * math.Log(speed/inertiaStopSpeed) // seconds until it stops
	gen := m.inertiaGen
	done := 0.0 // of v·τ, panned so far
	var a *fyne.Animation
	a = fyne.NewAnimation(time.Duration(total*float64(time.Second)), func(f float32) {
		if gen != m.inertiaGen {
			return
		}
		if f >= 1 && m.inertia == a {
			m.inertia = nil
		}
		k := 1 - math.Exp(-float64(f)*total/inertiaTau)
		step := (k - done) * inertiaTau
		done = k
		m.setView(m.view().Pan(vx*step, vy*step))
	})
	a.Curve = fyne.AnimationLinear
	m.inertia = a
	m.startAnim(a)
}

// stopInertia stops the map gliding.
func (m *Map) stopInertia() {
	m.inertiaGen++
	if a := m.inertia; a != nil {
		m.inertia = nil
		m.stopAnim(a)
	}
}
