package dtdict

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"terrimap/store"
)

// Errors of the register callers tell apart. Their text is French: the
// command line and the app show it as it is.
var (
	// ErrNoRegister: the workspace has no register layer (dtdict), which
	// the platform publishes; a desk gets it by syncing.
	ErrNoRegister = errors.New("dtdict: cet espace de travail n'a pas le registre des DT-DICT (couche dtdict) : synchronisez-le avec la plateforme, qui le publie")
	// ErrRegisterReadOnly: the user may not write in the register (a
	// viewer, a read-only workspace, or an entry outside their territory).
	ErrRegisterReadOnly = errors.New("dtdict: vous ne pouvez pas écrire dans le registre des DT-DICT")
	// ErrNotRegistered: no declaration of that number and type is in the
	// register.
	ErrNotRegistered = errors.New("dtdict: cette déclaration n'est pas au registre")
)

// Register records a declaration received in the register: a new entry
// «à traiter», or the entry of the same number and type brought up to
// date — never a second one. received is the day it came (by e-mail:
// electronic; on paper, the longer delays); the due date follows from it
// (Due); a day before the declaration's own counts as that day. An entry
// keeps its earliest reception day, its status and its
// answer: importing the same file again the next day does not push its
// deadline back nor reopen it. The XML is kept with the entry (the first
// of its files) and synced with it. The zone is the entry's geometry when
// it lies in the user's territory; otherwise the interior point of its
// commune (the whole zone stays in the XML).
func Register(ctx context.Context, ws *store.Workspace, d *Declaration, xml []byte, received time.Time, electronic bool) (Entry, error) {
	if d == nil || strings.TrimSpace(d.Number) == "" {
		return Entry{}, fmt.Errorf("dtdict: register: la déclaration n'a pas de numéro de consultation")
	}
	l, err := registerLayer(ws)
	if err != nil {
		return Entry{}, err
	}
	access := writeAccess(ctx, ws, l)
	place, err := placeOf(ctx, ws, d, access)
	if err != nil {
		return Entry{}, err
	}
	// Not received before it was made: a desk whose clock is behind the
	// one-stop shop's (see CheckReception).
	received = notBefore(received, d.Declared)
	var due time.Time
	if d.Kind != KindATU {
		due = civilDay(Due(d.Kind, received, electronic))
	}
	props := map[string]any{
		fieldNumber:    d.Number,
		fieldKind:      string(d.Kind),
		fieldDeclarant: declarantName(d),
		fieldINSEE:     d.Place.INSEE,
		fieldCommune:   place.commune,
		fieldWorks:     d.Works.Description,
	}
	xmlFile := File{Name: declarationFileName(d), Data: xml}
	var out Entry
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		cur, found, err := findEntry(ctx, ws, d.Number, d.Kind)
		if err != nil {
			return err
		}
		if err := access.allows(found, cur); err != nil {
			return err
		}
		if found && !cur.Received.IsZero() && cur.Received.Before(received) {
			received, due = cur.Received, cur.Due
		}
		props[fieldReceived] = dayValue(received)
		props[fieldDue] = dayValue(due)
		xmlFile.Hash, err = tx.PutBlob(xmlFile.Name, xml)
		if err != nil {
			return err
		}
		var files []File
		if found {
			files = cur.Files
		}
		props[fieldFiles], props[fieldFileNames] = filesValues(withDeclaration(files, xmlFile))
		var f store.Feature
		if found {
			f, err = tx.Update(RegisterLayer, cur.ID, store.Change{Properties: props, Geometry: place.geometry, SetGeometry: true})
		} else {
			props[fieldStatus] = string(StatusPending)
			f, err = tx.Create(RegisterLayer, store.Feature{Geometry: place.geometry, Properties: props})
		}
		out = entryOf(f)
		return err
	})
	if err != nil {
		return Entry{}, registerError("register "+d.Number, err)
	}
	return out, nil
}

// recordVerdict records whether the declaration concerns our networks
// (concerne), once analysed.
func recordVerdict(ctx context.Context, ws *store.Workspace, number string, kind Kind, concerned bool) (Entry, error) {
	value := "N"
	if concerned {
		value = "O"
	}
	return updateEntry(ctx, ws, number, kind, func(*store.Tx, Entry) (map[string]any, error) {
		return map[string]any{fieldConcerned: value}, nil
	})
}

// MarkAnswered records the answer to a declaration: sent on the day
// answered by by, «répondu», or «répondu hors délai» when after its due
// date; files (Name and Data each) are kept with the entry after those it
// has, and synced with it. A file it already has (same bytes) is not added
// twice. Answered again (a corrected answer), a declaration keeps the day
// and the author of its first answer, and so its status: a correction
// after the due date does not make a timely answer late.
func MarkAnswered(ctx context.Context, ws *store.Workspace, number string, kind Kind, answered time.Time, by string, files []File) (Entry, error) {
	answered = civilDay(answered)
	return updateEntry(ctx, ws, number, kind, func(tx *store.Tx, cur Entry) (map[string]any, error) {
		all := slices.Clone(cur.Files)
		for _, f := range files {
			hash, err := tx.PutBlob(f.Name, f.Data)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(all, func(g File) bool { return g.Hash == hash }) {
				all = append(all, File{Name: f.Name, Hash: hash})
			}
		}
		if !cur.Stored.Open() && !cur.Answered.IsZero() && !cur.Answered.After(answered) {
			// Answered again (a correction): the first answer dates it.
			answered, by = cur.Answered, cur.AnsweredBy
		}
		status := StatusAnswered
		if !cur.Due.IsZero() && answered.After(cur.Due) {
			status = StatusLate
		}
		props := map[string]any{fieldStatus: string(status), fieldAnswered: dayValue(answered), fieldAnsweredBy: by}
		props[fieldFiles], props[fieldFileNames] = filesValues(all)
		return props, nil
	})
}

// updateEntry changes the register's entry of a declaration in one
// transaction: change gives the properties to set from the entry as it is.
func updateEntry(ctx context.Context, ws *store.Workspace, number string, kind Kind, change func(*store.Tx, Entry) (map[string]any, error)) (Entry, error) {
	l, err := registerLayer(ws)
	if err != nil {
		return Entry{}, err
	}
	access := writeAccess(ctx, ws, l)
	var out Entry
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		cur, found, err := findEntry(ctx, ws, number, kind)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w (%s n° %s)", ErrNotRegistered, kind, number)
		}
		if err := access.allows(true, cur); err != nil {
			return err
		}
		props, err := change(tx, cur)
		if err != nil {
			return err
		}
		f, err := tx.Update(RegisterLayer, cur.ID, store.Change{Properties: props})
		out = entryOf(f)
		return err
	})
	if err != nil {
		return Entry{}, registerError("update "+number, err)
	}
	return out, nil
}

// findEntry returns the register's entry of a declaration. Called inside
// an edit, it reads after the transaction took the workspace's write lock
// (transactions begin immediate): it sees every entry committed, and no
// other writer can add one before the edit ends — so an entry is never
// made twice.
func findEntry(ctx context.Context, ws *store.Workspace, number string, kind Kind) (Entry, bool, error) {
	fs, err := ws.Query(ctx, store.Query{Layer: RegisterLayer, Equals: map[string]any{fieldNumber: number, fieldKind: string(kind)}, Limit: 1})
	if err != nil || len(fs) == 0 {
		return Entry{}, false, err
	}
	return entryOf(fs[0]), true, nil
}

// withDeclaration puts the XML received first among files, once; an
// earlier, different XML of the same declaration stays after it.
func withDeclaration(files []File, xml File) []File {
	out := []File{xml}
	for _, f := range files {
		if f.Hash != xml.Hash {
			out = append(out, f)
		}
	}
	return out
}

// declarantName is who declared, as the register names them.
func declarantName(d *Declaration) string {
	if d.Declarant.Contact != "" && d.Declarant.Contact != d.Declarant.Name {
		return d.Declarant.Name + " (" + d.Declarant.Contact + ")"
	}
	return d.Declarant.Name
}

// declarationFileName is the name the XML received is kept under.
func declarationFileName(d *Declaration) string {
	return "declaration-" + fileStem(d) + ".xml"
}

// AnswerFolder is the folder a declaration's answer is written in, in the
// folder the user chose: «DT-DICT 2026061500123».
func AnswerFolder(d *Declaration) string { return "DT-DICT " + fileStem(d) }

// fileStem is what the files of a declaration's answer are named after
// (recepisse-<stem>.pdf): its number, with anything but letters, digits
// and dashes replaced (the number comes from outside).
func fileStem(d *Declaration) string {
	var b strings.Builder
	for _, r := range d.Number {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	return b.String()
}

// registerError wraps an error of the register, a read-only layer or
// workspace becoming ErrRegisterReadOnly.
func registerError(op string, err error) error {
	switch {
	case errors.Is(err, ErrRegisterReadOnly), errors.Is(err, ErrNotRegistered), errors.Is(err, ErrOutsideTerritory):
		return err
	case errors.Is(err, store.ErrReadOnly):
		return fmt.Errorf("%w (espace de travail en lecture seule) : %w", ErrRegisterReadOnly, err)
	}
	return fmt.Errorf("dtdict: %s: %w", op, err)
}
