package dtdict

import (
	"time"

	"terrimap/mapview/tiles"
)

// AnswerMeta is what an answer says besides the analysis: the dates of the
// declaration's life, who signs, and what goes with the récépissé.
type AnswerMeta struct {
	// Received is the day the declaration reached us, Due the day the
	// answer is due by (zero for an ATU), Answered the day of the answer
	// (now when zero).
	Received, Due, Answered time.Time
	// Signatory is who signs the récépissé for the operator (name and
	// office: "Jeanne Martin, secrétaire de mairie").
	Signatory string
	// WorksPlanned is true when works on our networks are planned in the
	// zone within the next three months (a box of the cerfa).
	WorksPlanned bool
	// SiteMeeting is true when the answer offers a meeting on site to
	// locate our networks (a box of the cerfa 14435), fixed with the
	// networks' contact. The platform's settings hold no such default: the
	// one who answers decides.
	SiteMeeting bool
	// Plans are the plan sheets attached (WritePlans returns them).
	Plans []PlanRef
	// VectorFiles are the names of the vector files attached.
	VectorFiles []string
	// Basemap, when not nil, is drawn under the plans' networks: the
	// platform's plan of the streets (the workspace itself holds only the
	// buildings and the communes), or any tile source. Its tiles are
	// fetched within export.DefaultBasemapTimeout; the plans go without
	// those it cannot give.
	Basemap tiles.Source
}

// PlanRef is one plan sheet attached to an answer.
type PlanRef struct {
	// Reference names the sheet on the récépissé: "PLAN-2026061500123-1".
	Reference string
	// Scale is the sheet's scale denominator: 500 for 1:500.
	Scale int
	// Size is the sheet's format and orientation: "A3 paysage".
	Size string
	// Sheet is the sheet's place in the plans' PDF, from 1 (an overview,
	// when there is one, comes first); Sheets is how many there are.
	Sheet, Sheets int
	// Edited is when the sheet was drawn (the answer's day): the cerfa's
	// «date d'édition» of a plan.
	Edited time.Time
}
