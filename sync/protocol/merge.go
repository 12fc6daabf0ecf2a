package protocol

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"terrimap/store/schema"
)

// FeatureState is a feature at one version, as Merge compares it.
//
// A feature that never existed has Exists false and Version 0; a deleted one
// (a tombstone) has Exists false and the version of its deletion.
type FeatureState struct {
	// Exists is false for a feature deleted or never created.
	Exists bool
	// Version is the feature's version; 0 when it never existed.
	Version int64
	// Geometry is the feature's geometry, nil when it has none.
	Geometry orb.Geometry
	// Properties holds every property, typed as the schema says (absent
	// and nil are alike).
	Properties map[string]any
}

// MergeOutcome is what the platform does with a pushed change.
type MergeOutcome struct {
	// Status is applied, merged, conflict or rejected.
	Status Status
	// Code is the machine code of a conflict or rejection.
	Code string
	// Message says in French, for a person, what happened and what to do;
	// empty when applied.
	Message string
	// Write says the server must store Feature as a new version (and record
	// the change in its feed); false when nothing is written: a conflict, a
	// rejection, a delete of a feature already gone, an update whose values
	// the platform already has.
	Write bool
	// Feature is the feature after the change: what to store when Write, the
	// platform's current feature (theirs) otherwise. Its Version is
	// theirs.Version+1 when Write (versions count a feature's writes from 1),
	// theirs.Version otherwise.
	Feature FeatureState
	// Changed names the fields, GeometryField for the geometry, whose value in
	// Feature differs from theirs, sorted: the Changed list of the new
	// version in the history.
	Changed []string
	// ConflictFields names the fields changed on both sides to different
	// values (update), or changed on the platform (delete vs edit), sorted.
	ConflictFields []string
	// AlreadyGone marks a delete of a feature the platform had deleted.
	AlreadyGone bool
}

// Result returns the PushResult of the change with id changeID; the server
// adds Seq and, for conflicts and merges, Current.
func (o MergeOutcome) Result(changeID string) PushResult {
	r := PushResult{ChangeID: changeID, Status: o.Status, Code: o.Code, Message: o.Message, ConflictFields: o.ConflictFields}
	if o.Status.Acknowledged() {
		r.Version = o.Feature.Version
	}
	return r
}

// Merge decides what the platform does with a pushed change, given base,
// the feature at the change's base version (the version the client
// edited), and theirs, the platform's current feature. It is pure: the
// server loads base and theirs, calls Merge, and stores the outcome.
//
// pushed must have passed ValidateAgainst, so that its values are typed as
// the stored ones. Every property in pushed.Properties, and the geometry
// when GeometryChanged, counts as changed by the client, even if base held
// the same value: the client sends only what the user changed. Geometry
// counts as one field. The rule (DESIGN.md, "The platform and the sync
// protocol"), by what the platform did between base and theirs:
//
//	pushed \ platform | nothing | other fields        | same fields             | deleted
//	update            | applied | merged              | conflict (merged when   | conflict
//	                  |         |                     | both wrote same values) | (edit vs delete)
//	delete            | applied | conflict            | conflict                | applied
//	                  |         | (delete vs edit)    | (delete vs edit)        | (already gone)
//	create            | applied | —                   | —                       | —
//
// A create of an id the platform has or had is rejected (CodeDuplicateID);
// an update or delete of a feature it never had is rejected
// (CodeUnknownFeature), as is one whose base is not a version of the
// feature (CodeBadBaseVersion).
func Merge(base, theirs FeatureState, pushed PushChange) MergeOutcome {
	switch pushed.Op {
	case OpCreate:
		return mergeCreate(theirs, pushed)
	case OpUpdate:
		return mergeUpdate(base, theirs, pushed)
	case OpDelete:
		return mergeDelete(base, theirs, pushed)
	}
	return MergeOutcome{Status: StatusRejected, Code: CodeMalformed, Feature: theirs,
		Message: fmt.Sprintf("Opération « %s » inconnue.", clip(string(pushed.Op)))}
}

func mergeCreate(theirs FeatureState, pushed PushChange) MergeOutcome {
	if theirs.Exists || theirs.Version > 0 {
		return MergeOutcome{Status: StatusRejected, Code: CodeDuplicateID, Feature: theirs,
			Message: "Un objet portant le même identifiant existe ou a existé sur la plateforme : la création est refusée."}
	}
	f := FeatureState{Exists: true, Version: 1, Properties: cloneProperties(pushed.Properties)}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	if pushed.GeometryChanged {
		f.Geometry = pushed.Geometry
	}
	return MergeOutcome{Status: StatusApplied, Write: true, Feature: f, Changed: ChangedFields(FeatureState{}, f)}
}

// checkBase rejects an update or delete whose feature or base the platform
// never had; ok is false with the outcome to return.
func checkBase(base, theirs FeatureState, pushed PushChange) (MergeOutcome, bool) {
	if !theirs.Exists && theirs.Version == 0 {
		return MergeOutcome{Status: StatusRejected, Code: CodeUnknownFeature, Feature: theirs,
			Message: "Cet objet n'existe pas sur la plateforme : il a peut-être été créé ailleurs sans y être envoyé."}, false
	}
	if !theirs.Exists {
		return MergeOutcome{}, true // a tombstone: the callers decide.
	}
	if !base.Exists || base.Version != pushed.BaseVersion || base.Version > theirs.Version {
		return MergeOutcome{Status: StatusRejected, Code: CodeBadBaseVersion, Feature: theirs,
			Message: fmt.Sprintf("La plateforme n'a pas de version %d de cet objet à laquelle rapporter la modification : synchronisez à nouveau puis refaites-la.", pushed.BaseVersion)}, false
	}
	return MergeOutcome{}, true
}

func mergeUpdate(base, theirs FeatureState, pushed PushChange) MergeOutcome {
	if out, ok := checkBase(base, theirs, pushed); !ok {
		return out
	}
	if !theirs.Exists {
		return MergeOutcome{Status: StatusConflict, Code: CodeEditDeleted, Feature: theirs,
			Message: "L'objet que vous avez modifié a été supprimé sur la plateforme entre-temps. Choisissez : le recréer avec vos modifications, ou accepter la suppression."}
	}
	onServer := changedSet(base, theirs)
	var conflicts []string
	for k, v := range pushed.Properties {
		if onServer[k] && !sameValue(v, theirs.Properties[k]) {
			conflicts = append(conflicts, k)
		}
	}
	if pushed.GeometryChanged && onServer[GeometryField] && !schema.GeometryEqual(pushed.Geometry, theirs.Geometry) {
		conflicts = append(conflicts, GeometryField)
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return MergeOutcome{Status: StatusConflict, Code: CodeFieldConflict, Feature: theirs, ConflictFields: conflicts,
			Message: fmt.Sprintf("L'objet a aussi été modifié sur la plateforme depuis votre dernière synchronisation : %s %s changé des deux côtés. Choisissez la version à garder, champ par champ.",
				frenchList(conflicts), plural(len(conflicts), "a", "ont"))}
	}
	f := FeatureState{Exists: true, Version: theirs.Version, Geometry: theirs.Geometry, Properties: cloneProperties(theirs.Properties)}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	for k, v := range pushed.Properties {
		f.Properties[k] = v
	}
	if pushed.GeometryChanged {
		f.Geometry = pushed.Geometry
	}
	out := MergeOutcome{Status: StatusApplied, Feature: theirs, Changed: ChangedFields(theirs, f)}
	if len(onServer) > 0 {
		out.Status = StatusMerged
		out.Message = "Vos modifications ont été combinées avec celles faites entre-temps sur la plateforme."
	}
	if len(out.Changed) > 0 {
		f.Version = theirs.Version + 1
		out.Write, out.Feature = true, f
	}
	return out
}

func mergeDelete(base, theirs FeatureState, pushed PushChange) MergeOutcome {
	if out, ok := checkBase(base, theirs, pushed); !ok {
		return out
	}
	if !theirs.Exists {
		return MergeOutcome{Status: StatusApplied, Feature: theirs, AlreadyGone: true}
	}
	if onServer := ChangedFields(base, theirs); len(onServer) > 0 {
		return MergeOutcome{Status: StatusConflict, Code: CodeDeleteEdited, Feature: theirs, ConflictFields: onServer,
			Message: fmt.Sprintf("L'objet que vous avez supprimé a été modifié sur la plateforme entre-temps (%s). Choisissez : confirmer la suppression, ou garder la version de la plateforme.",
				frenchList(onServer))}
	}
	return MergeOutcome{Status: StatusApplied, Write: true, Feature: FeatureState{Version: theirs.Version + 1},
		Changed: ChangedFields(theirs, FeatureState{})}
}

// ChangedFields names the fields, GeometryField for the geometry, whose
// values differ between a and b, sorted. An absent property is null.
// The client uses it to show a conflict field by field; the server to fill
// a version's Changed list.
func ChangedFields(a, b FeatureState) []string {
	set := changedSet(a, b)
	if len(set) == 0 {
		return nil
	}
	return sortedKeys(set)
}

func changedSet(a, b FeatureState) map[string]bool {
	set := map[string]bool{}
	for k, v := range a.Properties {
		if !sameValue(v, b.Properties[k]) {
			set[k] = true
		}
	}
	for k, v := range b.Properties {
		if !sameValue(v, a.Properties[k]) {
			set[k] = true
		}
	}
	if !schema.GeometryEqual(a.Geometry, b.Geometry) {
		set[GeometryField] = true
	}
	return set
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
