package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"terrimap/store/schema"
)

// ErrIncompatibleSchema is returned when a new schema would lose data: a
// field removed, renamed or retyped, or the geometry type changed.
var ErrIncompatibleSchema = errors.New("store: incompatible schema change")

// UpdateLayerSchema moves a layer to a newer version of its schema, as the
// platform evolves it: fields added (as new columns), codes added to lists,
// titles, defaults and flags changed. Features and pending edits stay as
// they are. Changes that would lose data are refused.
func (ws *Workspace) UpdateLayerSchema(ctx context.Context, s schema.Layer) error {
	return ws.Edit(ctx, func(tx *Tx) error { return tx.UpdateLayerSchema(s) })
}

// UpdateLayerSchema does Workspace.UpdateLayerSchema within the transaction.
func (tx *Tx) UpdateLayerSchema(s schema.Layer) error {
	old, err := tx.layer(s.Name)
	if err != nil {
		return err
	}
	if old.Foreign {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, ErrReadOnly)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, err)
	}
	if err := compatible(old.Schema, s); err != nil {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, err)
	}
	s.Name = old.Schema.Name
	// The creations of an import still in ranges are unfolded with the
	// fields they were made with (journal_ranges.go).
	if err := tx.unfoldLayer(s.Name); err != nil {
		return err
	}
	for _, f := range s.Fields {
		if _, ok := old.Schema.Field(f.Name); ok {
			continue
		}
		q := fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s", quoteIdent(s.Name), fieldColumnDef(f))
		if _, err := tx.tx.ExecContext(tx.ctx, q); err != nil {
			return fmt.Errorf("store: update schema of %s: add %s: %w", s.Name, f.Name, err)
		}
	}
	if err := writeDataColumns(tx.ctx, tx.tx, s); err != nil {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, err)
	}
	if err := saveSchema(tx.ctx, tx.tx, s); err != nil {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, err)
	}
	if err := retitle(tx.ctx, tx.tx, s); err != nil {
		return fmt.Errorf("store: update schema of %s: %w", s.Name, err)
	}
	tx.stmts = closeAll(tx.stmts) // statements listing the old columns
	tx.changedLayers = append(tx.changedLayers, ownLayer(s))
	return nil
}

func closeAll(stmts map[string]*sql.Stmt) map[string]*sql.Stmt {
	for _, s := range stmts {
		s.Close()
	}
	return map[string]*sql.Stmt{}
}

// CheckSchemaChange reports, as UpdateLayerSchema would, why next cannot
// replace prev: an invalid schema, or one that would lose data
// (ErrIncompatibleSchema). Other storages of layers (the platform on
// PostgreSQL) refuse exactly what this store refuses.
func CheckSchemaChange(prev, next schema.Layer) error {
	if err := next.Validate(); err != nil {
		return err
	}
	return compatible(prev, next)
}

// compatible reports why next cannot replace prev without losing data.
func compatible(prev, next schema.Layer) error {
	if !strings.EqualFold(prev.Name, next.Name) {
		return fmt.Errorf("%w: layer %s renamed to %s", ErrIncompatibleSchema, prev.Name, next.Name)
	}
	if prev.GeometryType != next.GeometryType {
		return fmt.Errorf("%w: geometry type %s changed to %s", ErrIncompatibleSchema, prev.GeometryType, next.GeometryType)
	}
	for _, f := range prev.Fields {
		nf, ok := next.Field(f.Name)
		if !ok {
			return fmt.Errorf("%w: field %s removed", ErrIncompatibleSchema, f.Name)
		}
		if nf.Type != f.Type {
			return fmt.Errorf("%w: field %s changed from %s to %s", ErrIncompatibleSchema, f.Name, f.Type, nf.Type)
		}
		for _, cv := range f.Domain {
			if len(nf.Domain) > 0 && !hasCode(nf, cv.Code) {
				return fmt.Errorf("%w: field %s: code %s removed from its list", ErrIncompatibleSchema, f.Name, cv.Code)
			}
		}
	}
	return nil
}

func hasCode(f schema.Field, code string) bool {
	for _, cv := range f.Domain {
		if cv.Code == code {
			return true
		}
	}
	return false
}

// retitle keeps gpkg_contents' identifier and description in step with the schema.
func retitle(ctx context.Context, tx *sql.Tx, s schema.Layer) error {
	var current string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(identifier, '') FROM gpkg_contents WHERE table_name = ?`, s.Name).Scan(&current); err != nil {
		return err
	}
	id := current
	if current != s.DisplayTitle() && !strings.HasPrefix(current, s.DisplayTitle()+" (") {
		var err error
		if id, err = uniqueIdentifier(ctx, tx, s); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET identifier = ?, description = ? WHERE table_name = ?`, id, s.Description, s.Name)
	return err
}

// SQL gives the transaction's connection to packages that keep their own
// tables beside the layers (the platform's history, users, tokens), so that
// their rows commit with the features they describe.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// Context returns the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }
