package demo

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
)

// Feature is one generated feature: a stable id, a geometry in
// longitude/latitude (EPSG:4326) and properties typed as the layer's schema
// stores them (string, int64, float64, bool; dates as "2006-01-02").
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties map[string]any
}

// GenerateOptions says which demo to generate.
type GenerateOptions struct {
	// Scale multiplies the number of features: 1 gives about 30,000, 50 about
	// a million. Networks grow longer by the square root of the scale and
	// their spacings shrink by it. Zero means 1.
	Scale float64
	// Today is the reference date of the demo: interventions are planned
	// this week and hydrant checks are dated relative to it. The zero value
	// means DefaultToday, never the clock, so that the output only depends
	// on the options.
	Today time.Time
}

// DefaultToday is the reference date used when GenerateOptions.Today is zero.
var DefaultToday = time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC)

// MaxScale bounds GenerateOptions.Scale.
const MaxScale = 1000

// ErrScale is returned for a scale that is negative, not a number or above
// MaxScale.
var ErrScale = errors.New("demo: scale must be a number between 0 and 1000")

// Generate streams the demo territory to fn, layer by layer within each
// commune: for every commune in INSEE order its communes feature, then
// canalaep, apparaep, ouvraep, canalass, apparass, ouvrass, pei, eclairage,
// batiment and interventions features; then the zone_inondable features,
// the icgp_declarations of the communes, and last the dtdict_ouvrages rows
// (without geometry). Every feature fits its schema in Layers. The same options give the
// same features, in the same order, on every run and machine. Generate stops
// at the first error fn returns and returns it.
func Generate(opts GenerateOptions, fn func(layer string, f Feature) error) error {
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if math.IsNaN(opts.Scale) || opts.Scale < 0 || opts.Scale > MaxScale {
		return fmt.Errorf("%w, not %v", ErrScale, opts.Scale)
	}
	if opts.Today.IsZero() {
		opts.Today = DefaultToday
	}
	y, m, d := opts.Today.Date()
	opts.Today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)

	w, err := newWorld()
	if err != nil {
		return err
	}
	for i := range w.communes {
		g := newGen(w, i, opts, fn)
		g.run()
		if g.err != nil {
			return g.err
		}
	}
	zones, err := floodZones(w, opts)
	if err != nil {
		return err
	}
	for _, f := range zones {
		if err := fn(LayerZoneInondable, f); err != nil {
			return err
		}
	}
	for _, f := range icgpDeclarations(w, opts) {
		if err := fn(LayerICGPDeclarations, f); err != nil {
			return err
		}
	}
	for _, f := range dtdictOuvrages(w.communes, opts.Scale) {
		if err := fn(LayerDTDictOuvrages, f); err != nil {
			return err
		}
	}
	return nil
}

// hasSewers reports whether a commune of that population has a sewer
// network in the demo: the smallest villages have none.
func hasSewers(population int) bool { return population >= 150 }

// communeLayers are the layers generated per commune, in the order they are
// streamed.
var communeLayers = []string{
	LayerCommunes, LayerCanalAEP, LayerApparAEP, LayerOuvrAEP, LayerCanalAss, LayerApparAss,
	LayerOuvrAss, LayerPEI, LayerEclairage, LayerBatiment, LayerInterventions, LayerVoies,
}

// Indexes of communeLayers, for gen.out.
const (
	iCommunes = iota
	iCanalAEP
	iApparAEP
	iOuvrAEP
	iCanalAss
	iApparAss
	iOuvrAss
	iPEI
	iEclairage
	iBatiment
	iInterventions
	iVoies
	nCommuneLayers
)

// world is what every commune's generation shares: the communes, one metric
// frame over the territory and the Saône.
type world struct {
	fr       frame
	communes []Commune
	centres  []orb.Point // local
	saone    []orb.Point // local
}

func newWorld() (*world, error) {
	cs, err := Communes()
	if err != nil {
		return nil, err
	}
	river, err := saone()
	if err != nil {
		return nil, err
	}
	var b orb.Bound
	for i, c := range cs {
		if i == 0 {
			b = c.Territory.Bound()
		} else {
			b = b.Union(c.Territory.Bound())
		}
	}
	w := &world{fr: newFrame(b.Center()), communes: cs}
	for _, c := range cs {
		w.centres = append(w.centres, w.fr.local(c.Centre))
	}
	for _, p := range river {
		w.saone = append(w.saone, w.fr.local(p))
	}
	return w, nil
}

// saoneDist returns the distance from p to the Saône centreline.
func (w *world) saoneDist(p orb.Point) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(w.saone); i++ {
		if d, _ := segDist(w.saone[i], w.saone[i+1], p); d < best {
			best = d
		}
	}
	return best
}

// ground is a made-up terrain: the Saône plain at 172 m rising west to the
// Mâconnais hills, with gentle undulations. It only serves to give pipes,
// manholes and hydrants consistent altitudes and pressures.
func (w *world) ground(p orb.Point) float64 {
	d := w.saoneDist(p)
	z := 172 + 0.011*d
	z += (8 + 0.0015*d) * math.Sin(p[0]/700+0.3) * math.Cos(p[1]/900-1.1)
	z += 4 * math.Sin((p[0]+p[1])/450)
	return math.Max(170, z)
}

// gen generates one commune.
type gen struct {
	w      *world
	c      Commune
	opts   GenerateOptions
	f      float64 // square root of the scale
	pop    int
	terr   *area
	centre orb.Point // local
	rb     float64   // mean radius of the bourg
	axis   orb.Point // unit vector of the bourg's long axis, along the valley
	elong  float64   // ratio of the bourg's long axis to its mean radius
	today  time.Time

	count [nCommuneLayers]int
	sink  func(layer string, f Feature) error
	err   error      // the first error of sink; nothing is sent after it
	held  []Feature  // ouvraep features, sent after the apparaep ones
	equip []equipRef // what interventions may be made on
	zres  float64    // altitude of the water in the highest reservoir

	names   *streetNamer
	water   *network
	hamlets []orb.Point
	pipes   []*pipeSeg // water mains in order, line by line
	mains   int        // number of mains in pipes
	sewer   *sewerNet
}

func newGen(w *world, i int, opts GenerateOptions, sink func(string, Feature) error) *gen {
	c := w.communes[i]
	g := &gen{
		w: w, c: c, opts: opts, f: math.Sqrt(opts.Scale), pop: c.Population,
		terr:   newArea(w.fr.localMulti(c.Territory)),
		centre: w.centres[i],
		today:  opts.Today,
		sink:   sink,
	}
	g.rb = 120 + 14*math.Sqrt(float64(c.Population))
	// Villages stretch along the Saône valley and the côte that follows it.
	best, bestD := 0, math.Inf(1)
	for k := 0; k+1 < len(w.saone); k++ {
		if d, _ := segDist(w.saone[k], w.saone[k+1], g.centre); d < bestD {
			best, bestD = k, d
		}
	}
	r := newRnd(c.INSEE, streamAttributes+200)
	g.axis = dir(heading(w.saone[best], w.saone[best+1]) + r.between(-0.4, 0.4))
	g.elong = r.between(1.2, 1.6)
	g.names = newStreetNamer(w, i)
	return g
}

// bourgDist returns how far p lies from the bourg centre, in units of the
// bourg's extent in that direction: below 1 is in the bourg.
func (g *gen) bourgDist(p orb.Point) float64 {
	d := sub(p, g.centre)
	along := d[0]*g.axis[0] + d[1]*g.axis[1]
	across := d[0]*g.axis[1] - d[1]*g.axis[0]
	a, b := along/(g.rb*g.elong), across*g.elong/g.rb
	return math.Sqrt(a*a + b*b)
}

// emit sends a feature of layer li, with the next id of that layer, to the
// sink: features stream out as they are made, so that memory holds one
// commune's networks, not its features. The few water works are held back
// until the water devices are out, to keep the layers in order.
func (g *gen) emit(li int, geom orb.Geometry, props map[string]any) string {
	id := featureID(g.opts.Scale, communeLayers[li], g.c.INSEE, g.count[li])
	g.count[li]++
	f := Feature{ID: id, Geometry: geom, Properties: props}
	switch {
	case g.err != nil:
	case li == iOuvrAEP:
		g.held = append(g.held, f)
	default:
		g.err = g.sink(communeLayers[li], f)
	}
	return id
}

// release sends the features held back.
func (g *gen) release() {
	for _, f := range g.held {
		if g.err == nil {
			g.err = g.sink(LayerOuvrAEP, f)
		}
	}
	g.held = nil
}

// code returns a producer identifier such as "CAEP71543-000012".
func (g *gen) code(prefix string, li int) string {
	return fmt.Sprintf("%s%s-%06d", prefix, g.c.INSEE, g.count[li]+1)
}

// daysAgo returns the date n days before today.
func (g *gen) daysAgo(n int) string { return g.today.AddDate(0, 0, -n).Format(time.DateOnly) }

func (g *gen) run() {
	steps := []func(){
		g.emitCommune,
		func() { g.water, g.hamlets = growWater(g) },
		g.waterFeatures,
		g.release,
		func() {
			if hasSewers(g.pop) {
				g.sewer = buildSewer(g)
				g.sewerFeatures()
			}
		},
		g.hydrants,
		g.lights,
		g.buildings,
		g.interventions,
		g.streets,
	}
	for _, step := range steps {
		if g.err != nil {
			return
		}
		step()
	}
}

func (g *gen) emitCommune() {
	g.emit(iCommunes, g.c.Territory, map[string]any{
		"insee":        g.c.INSEE,
		"nom":          g.c.COGName,
		"nom_officiel": g.c.Name,
		"population":   int64(g.c.Population),
	})
}
