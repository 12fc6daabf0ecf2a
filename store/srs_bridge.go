package store

import (
	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// boundTransform returns a function that maps a bound in the given SRS to
// longitude/latitude. Layers in an undefined SRS are taken as they are; an
// SRS Terrimap cannot reproject gives ok = false.
func boundTransform(srsID int32) func(orb.Bound) (orb.Bound, bool) {
	switch srsID {
	case SRSWGS84, srsUndefGeographic, srsUndefCartesian:
		return func(b orb.Bound) (orb.Bound, bool) { return b, true }
	}
	to, err := srs.Transformer(int(srsID), SRSWGS84)
	if err != nil {
		return func(orb.Bound) (orb.Bound, bool) { return orb.Bound{}, false }
	}
	return func(b orb.Bound) (orb.Bound, bool) {
		out := orb.Bound{Min: to(b.Min), Max: to(b.Min)}
		for _, p := range []orb.Point{b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			out = out.Extend(to(p))
		}
		return out, true
	}
}
