package icgp

import "time"

// The two services a score is computed for, as icgp_declarations codes them.
const (
	Water = "eau"
	Sewer = "assainissement"
)

// Options says which territory and which year the indicators describe.
type Options struct {
	// INSEE is the commune's code; "" means the whole intercommunality:
	// lengths are summed and a declared item counts when every commune with
	// that network declared it.
	INSEE string
	// Year is the RPQS's exercise: the renewal rate is the mean over Year-4
	// to Year (five years). Zero means the current year.
	Year int
}

// Report is the ICGP of both services and their renewal rates.
type Report struct {
	// INSEE and Year are those of the Options.
	INSEE string
	Year  int
	// Water (P103.2B) and Sewer (P202.2B); Sewer is nil where the territory
	// has no sewer network in the workspace (nor the layer).
	Water, Sewer *Score
	// RenewalWater (P107.2) and RenewalSewer (P253.2).
	RenewalWater, RenewalSewer Renewal
}

// Score is the ICGP of one service.
type Score struct {
	// Service is Water or Sewer.
	Service string
	// Indicator is "P103.2B" or "P202.2B".
	Indicator string
	// Items in the order of the arrêté.
	Items []Item
	// Total counts the points of the items that are not Gated, 0 to 120.
	Total int
	// DescriptifDetaille is true when the plan and the inventory reach 40
	// points: the service has a descriptif détaillé des réseaux.
	DescriptifDetaille bool
	// Length is the network's length in metres, service connections excluded.
	Length float64
	// LocationClassPercent is the share of the length whose location
	// accuracy class (qualglocxy: A, B or C) the inventory gives, in
	// percent: the arrêté asks the inventory for it on every tronçon.
	LocationClassPercent float64
	// Blockers say what to survey or declare next to gain points, the
	// largest gain first.
	Blockers []Blocker
}

// Item is one line of the arrêté's scale.
type Item struct {
	// Code is the item's code, also used by icgp_declarations.
	Code string
	// Label is the item's wording, in French.
	Label string
	// Part is "A" (plan), "B" (inventory) or "C" (other knowledge).
	Part string
	// Points is what the item earns on its own, 0 to Max; it counts in the
	// total only when not Gated.
	Points, Max int
	// Computed is true when the points come from the data; false when they
	// come from a declaration.
	Computed bool
	// Measured is true for the items scored on a share of the network's
	// length (material and diameter, laying date, altimetry, the sewers'
	// connections per tronçon): Percent is then their share, 0 included.
	Measured bool
	// Percent is the share of the network's length the item measures (0 to
	// 100), for the items measured by length; 0 otherwise.
	Percent float64
	// Detail says, in French, what was found ("312 vannes localisées").
	Detail string
	// DeclaredBy and DeclaredOn tell who declared a declared item and
	// when; empty when nobody did. For the whole intercommunality they are
	// those of the oldest of the communes' declarations.
	DeclaredBy string
	DeclaredOn time.Time
	// Gated is true when the item's points do not count because a gate is
	// not reached (15 points of plan, 40 points of plan and inventory).
	Gated bool
}

// Blocker is what stands between the service and its next points.
type Blocker struct {
	// Item is the code of the item to improve.
	Item string
	// Message says it in French: «+8,2 km avec matériau et diamètre → 13
	// points».
	Message string
	// MissingLength is the length in metres to complete for the next
	// threshold; 0 for an item to declare.
	MissingLength float64
	// Gain is how many points the total gains when the blocker is lifted
	// (more than the item's own when it opens a gate).
	Gain int
	// Features are the tronçons lacking the information, longest first.
	Features []Lack
	// Communes names, for the whole intercommunality, the communes that
	// have not declared the item.
	Communes []string
}

// Lack is a tronçon that lacks what a blocker asks for.
type Lack struct {
	Layer string
	FID   int64
	UUID  string
	// ID is the producer's identifier (idcana).
	ID string
	// Length in metres, Lambert-93.
	Length float64
}

// Renewal is the mean renewal rate of a network over five years.
type Renewal struct {
	// FromYear and ToYear bound the five years, both included.
	FromYear, ToYear int
	// Renewed is the length renewed or rehabilitated over the five years,
	// in metres (service connections excluded).
	Renewed float64
	// NetworkLength is the network's length in metres.
	NetworkLength float64
	// Rate is the yearly mean renewed length divided by the network's
	// length, in percent; 0 for a network of no length.
	Rate float64
	// Interventions is the number of interventions counted.
	Interventions int
}

// Declaration is one declared checklist item, as icgp_declarations holds it.
type Declaration struct {
	INSEE   string
	Service string // Water or Sewer
	Item    string // an item's Code
	Value   bool
	Year    int
	By      string
	On      time.Time
	Comment string
}
