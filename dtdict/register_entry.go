package dtdict

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// RegisterLayer is the synced layer of the declarations received: one
// feature per declaration (numero and type), on every desk of the
// intercommunality.
const RegisterLayer = "dtdict"

// The register's fields, as the platform publishes the layer.
const (
	fieldNumber     = "numero"
	fieldKind       = "type"
	fieldDeclarant  = "declarant"
	fieldINSEE      = "insee"
	fieldCommune    = "commune"
	fieldReceived   = "recu_le"
	fieldDue        = "echeance"
	fieldStatus     = "statut"
	fieldConcerned  = "concerne"
	fieldAnswered   = "repondu_le"
	fieldAnsweredBy = "repondu_par"
	fieldWorks      = "travaux"
	fieldFiles      = "fichiers"
	fieldFileNames  = "noms_fichiers"
)

// fileNameSeparator separates the names in noms_fichiers.
const fileNameSeparator = " | "

// Status is where a declaration stands in the register.
type Status string

// The statuses. The first three are stored (statut); StatusOverdue is
// never stored: Entry.Status gives it to a declaration still to answer
// whose due date has passed.
const (
	StatusPending  Status = "a_traiter"
	StatusAnswered Status = "repondu"
	StatusLate     Status = "hors_delai"
	StatusOverdue  Status = "en_retard"
)

// Label is the status as the register shows it, in French.
func (s Status) Label() string {
	switch s {
	case StatusPending:
		return "À traiter"
	case StatusAnswered:
		return "Répondu"
	case StatusLate:
		return "Répondu hors délai"
	case StatusOverdue:
		return "Hors délai"
	}
	return string(s)
}

// Open reports whether the declaration still waits for its answer.
func (s Status) Open() bool { return s == StatusPending || s == StatusOverdue }

// File is a file kept with a declaration in the register: the XML received,
// or a file of the answer. Data is set when a file is given to store; the
// register's entries carry the hash and name only (ReadFile fetches the bytes).
type File struct {
	Name string
	Hash string
	Data []byte
}

// Entry is one declaration of the register.
type Entry struct {
	// ID is the feature's UUID in the register layer.
	ID string
	// Number and Kind identify the declaration (numero, type).
	Number string
	Kind   Kind
	// Declarant is who declared the works.
	Declarant string
	// INSEE and Commune say where the works are.
	INSEE, Commune string
	// Received is the day the declaration was received; Due the day its
	// answer is due (zero for an ATU: answered at once).
	Received, Due time.Time
	// Stored is the status as recorded: StatusPending, StatusAnswered or
	// StatusLate. Status(now) says what to show.
	Stored Status
	// Analysed is true once the declaration was analysed; Concerned then
	// says whether our networks are in the zone.
	Analysed, Concerned bool
	// Answered is the day the answer was sent, AnsweredBy who sent it.
	Answered   time.Time
	AnsweredBy string
	// Works is the declarant's description of the works.
	Works string
	// Files are the XML received (first) and the answer's files, hash and
	// name each.
	Files []File
	// Geometry is the works zone, or the point of its commune when the
	// zone lies outside the user's territory.
	Geometry orb.Geometry
}

// Status is the entry's status on the day of now: StatusOverdue for a
// declaration still to answer whose due date is past, else the status
// recorded.
func (e Entry) Status(now time.Time) Status {
	if e.Stored == StatusPending && !e.Due.IsZero() && civilDay(now).After(civilDay(e.Due)) {
		return StatusOverdue
	}
	return e.Stored
}

// deadline is the day the answer must be sent by: the due date, or the
// reception day for an ATU (answered at once).
func (e Entry) deadline() time.Time {
	if e.Due.IsZero() {
		return e.Received
	}
	return e.Due
}

// Entries returns the register's declarations sorted by due date (an ATU
// by its reception day), the earliest first, then by number.
func Entries(ctx context.Context, ws *store.Workspace) ([]Entry, error) {
	if _, err := registerLayer(ws); err != nil {
		return nil, err
	}
	features, err := ws.Query(ctx, store.Query{Layer: RegisterLayer})
	if err != nil {
		return nil, fmt.Errorf("dtdict: register: %w", err)
	}
	out := make([]Entry, 0, len(features))
	for _, f := range features {
		out = append(out, entryOf(f))
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Or(a.deadline().Compare(b.deadline()), cmp.Compare(a.Number, b.Number), cmp.Compare(a.Kind, b.Kind))
	})
	return out, nil
}

// DueWithin reports whether the entry is still to answer and its answer
// due within within of now (counted in days: due on or before the day of
// now+within), past due included.
func (e Entry) DueWithin(now time.Time, within time.Duration) bool {
	return e.Status(now).Open() && !civilDay(e.deadline()).After(civilDay(now.Add(within)))
}

// dueSoon returns the entries due within within of now (DueWithin), in
// the order given.
func dueSoon(entries []Entry, now time.Time, within time.Duration) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.DueWithin(now, within) {
			out = append(out, e)
		}
	}
	return out
}

// DueCounts splits dueSoon(entries, now, within) in two: overdue, the
// declarations still to answer past their due date (StatusOverdue), and
// soon, those due within the delay — what a warning says apart («2 hors
// délai et 1 à rendre d'ici 2 jours»).
func DueCounts(entries []Entry, now time.Time, within time.Duration) (overdue, soon int) {
	for _, e := range dueSoon(entries, now, within) {
		if e.Status(now) == StatusOverdue {
			overdue++
		} else {
			soon++
		}
	}
	return overdue, soon
}

// ReadFile returns the bytes of a file of the register, as the workspace
// holds it (store.ErrBlobNotFound, wrapped, while a file synced from
// another desk has not arrived yet).
func ReadFile(ctx context.Context, ws *store.Workspace, f File) ([]byte, error) {
	data, _, err := ws.Blob(ctx, f.Hash)
	if err != nil {
		return nil, fmt.Errorf("dtdict: file %s: %w", f.Name, err)
	}
	return data, nil
}

// entryOf reads a feature of the register.
func entryOf(f store.Feature) Entry {
	text := func(name string) string { s, _ := f.Properties[name].(string); return s }
	e := Entry{
		ID:         f.UUID,
		Number:     text(fieldNumber),
		Kind:       Kind(text(fieldKind)),
		Declarant:  text(fieldDeclarant),
		INSEE:      text(fieldINSEE),
		Commune:    text(fieldCommune),
		Received:   parseDay(text(fieldReceived)),
		Due:        parseDay(text(fieldDue)),
		Stored:     Status(text(fieldStatus)),
		Answered:   parseDay(text(fieldAnswered)),
		AnsweredBy: text(fieldAnsweredBy),
		Works:      text(fieldWorks),
		Files:      filesOf(text(fieldFiles), text(fieldFileNames)),
		Geometry:   f.Geometry,
	}
	if e.Stored == "" {
		e.Stored = StatusPending
	}
	switch text(fieldConcerned) {
	case "O":
		e.Analysed, e.Concerned = true, true
	case "N":
		e.Analysed = true
	}
	return e
}

// filesOf pairs the hashes of fichiers with the names of noms_fichiers; a
// file without a name is called by its hash.
func filesOf(hashes, names string) []File {
	var out []File
	var ns []string
	if names != "" {
		ns = strings.Split(names, fileNameSeparator)
	}
	for i, h := range strings.Split(hashes, ",") {
		if h = strings.TrimSpace(h); h == "" {
			continue
		}
		name := h
		if i < len(ns) && strings.TrimSpace(ns[i]) != "" {
			name = strings.TrimSpace(ns[i])
		}
		out = append(out, File{Name: name, Hash: h})
	}
	return out
}

// filesValues gives files as the values of fichiers and noms_fichiers.
func filesValues(files []File) (hashes, names string) {
	hs := make([]string, len(files))
	ns := make([]string, len(files))
	for i, f := range files {
		hs[i] = f.Hash
		// A name holding the separator would shift the names after it.
		ns[i] = strings.ReplaceAll(f.Name, strings.TrimSpace(fileNameSeparator), "_")
	}
	return strings.Join(hs, ","), strings.Join(ns, fileNameSeparator)
}

// parseDay reads a stored date as a civil day, local time; zero when empty
// or unreadable.
func parseDay(s string) time.Time {
	t, err := time.ParseInLocation(schema.DateLayout, s, time.Local)
	if err != nil {
		return time.Time{}
	}
	return t
}

// civilDay is the day of t (in its own location) at midnight, local time:
// what dates of the register compare as.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}

// dayValue is a civil day as a stored date; "" for the zero time.
func dayValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(schema.DateLayout)
}

// registerLayer returns the register's layer, ErrNoRegister when the
// workspace has none.
func registerLayer(ws *store.Workspace) (*store.Layer, error) {
	l, err := ws.Layer(RegisterLayer)
	if errors.Is(err, store.ErrLayerNotFound) {
		return nil, ErrNoRegister
	}
	if err != nil {
		return nil, fmt.Errorf("dtdict: register: %w", err)
	}
	return l, nil
}
