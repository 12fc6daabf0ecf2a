package dtdict

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/report"
	"terrimap/store"
	"terrimap/store/territory"
)

// The margins of the location classes, in metres: how far from the works
// zone a feature of that class may lie and still be in it, its position
// being uncertain by that much (decree of 15 February 2012: class A to
// 40 cm, class B to 1.5 m). Class C and unknown take the network's
// MarginC setting.
const (
	MarginA = 0.5
	MarginB = 1.5
)

// communeLayer is the layer of the territory's communes: their polygon and
// INSEE code (insee) decide which commune a feature lies in.
const communeLayer = "communes"

// ErrMargin is returned (wrapped) for a class C margin that is negative,
// infinite or not a number.
var ErrMargin = errors.New("dtdict: the class C margin must be a number of metres, 0 or more")

// ErrNetworkLayer is returned (wrapped) when a network of ours names a
// layer the workspace does not have: the analysis cannot say it is not
// concerned without searching it.
var ErrNetworkLayer = errors.New("dtdict: a network of ours names a layer missing from the workspace")

// AnalysisOptions tune an analysis. The zero value uses the settings of
// the networks (OwnershipLayer).
type AnalysisOptions struct {
	// MarginC, above 0, replaces every network's class C margin (metres).
	MarginC float64
}

// Analysis is whether a declaration concerns our networks, and which of
// their features lie in the works zone.
type Analysis struct {
	// Declaration is the declaration analysed.
	Declaration *Declaration
	// Ours are the networks the declaration consults that are ours, in its
	// order.
	Ours []Ownership
	// Concerned is true when a feature of ours may lie in the zone (Items
	// is not empty); Reason says, in French, why not when it is false.
	Concerned bool
	Reason    string
	// Items are the features found, each within its class's margin of the
	// zone and lying in the commune of a network of Ours that names its
	// layer, ordered as report.Select orders them.
	Items []report.Item
	// Selection is the underlying selection (its Items and Layers are
	// those of Items), for maps; nil when nothing was searched.
	Selection *report.Selection
	// Margins are the margins of each class in metres (the largest class C
	// margin of Ours for ClassC and ClassUnknown).
	Margins map[report.Class]float64
	// DataDate is the newest update date (datemaj…) of the features of
	// Ours (their layers, their communes) within the largest margin of the
	// zone; when none has one, of all their features in their communes;
	// zero when no feature has a date (or the zone is off the territory).
	DataDate time.Time
}

// Analyse decides whether d concerns our networks. The networks it
// consults that are ours (Ownerships, by codeOuvrage) are searched for
// features that may lie in the zone given their location class: within
// MarginA of it for class A, MarginB for class B, the network's MarginC
// for class C or unknown, measured in Lambert-93 as report.Select does
// (one selection at the largest margin, then each item kept within its
// class's). A feature counts for a network only if it lies in that
// network's commune (the communes layer's polygon, by store/territory's
// rule): a commune answers for its networks, not its neighbour's.
//
// Not concerned at once: when no network consulted is ours, and when the
// zone lies off our territory (none of the communes of the networks
// consulted comes within the largest margin, and territory.Tolerance, of
// it). A workspace without a communes layer cannot tell communes apart:
// every feature of the networks' layers then counts, which errs on the
// side of answering.
func Analyse(ctx context.Context, ws *store.Workspace, d *Declaration, opts AnalysisOptions) (*Analysis, error) {
	if math.IsNaN(opts.MarginC) || math.IsInf(opts.MarginC, 0) || opts.MarginC < 0 {
		return nil, fmt.Errorf("%w: %g", ErrMargin, opts.MarginC)
	}
	all, err := Ownerships(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("dtdict: analyse: %w", err)
	}
	a := &Analysis{Declaration: d, Ours: ours(all, d.Networks)}
	if opts.MarginC > 0 {
		for i := range a.Ours {
			a.Ours[i].MarginC = opts.MarginC
		}
	}
	a.Margins = margins(a.Ours)
	if len(a.Ours) == 0 {
		a.Reason = notOursReason(d.Networks)
		return a, nil
	}
	if len(d.Zone) == 0 {
		return nil, fmt.Errorf("dtdict: analyse %s: %w", d.Number, report.ErrZoneEmpty)
	}
	zone := report.Zone{Geometry: d.Zone}
	widest := a.Margins[report.ClassUnknown]
	areas, err := nearCommunes(ctx, ws, zone, widest+territory.Tolerance)
	if err != nil {
		return nil, fmt.Errorf("dtdict: analyse %s: %w", d.Number, err)
	}
	var searched []Ownership // the networks whose commune comes near the zone
	for _, o := range a.Ours {
		if areas.near(o.INSEE) {
			searched = append(searched, o)
		}
	}
	if len(searched) == 0 {
		a.Reason = offTerritoryReason(ctx, ws, a.Ours)
		return a, nil
	}
	var layers []string
	for _, o := range searched {
		for _, name := range o.Layers {
			if _, err := ws.Layer(name); err != nil {
				return nil, fmt.Errorf("dtdict: analyse %s: %w: %s (%s): %w", d.Number, ErrNetworkLayer, name, o.Code, err)
			}
			if !slices.Contains(layers, name) {
				layers = append(layers, name)
			}
		}
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("dtdict: analyse %s: %w: %s names none", d.Number, ErrNetworkLayer, searched[0].Code)
	}
	sel, err := report.Select(ctx, ws, zone, report.Options{Buffer: widest, Layers: layers})
	if errors.Is(err, report.ErrZoneOutside) {
		// No data of any layer near: nothing of ours can be there.
		a.Reason = nothingFoundReason(a.Margins)
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dtdict: analyse %s: %w", d.Number, err)
	}
	// Ours near the zone: of a network's layer, in its commune.
	near := slices.DeleteFunc(slices.Clone(sel.Items), func(it report.Item) bool {
		return !slices.ContainsFunc(searched, func(o Ownership) bool { return o.has(it, areas) })
	})
	a.DataDate = newestDate(near)
	if a.DataDate.IsZero() {
		if a.DataDate, err = newestInCommunes(ctx, ws, searched, areas); err != nil {
			return nil, fmt.Errorf("dtdict: analyse %s: %w", d.Number, err)
		}
	}
	a.Items = slices.DeleteFunc(near, func(it report.Item) bool {
		return !slices.ContainsFunc(searched, func(o Ownership) bool { return o.has(it, areas) && it.Distance <= o.margin(it.Class) })
	})
	sel.Items = a.Items
	sel.Layers = countLayers(sel.Layers, a.Items)
	a.Selection = sel
	a.Concerned = len(a.Items) > 0
	if !a.Concerned {
		a.Reason = nothingFoundReason(a.Margins)
	}
	return a, nil
}

// margin returns how far from the zone a feature of class c of this
// network may lie and still be in it.
func (o Ownership) margin(c report.Class) float64 {
	switch c {
	case report.ClassA:
		return MarginA
	case report.ClassB:
		return MarginB
	}
	return o.MarginC
}

// has reports whether the item is a feature of this network: of one of
// its layers, lying in its commune.
func (o Ownership) has(it report.Item, areas communeAreas) bool {
	return slices.Contains(o.Layers, it.Layer) && areas.contains(o.INSEE, it.Geometry)
}

// margins gives the margin of each class; class C and unknown take the
// largest MarginC of the networks (DefaultMarginC when there are none).
func margins(nets []Ownership) map[report.Class]float64 {
	c := 0.0
	for _, o := range nets {
		c = math.Max(c, o.MarginC)
	}
	if len(nets) == 0 {
		c = DefaultMarginC
	}
	return map[report.Class]float64{report.ClassA: MarginA, report.ClassB: MarginB, report.ClassC: c, report.ClassUnknown: c}
}

// countLayers counts the items kept of every layer searched.
func countLayers(layers []report.LayerCount, items []report.Item) []report.LayerCount {
	out := make([]report.LayerCount, len(layers))
	for i, l := range layers {
		out[i] = report.LayerCount{Layer: l.Layer, Title: l.Title, ByClass: map[report.Class]int{}}
		for _, it := range items {
			if it.Layer != l.Layer {
				continue
			}
			out[i].Found++
			out[i].ByClass[it.Class]++
			if it.Investigate {
				out[i].Investigate++
			}
		}
	}
	return out
}

// notOursReason says that no network consulted is ours.
func notOursReason(networks []Network) string {
	var codes []string
	for _, n := range networks {
		if c := strings.TrimSpace(n.Code); c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return "Aucun de nos réseaux n'est consulté : la déclaration ne nomme aucun code d'ouvrage."
	}
	return "Aucun de nos réseaux n'est consulté : les codes d'ouvrage de la déclaration (" + strings.Join(codes, ", ") +
		") ne figurent pas parmi nos réseaux déclarés au guichet unique."
}

// offTerritoryReason says that the zone lies away from the communes of
// our networks consulted.
func offTerritoryReason(ctx context.Context, ws *store.Workspace, nets []Ownership) string {
	var names []string
	for _, o := range nets {
		if n := communeName(ctx, ws, o.INSEE); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return "La zone des travaux est hors de notre territoire : elle ne touche aucune des communes où sont exploités nos réseaux consultés (" +
		strings.Join(names, ", ") + ")."
}

// nothingFoundReason says that no feature of ours lies in the zone or
// within its class's margin.
func nothingFoundReason(m map[report.Class]float64) string {
	return fmt.Sprintf("Aucun de nos ouvrages ne se trouve dans la zone des travaux ni à moins de %s (classe A), %s (classe B) ou %s (classe C ou inconnue) de celle-ci.",
		metres(m[report.ClassA]), metres(m[report.ClassB]), metres(m[report.ClassC]))
}

// metres writes a distance the French way, the unit kept with its value
// by a no-break space: "0,5 m", "5 m".
func metres(v float64) string {
	return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1) + paper.NBSP + "m"
}

// communeName returns the commune's official name from the communes
// layer, or "commune <INSEE>" when it is not known.
func communeName(ctx context.Context, ws *store.Workspace, insee string) string {
	fs, err := ws.Query(ctx, store.Query{Layer: communeLayer, Equals: map[string]any{"insee": insee}, Limit: 1})
	if err == nil && len(fs) == 1 {
		for _, field := range []string{"nom_officiel", "nom"} {
			if s, ok := fs[0].Properties[field].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return "commune " + insee
}

// communeAreas are the communes that come near a zone, prepared for the
// territory rule; known is false when the workspace has no communes layer
// (every commune then counts as near, and as holding every feature).
type communeAreas struct {
	known bool
	areas map[string]communeArea
}

// communeArea is one commune: its territory and its bounding box in
// longitude/latitude.
type communeArea struct {
	territory *territory.Territory
	bound     orb.Bound
}

// near reports whether the commune comes near the zone.
func (c communeAreas) near(insee string) bool {
	_, ok := c.areas[insee]
	return !c.known || ok
}

// contains reports whether g lies in the commune.
func (c communeAreas) contains(insee string, g orb.Geometry) bool {
	if !c.known {
		return true
	}
	a, ok := c.areas[insee]
	return ok && a.territory.Contains(g)
}

// nearCommunes finds the communes within reach metres of the zone, with
// report.Select's exact Lambert-93 distances on the communes layer.
func nearCommunes(ctx context.Context, ws *store.Workspace, zone report.Zone, reach float64) (communeAreas, error) {
	if _, err := ws.Layer(communeLayer); errors.Is(err, store.ErrLayerNotFound) {
		return communeAreas{}, nil
	}
	out := communeAreas{known: true, areas: map[string]communeArea{}}
	sel, err := report.Select(ctx, ws, zone, report.Options{Buffer: reach, Layers: []string{communeLayer}})
	if errors.Is(err, report.ErrZoneOutside) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("communes: %w", err)
	}
	for _, it := range sel.Items {
		insee, _ := it.Properties["insee"].(string)
		t, err := territory.New(it.Geometry)
		if insee == "" || err != nil {
			continue // a commune without code or area holds nothing
		}
		out.areas[strings.TrimSpace(insee)] = communeArea{territory: t, bound: it.Geometry.Bound()}
	}
	return out, nil
}

// updateFields are the fields a feature's update date is read from: the
// CNIG RAEPA's, the AFIGEO PEI's, then common ones.
var updateFields = []string{"datemaj", "date_maj", "updated", "date_mise_a_jour"}

// updated returns a feature's update date; zero when it has none.
func updated(props map[string]any) time.Time {
	for _, name := range updateFields {
		s, ok := props[name].(string)
		if !ok {
			continue
		}
		for _, layout := range []string{time.DateOnly, time.RFC3339} {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// newestDate returns the newest update date of the items.
func newestDate(items []report.Item) time.Time {
	var newest time.Time
	for _, it := range items {
		if t := updated(it.Properties); t.After(newest) {
			newest = t
		}
	}
	return newest
}

// newestInCommunes returns the newest update date of the networks'
// features lying in their communes (of the whole layers when the communes
// are not known).
func newestInCommunes(ctx context.Context, ws *store.Workspace, nets []Ownership, areas communeAreas) (time.Time, error) {
	var newest time.Time
	for _, o := range nets {
		for _, name := range o.Layers {
			q := store.Query{Layer: name}
			if areas.known {
				b := areas.areas[o.INSEE].bound
				q.Bound = &b
			}
			err := ws.Each(ctx, q, func(f store.Feature) bool {
				if t := updated(f.Properties); t.After(newest) && areas.contains(o.INSEE, f.Geometry) {
					newest = t
				}
				return true
			})
			if err != nil {
				return time.Time{}, err
			}
		}
	}
	return newest, nil
}
