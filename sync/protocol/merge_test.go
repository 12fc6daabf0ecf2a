package protocol

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"terrimap/store/schema"
)

// base is hydrant 12 as the client last synced it, at version 3.
func base() FeatureState {
	return FeatureState{Exists: true, Version: 3, Geometry: tournus, Properties: map[string]any{
		"numero": int64(12), "debit": 60.0, "disponible": true, "commentaire": "ok"}}
}

// serverEdit returns base as the platform has it after edits made since:
// version v, properties props set, geometry g when setGeom.
func serverEdit(v int64, props map[string]any, setGeom bool, g orb.Geometry) FeatureState {
	s := base()
	s.Version = v
	for k, val := range props {
		s.Properties[k] = val
	}
	if setGeom {
		s.Geometry = g
	}
	return s
}

func tombstone(v int64) FeatureState { return FeatureState{Version: v} }

func pushUpdate(props map[string]any) PushChange {
	return PushChange{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpUpdate, BaseVersion: 3, Properties: props}
}

func updateGeom(g orb.Geometry, props map[string]any) PushChange {
	c := pushUpdate(props)
	c.GeometryChanged, c.Geometry = true, g
	return c
}

var (
	moved    = orb.Point{4.9090, 46.5630}
	movedToo = orb.Point{4.9100, 46.5600}
)

// TestMergeTable checks every cell of the table in DESIGN.md ("The platform
// and the sync protocol"), and the rejections around it.
func TestMergeTable(t *testing.T) {
	del := PushChange{ChangeID: changeA, Layer: "pei", ID: feature1, Op: OpDelete, BaseVersion: 3}
	create := PushChange{ChangeID: changeA, Layer: "pei", ID: feature2, Op: OpCreate,
		Properties: map[string]any{"numero": int64(13), "disponible": true}, GeometryChanged: true, Geometry: tournus}
	never := FeatureState{}

	cases := []struct {
		name         string
		base, theirs FeatureState
		pushed       PushChange
		status       Status
		code         string
		write        bool
		conflicts    []string
		changed      []string
		gone         bool
		// props and geom are checked on the written feature when write.
		props map[string]any
		geom  orb.Geometry
	}{
		// update × nothing
		{name: "update/nothing", base: base(), theirs: base(), pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusApplied, write: true, changed: []string{"debit"},
			props: map[string]any{"numero": int64(12), "debit": 70.0, "disponible": true, "commentaire": "ok"}, geom: tournus},
		{name: "update/nothing: geometry", base: base(), theirs: base(), pushed: updateGeom(moved, nil),
			status: StatusApplied, write: true, changed: []string{GeometryField}, geom: moved},
		{name: "update/nothing: geometry removed", base: base(), theirs: base(), pushed: updateGeom(nil, nil),
			status: StatusApplied, write: true, changed: []string{GeometryField}, geom: nil},
		{name: "update/nothing: versions moved but values back", base: base(), theirs: serverEdit(5, nil, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusApplied, write: true, changed: []string{"debit"}},
		{name: "update/nothing: same values as base", base: base(), theirs: base(), pushed: pushUpdate(map[string]any{"debit": 60.0}),
			status: StatusApplied, write: false},
		// update × other fields changed
		{name: "update/other field", base: base(), theirs: serverEdit(4, map[string]any{"commentaire": "vu"}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusMerged, write: true, changed: []string{"debit"},
			props: map[string]any{"numero": int64(12), "debit": 70.0, "disponible": true, "commentaire": "vu"}, geom: tournus},
		{name: "update/other: geometry moved on server", base: base(), theirs: serverEdit(4, nil, true, moved),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusMerged, write: true, changed: []string{"debit"}, geom: moved},
		{name: "update/other: geometry mine, field theirs", base: base(), theirs: serverEdit(4, map[string]any{"debit": 80.0}, false, nil),
			pushed: updateGeom(moved, nil), status: StatusMerged, write: true, changed: []string{GeometryField},
			props: map[string]any{"numero": int64(12), "debit": 80.0, "disponible": true, "commentaire": "ok"}, geom: moved},
		{name: "update/other: field added on server", base: base(), theirs: serverEdit(4, map[string]any{"date_ct": "2025-03-01"}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusMerged, write: true, changed: []string{"debit"}},
		// update × same fields changed
		{name: "update/same field, other value", base: base(), theirs: serverEdit(4, map[string]any{"debit": 80.0}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusConflict, code: CodeFieldConflict, conflicts: []string{"debit"}},
		{name: "update/same field, same value", base: base(), theirs: serverEdit(4, map[string]any{"debit": 70.0}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0}), status: StatusMerged, write: false},
		{name: "update/same field, same value, numbers typed apart", base: base(), theirs: serverEdit(4, map[string]any{"numero": int64(14)}, false, nil),
			pushed: pushUpdate(map[string]any{"numero": 14.0}), status: StatusMerged, write: false},
		{name: "update/same field same value plus other", base: base(),
			theirs: serverEdit(4, map[string]any{"debit": 70.0, "commentaire": "vu"}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0, "disponible": false}), status: StatusMerged, write: true, changed: []string{"disponible"},
			props: map[string]any{"numero": int64(12), "debit": 70.0, "disponible": false, "commentaire": "vu"}, geom: tournus},
		{name: "update/same fields, one differs", base: base(),
			theirs: serverEdit(4, map[string]any{"debit": 80.0, "numero": int64(13)}, false, nil),
			pushed: pushUpdate(map[string]any{"debit": 70.0, "numero": int64(13)}), status: StatusConflict, code: CodeFieldConflict, conflicts: []string{"debit"}},
		{name: "update/same fields, several differ", base: base(),
			theirs: serverEdit(4, map[string]any{"debit": 80.0, "commentaire": "HS"}, true, movedToo),
			pushed: updateGeom(moved, map[string]any{"debit": 70.0, "commentaire": "réparé"}), status: StatusConflict, code: CodeFieldConflict,
			conflicts: []string{"commentaire", "debit", GeometryField}},
		{name: "update/same field cleared vs set", base: base(), theirs: serverEdit(4, map[string]any{"commentaire": nil}, false, nil),
			pushed: pushUpdate(map[string]any{"commentaire": "vu"}), status: StatusConflict, code: CodeFieldConflict, conflicts: []string{"commentaire"}},
		{name: "update/same field cleared on both sides", base: base(), theirs: serverEdit(4, map[string]any{"commentaire": nil}, false, nil),
			pushed: pushUpdate(map[string]any{"commentaire": nil}), status: StatusMerged, write: false},
		{name: "update/geometry moved on both sides", base: base(), theirs: serverEdit(4, nil, true, movedToo),
			pushed: updateGeom(moved, nil), status: StatusConflict, code: CodeFieldConflict, conflicts: []string{GeometryField}},
		{name: "update/geometry moved to the same place", base: base(), theirs: serverEdit(4, nil, true, moved),
			pushed: updateGeom(moved, nil), status: StatusMerged, write: false},
		{name: "update/geometry removed vs moved", base: base(), theirs: serverEdit(4, nil, true, moved),
			pushed: updateGeom(nil, nil), status: StatusConflict, code: CodeFieldConflict, conflicts: []string{GeometryField}},
		{name: "update/geometry removed on both sides", base: base(), theirs: serverEdit(4, nil, true, nil),
			pushed: updateGeom(nil, map[string]any{"debit": 70.0}), status: StatusMerged, write: true, changed: []string{"debit"}, geom: nil},
		// update × deleted
		{name: "update/deleted", base: base(), theirs: tombstone(4), pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusConflict, code: CodeEditDeleted},
		{name: "update/deleted, same value", base: base(), theirs: tombstone(4), pushed: pushUpdate(map[string]any{"debit": 60.0}),
			status: StatusConflict, code: CodeEditDeleted},
		// delete × each
		{name: "delete/nothing", base: base(), theirs: base(), pushed: del, status: StatusApplied, write: true,
			changed: []string{"commentaire", "debit", "disponible", GeometryField, "numero"}},
		{name: "delete/nothing: versions moved but values back", base: base(), theirs: serverEdit(6, nil, false, nil), pushed: del,
			status: StatusApplied, write: true, changed: []string{"commentaire", "debit", "disponible", GeometryField, "numero"}},
		{name: "delete/other fields", base: base(), theirs: serverEdit(4, map[string]any{"commentaire": "vu"}, false, nil), pushed: del,
			status: StatusConflict, code: CodeDeleteEdited, conflicts: []string{"commentaire"}},
		{name: "delete/geometry moved", base: base(), theirs: serverEdit(4, nil, true, moved), pushed: del,
			status: StatusConflict, code: CodeDeleteEdited, conflicts: []string{GeometryField}},
		{name: "delete/deleted", base: base(), theirs: tombstone(4), pushed: del, status: StatusApplied, gone: true},
		{name: "delete/deleted after edits", base: base(), theirs: tombstone(9), pushed: del, status: StatusApplied, gone: true},
		// create × each
		{name: "create/nothing", base: never, theirs: never, pushed: create, status: StatusApplied, write: true,
			changed: []string{"disponible", GeometryField, "numero"}, props: map[string]any{"numero": int64(13), "disponible": true}, geom: tournus},
		{name: "create/id exists", base: never, theirs: base(), pushed: create, status: StatusRejected, code: CodeDuplicateID},
		{name: "create/id deleted", base: never, theirs: tombstone(4), pushed: create, status: StatusRejected, code: CodeDuplicateID},
		// rejections
		{name: "update/unknown feature", base: never, theirs: never, pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusRejected, code: CodeUnknownFeature},
		{name: "delete/unknown feature", base: never, theirs: never, pushed: del, status: StatusRejected, code: CodeUnknownFeature},
		{name: "update/base not found", base: never, theirs: base(), pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusRejected, code: CodeBadBaseVersion},
		{name: "update/base is another version", base: serverEdit(2, nil, false, nil), theirs: base(), pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusRejected, code: CodeBadBaseVersion},
		{name: "update/base after current", base: base(), theirs: serverEdit(2, nil, false, nil), pushed: pushUpdate(map[string]any{"debit": 70.0}),
			status: StatusRejected, code: CodeBadBaseVersion},
		{name: "delete/base not found", base: never, theirs: base(), pushed: del, status: StatusRejected, code: CodeBadBaseVersion},
		{name: "unknown op", base: base(), theirs: base(), pushed: PushChange{Op: "upsert"}, status: StatusRejected, code: CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := cloneState(c.theirs)
			got := Merge(c.base, c.theirs, c.pushed)
			if got.Status != c.status || got.Code != c.code || got.Write != c.write || got.AlreadyGone != c.gone {
				t.Fatalf("got %s/%q write=%v gone=%v, want %s/%q write=%v gone=%v (%s)",
					got.Status, got.Code, got.Write, got.AlreadyGone, c.status, c.code, c.write, c.gone, got.Message)
			}
			if !reflect.DeepEqual(got.ConflictFields, c.conflicts) {
				t.Errorf("conflict fields %v, want %v", got.ConflictFields, c.conflicts)
			}
			if got.Write && !reflect.DeepEqual(got.Changed, c.changed) {
				t.Errorf("changed %v, want %v", got.Changed, c.changed)
			}
			if !reflect.DeepEqual(c.theirs, before) {
				t.Errorf("Merge changed theirs: %v", c.theirs)
			}
			if got.Status != StatusApplied && got.Message == "" {
				t.Errorf("no message for %s", got.Status)
			}
			if got.Message != "" && !isFrench(got.Message) {
				t.Errorf("message not a French sentence: %q", got.Message)
			}
			switch {
			case got.Write:
				wantVersion := c.theirs.Version + 1
				if got.Feature.Version != wantVersion {
					t.Errorf("written version %d, want %d", got.Feature.Version, wantVersion)
				}
				if c.pushed.Op == OpDelete {
					if got.Feature.Exists {
						t.Errorf("delete wrote an existing feature")
					}
					break
				}
				if c.props != nil && !reflect.DeepEqual(got.Feature.Properties, c.props) {
					t.Errorf("written properties %v, want %v", got.Feature.Properties, c.props)
				}
				if (c.props != nil || c.geom != nil || strings.Contains(c.name, "geometry")) && !schema.GeometryEqual(got.Feature.Geometry, c.geom) {
					t.Errorf("written geometry %v, want %v", got.Feature.Geometry, c.geom)
				}
			default:
				if !reflect.DeepEqual(got.Feature, c.theirs) {
					t.Errorf("nothing written but Feature %+v is not theirs %+v", got.Feature, c.theirs)
				}
			}
			res := got.Result(changeA)
			if res.Status != got.Status || res.Status.Acknowledged() && res.Version != got.Feature.Version {
				t.Errorf("result %+v does not match outcome", res)
			}
		})
	}
}

func cloneState(s FeatureState) FeatureState {
	s.Properties = cloneProperties(s.Properties)
	return s
}

// isFrench is a rough check that a message is a French sentence: capital
// first, final stop, and no English giveaway.
func isFrench(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && !unicode.IsLower(r) && strings.HasSuffix(s, ".") &&
		!strings.Contains(s, " the ") && !strings.Contains(s, " is ")
}

// TestMergeConflictMessage checks the conflict message names the fields.
func TestMergeConflictMessage(t *testing.T) {
	got := Merge(base(), serverEdit(4, map[string]any{"debit": 80.0}, true, movedToo), updateGeom(moved, map[string]any{"debit": 70.0}))
	want := "« debit » et la géométrie ont changé des deux côtés"
	if !strings.Contains(got.Message, want) {
		t.Errorf("message %q does not say %q", got.Message, want)
	}
}

// TestMergeDoesNotAlias checks the written feature shares no map with its
// inputs, so the server may change it freely.
func TestMergeDoesNotAlias(t *testing.T) {
	theirs := serverEdit(4, map[string]any{"commentaire": "vu"}, false, nil)
	pushed := pushUpdate(map[string]any{"debit": 70.0})
	got := Merge(base(), theirs, pushed)
	got.Feature.Properties["numero"] = int64(99)
	if theirs.Properties["numero"] != int64(12) || pushed.Properties["numero"] != nil {
		t.Fatal("Merge's feature aliases its inputs")
	}
}

// TestChangedFields checks absent and null are alike and numbers compare by value.
func TestChangedFields(t *testing.T) {
	a := FeatureState{Properties: map[string]any{"a": nil, "b": int64(2), "c": "x"}, Geometry: tournus}
	b := FeatureState{Properties: map[string]any{"b": 2.0, "c": "y", "d": true}, Geometry: tournus}
	if got, want := ChangedFields(a, b), []string{"c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedFields = %v, want %v", got, want)
	}
	if got := ChangedFields(a, a); got != nil {
		t.Errorf("ChangedFields(a, a) = %v", got)
	}
}
