package dashboard

import (
	"errors"
	"time"
)

// ErrUnknownCommune is returned (wrapped) by Compute for an INSEE code the
// workspace's communes layer does not hold.
var ErrUnknownCommune = errors.New("dashboard: unknown commune")

// Stats are the figures of one commune, or of the whole intercommunality.
type Stats struct {
	// INSEE is the commune's code; "" for the whole intercommunality.
	INSEE string
	// Name is the commune's official name; "" for the whole intercommunality.
	Name string
	// Now is the date the figures are computed at: the hydrants' two years
	// and the interventions' twelve months end there.
	Now time.Time
	// Water is the drinking-water network (canalaep), Sewer the sewer
	// network (canalass).
	Water, Sewer Network
	// Hydrants are the fire hydrants (pei).
	Hydrants Hydrants
	// Interventions are the interventions of the last twelve months.
	Interventions Interventions
}

// Network sums the lengths of one network's tronçons, service connections
// excluded. Every breakdown adds up to Length.
type Network struct {
	// Layer is the layer the network was read from.
	Layer string
	// Length is the network's length in metres (Lambert-93).
	Length float64
	// Connections is the length of the service connections left out, in metres.
	Connections float64
	// Count is the number of tronçons counted in Length.
	Count int
	// ByMaterial gives the length per material, longest first, the
	// unknown material last.
	ByMaterial []Share
	// ByDiameter gives the length per diameter class, in the order of
	// DiameterClasses, the unknown diameter last.
	ByDiameter []Share
	// ByDecade gives the length per decade of laying, oldest first, the
	// unknown date last.
	ByDecade []Share
	// ByLocation gives the length per location accuracy class: A, B, C,
	// then unknown.
	ByLocation []Share
}

// Share is one part of a breakdown.
type Share struct {
	// Key is the part's code: a material code, a class name, a decade
	// ("1970"), or Unknown.
	Key string
	// Label is the part's name in French, as charts print it.
	Label string
	// Length is the part's length in metres.
	Length float64
}

// Unknown is the Key of the part whose value is not known.
const Unknown = "inconnu"

// Hydrants counts the fire hydrants.
type Hydrants struct {
	// Total is the number of hydrants.
	Total int
	// Available counts the hydrants marked disponible.
	Available int
	// Checked counts the hydrants checked within the two years before Now:
	// their date_ct, or a finished intervention of type contrôle on them.
	Checked int
	// AvailableChecked counts the hydrants both available and checked.
	AvailableChecked int
}

// Interventions counts the interventions of the twelve months ending with
// Now's month, by month and type. Planned interventions (not yet done) and
// those dated after Now are not counted.
type Interventions struct {
	// Months are the first days of the twelve months, oldest first.
	Months []time.Time
	// Types are the intervention types, in the order of the layer's domain.
	Types []Kind
	// Counts[t][m] is the number of interventions of type Types[t] in month Months[m].
	Counts [][]int
	// Total is the number of interventions counted.
	Total int
}

// Kind is a coded value and its French label.
type Kind struct {
	Code, Label string
}

// ByMonth returns the number of interventions of each month, all types together.
func (iv Interventions) ByMonth() []int {
	out := make([]int, len(iv.Months))
	for _, row := range iv.Counts {
		for m, n := range row {
			out[m] += n
		}
	}
	return out
}

// ByType returns the number of interventions of each type over the twelve months.
func (iv Interventions) ByType() []int {
	out := make([]int, len(iv.Types))
	for t, row := range iv.Counts {
		for _, n := range row {
			out[t] += n
		}
	}
	return out
}
