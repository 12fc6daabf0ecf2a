package pgstore

import (
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"terrimap/store/territory"
	"terrimap/sync/protocol"
)

// The schema check of a direct edit.
//
// A push the schema refuses is answered «rejected» and changes nothing; a
// direct edit is already committed in the table when the platform sees it,
// so the platform decides, field by field, and never keeps quiet:
//   - a value its field cannot carry (not a number for a number, not in the
//     field's list of values) is put back in the table as it was (the head
//     version's value; the default, else nothing, in a new feature): the
//     desks' store could not hold it either (protocol.CoerceProperties drops
//     it), and a table that says something the feed does not would be a
//     silent divergence. The value the technician typed is kept in
//     terrimap.capture_issues with the message, and logged;
//   - a rule the value breaks but every side can hold (a required field
//     left empty, a feature without a position, a geometry of another
//     kind) goes into the version as the table holds it, and the issue is
//     recorded and logged just the same;
//   - a required field left empty in a new feature takes its default, as a
//     feature created through the OGC API does (server.withDefaults).
// Read-only fields are not checked: they are read-only for the desks; the
// GIS technician is who fills them.

// capturedIssue is a refusal the schema check made of a direct edit.
type capturedIssue struct {
	protocol.FieldIssue
	// Value is what the table held; Kept says whether the version carries
	// it (else the table was put back).
	Value any  `json:"value"`
	Kept  bool `json:"kept"`
}

// checkCaptured checks a row against its layer's schema: it returns the
// feature the version records, the columns to put back in the table, and
// the issues found.
func checkCaptured(l *layerDef, op protocol.Op, head protocol.FeatureState, row tableRow) (protocol.FeatureState, map[string]any, []capturedIssue) {
	def := &l.rec.Schema
	props, bad := protocol.CoerceProperties(def, row.raw)
	if props == nil {
		props = map[string]any{}
	}
	var fixes map[string]any
	var issues []capturedIssue
	fix := func(field string, v any) {
		if fixes == nil {
			fixes = map[string]any{}
		}
		fixes[field], props[field] = v, v
	}
	defaults := def.Defaults()
	for _, is := range bad {
		prev := head.Properties[is.Field]
		if op == protocol.OpCreate {
			prev = defaults[is.Field]
		}
		fix(is.Field, prev)
		issues = append(issues, capturedIssue{FieldIssue: is, Value: row.raw[is.Field]})
	}
	for _, f := range def.Fields {
		if !f.Required || props[f.Name] != nil {
			continue
		}
		if d := defaults[f.Name]; op == protocol.OpCreate && d != nil {
			fix(f.Name, d)
			continue
		}
		issues = append(issues, capturedIssue{Kept: true, FieldIssue: protocol.FieldIssue{Field: f.Name, Code: protocol.CodeRequired,
			Message: fmt.Sprintf("Le champ « %s » est obligatoire.", f.DisplayTitle())}})
	}
	g := row.state.Geometry
	switch {
	case territory.Empty(g):
		issues = append(issues, capturedIssue{Kept: true, FieldIssue: protocol.FieldIssue{Field: protocol.GeometryField, Code: protocol.CodeInvalidGeometry,
			Message: "L'objet n'a pas de position."}})
	default:
		if ok, err := def.CheckGeometry(g); err == nil {
			g = ok
		} else {
			issues = append(issues, capturedIssue{Kept: true, FieldIssue: protocol.FieldIssue{Field: protocol.GeometryField, Code: protocol.CodeInvalidGeometry,
				Message: fmt.Sprintf("La géométrie ne convient pas à la couche « %s » : %v", def.DisplayTitle(), err)}})
		}
	}
	return protocol.FeatureState{Exists: true, Geometry: g, Properties: props}, fixes, issues
}

// revert puts columns of a feature's row back (fixes, as checkCaptured
// returned them).
func (t *writeTx) revert(l *layerDef, id string, fixes map[string]any) error {
	if len(fixes) == 0 {
		return nil
	}
	q := `UPDATE ` + l.ident() + ` SET `
	args := []any{id}
	i := 0
	for _, f := range l.rec.Schema.Fields {
		v, ok := fixes[f.Name]
		if !ok {
			continue
		}
		cv, err := columnValue(f, v)
		if err != nil {
			cv = nil
		}
		if i > 0 {
			q += `, `
		}
		args = append(args, cv)
		q += pgx.Identifier{f.Name}.Sanitize() + fmt.Sprintf(` = $%d`, len(args))
		i++
	}
	if _, err := t.tx.Exec(t.ctx, q+` WHERE uuid = $1`, args...); err != nil {
		return fmt.Errorf("pgstore: put back %s of %s: %w", id, l.name(), err)
	}
	return nil
}

// recordIssues keeps the schema check's issues about a direct edit in
// terrimap.capture_issues (version 0: no version was written).
func (t *writeTx) recordIssues(l *layerDef, id string, version int64, w editor, issues []capturedIssue) error {
	if len(issues) == 0 {
		return nil
	}
	js, err := json.Marshal(issues)
	if err != nil {
		return fmt.Errorf("pgstore: capture issues: %w", err)
	}
	msg := ""
	for i, is := range issues {
		if i > 0 {
			msg += " "
		}
		msg += is.Message
	}
	var v any
	if version > 0 {
		v = version
	}
	if _, err := t.tx.Exec(t.ctx, `INSERT INTO terrimap.capture_issues (layer, uuid, version, db_role, message, fields) VALUES ($1, $2, $3, $4, $5, $6)`,
		l.name(), id, v, w.dbRole, msg, js); err != nil {
		return fmt.Errorf("pgstore: capture issues: %w", err)
	}
	return nil
}
