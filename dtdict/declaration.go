package dtdict

import (
	"time"

	"github.com/paulmach/orb"
)

// Kind is what a declaration is.
type Kind string

// The kinds of declaration the one-stop shop sends.
const (
	// KindDT is a déclaration de projet de travaux.
	KindDT Kind = "DT"
	// KindDICT is a déclaration d'intention de commencement de travaux.
	KindDICT Kind = "DICT"
	// KindJoint is a DT and a DICT made together (dtDictConjointes).
	KindJoint Kind = "DT-DICT"
	// KindATU is an avis de travaux urgents: no deadline, answered at once.
	KindATU Kind = "ATU"
)

// Declaration is one declaration as the one-stop shop's XML gives it.
type Declaration struct {
	// SchemaVersion is the exchange schema's version: "2.1" or "2.2".
	SchemaVersion string
	// Kind says DT, DICT, joint DT-DICT or ATU.
	Kind Kind
	// Number is the consultation number of the one-stop shop
	// (noConsultationDuTeleservice); for a DT, noConsultationDuTeleserviceSeize
	// when that is the one given.
	Number string
	// Declared is dateDeLaDeclaration (the day the declarant sent it); the
	// zero time when absent.
	Declared time.Time
	// Declarant is who declares and expects the answer.
	Declarant Party
	// Others are the other parties named, in the order of their roles
	// (for a DT, the project's owner behind its representative; for a
	// joint declaration, the DICT's executantDesTravaux…).
	Others []Party
	// Place is where the works are.
	Place Place
	// Works describes the works.
	Works Works
	// Wishes is what the declarant wants back.
	Wishes Wishes
	// Networks are the operators' networks consulted (listeDesOuvrages).
	Networks []Network
	// Zone is the works zone (emprise/geometrie) in longitude/latitude
	// (RGF93 EPSG:4171 is taken as WGS84: they differ by centimetres).
	Zone orb.MultiPolygon
	// Surface is the zone's area in square metres as declared (0 when absent).
	Surface float64
}

// Party is a person or company named in a declaration.
type Party struct {
	// Role is the element it came from: "responsableDuProjet",
	// "representantDuResponsableDeProjet", "executantDesTravaux" or, for an
	// ATU, "personneOrdonnantLesTravauxUrgents".
	Role string
	// Name is the company's or person's name (denomination, or nom).
	Name string
	// Contact is the person to reach, when named apart from Name.
	Contact string
	// Address is the postal address on one line ("12 rue …, 71700 Tournus").
	Address string
	// Phone and Email; "" when absent.
	Phone, Email string
}

// Place is where the works are.
type Place struct {
	// Address is the works' address or locality on one line.
	Address string
	// INSEE is the commune's code (codeINSEE).
	INSEE string
	// Commune is the commune's name, when given.
	Commune string
}

// Works describes the works planned.
type Works struct {
	// Natures are the natureDesTravaux codes, as given.
	Natures []string
	// Description is the declarant's description.
	Description string
	// Start is the planned start date; zero when absent.
	Start time.Time
	// DurationDays is the planned duration in days (0 when absent).
	DurationDays int
	// Trenchless lists the trenchless techniques named (forage dirigé…).
	Trenchless []string
	// TrenchlessUsed is true when the declarant says trenchless techniques
	// are used (emploiDeTechniquesSansTranchees), named or not.
	TrenchlessUsed bool
}

// Wishes is what the declarant asks for in the récépissé
// (souhaitsPourLeRecepisse).
type Wishes struct {
	// PlanSize is the sheet size asked: "A4", "A3", "A2", "A1" or "A0";
	// "A4" when absent.
	PlanSize string
	// Colour is true when colour plans are asked.
	Colour bool
	// Vector is true when vector plans are asked; VectorFormat says which
	// ("DXF", "SHP", "MIF_MID"…, as given, upper case).
	Vector       bool
	VectorFormat string
}

// Network is one operator's network consulted (listeDesOuvrages/ouvrage).
type Network struct {
	// Operator is the operator's name as the one-stop shop knows it.
	Operator string
	// Category is "S" (sensitive) or "NS" (not sensitive).
	Category string
	// Class is classeOuvrage (CANALISATIONS_EAU_POTABLE…).
	Class string
	// Code is codeOuvrage (EAUPOT71543…): how the platform knows it is ours.
	Code string
}

// Responds reports whether the declaration is a DT, a DICT or both: the
// kinds whose récépissé is due within a legal delay (an ATU is answered
// at once).
func (k Kind) Responds() bool { return k == KindDT || k == KindDICT || k == KindJoint }
