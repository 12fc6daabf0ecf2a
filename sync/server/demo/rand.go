package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
)

// rnd is a seeded PCG generator with the draws the generator needs. Draws
// use only exactly-rounded arithmetic (no math.Exp or math.Log, whose last
// bits may differ between architectures), so the stream and what is made
// from it are the same on every machine.
type rnd struct{ *rand.Rand }

// Streams of random numbers, one per part of a commune's generation, so that
// changing one part does not reshuffle the others.
const (
	streamWater uint64 = iota + 1
	streamSewer
	streamPEI
	streamLights
	streamBuildings
	streamInterventions
	streamAttributes
)

// newRnd seeds a generator from a commune's INSEE code and a stream.
func newRnd(insee string, stream uint64) rnd {
	code, _ := strconv.ParseUint(insee, 10, 64)
	return rnd{rand.New(rand.NewPCG(0x7e77_1a9d_0c3f_2b15^code*0x9e3779b97f4a7c15, stream*0xbf58476d1ce4e5b9+0x94d049bb133111eb))}
}

// between returns a uniform value in [lo, hi).
func (r rnd) between(lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// intIn returns a uniform integer in [lo, hi].
func (r rnd) intIn(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func (r rnd) chance(p float64) bool { return r.Float64() < p }

// gauss returns an approximately normal value of mean 0 and deviation 1
// (Irwin–Hall sum of four uniforms).
func (r rnd) gauss() float64 {
	return (r.Float64() + r.Float64() + r.Float64() + r.Float64() - 2) * 1.7320508075688772
}

// weighted returns an index drawn with the given weights.
func (r rnd) weighted(w ...float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

func pick[T any](r rnd, xs []T) T { return xs[r.IntN(len(xs))] }

// featureID derives the id of the n-th feature of a layer in a commune: a
// UUID in version-4 form made from a SHA-256 of those and the scale, so the
// same demo gets the same ids on every run.
func featureID(scale float64, layer, commune string, n int) string {
	var buf [96]byte
	b := append(buf[:0], "terrimap-demo/1/"...)
	b = strconv.AppendFloat(b, scale, 'g', -1, 64)
	b = append(b, '/')
	b = append(b, layer...)
	b = append(b, '/')
	b = append(b, commune...)
	b = append(b, '/')
	b = binary.BigEndian.AppendUint64(b, uint64(n))
	sum := sha256.Sum256(b)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], u[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], u[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], u[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], u[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], u[10:16])
	return string(out[:])
}
