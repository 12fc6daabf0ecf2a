package store

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// Feature is one feature of a layer.
type Feature struct {
	// Layer is the name of the feature's layer.
	Layer string
	// FID is the local row id; it means nothing outside this workspace.
	FID int64
	// UUID is the feature's stable identity, shared with the platform.
	// Features of foreign layers have none.
	UUID string
	// Version is the platform version the feature was last synced at; 0 when
	// it was never synced.
	Version int64
	// Geometry is in longitude/latitude (EPSG:4326); nil when the feature has none.
	Geometry orb.Geometry
	// Properties holds the attribute values, typed as schema/values.go says.
	Properties map[string]any
}

// Change is a local update of a feature: the properties to set (only the
// changed ones) and, when SetGeometry is true, its new geometry.
type Change struct {
	Properties  map[string]any
	Geometry    orb.Geometry
	SetGeometry bool
}

// ValidationError lists why properties or a geometry do not fit a layer.
type ValidationError struct {
	Layer  string
	Fields []schema.FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return fmt.Sprintf("store: layer %s: %s", e.Layer, strings.Join(msgs, "; "))
}

// Unwrap lets errors.Is find ErrInvalidProperties and each field's reason.
func (e *ValidationError) Unwrap() []error {
	out := []error{ErrInvalidProperties}
	for _, f := range e.Fields {
		out = append(out, f.Reason)
	}
	return out
}

// writableLayer returns the layer when local edits may change it.
func (tx *Tx) writableLayer(name string) (*Layer, error) {
	l, err := tx.layer(name)
	if err != nil {
		return nil, err
	}
	if l.ReadOnly() {
		return nil, fmt.Errorf("store: layer %s: %w", name, ErrReadOnly)
	}
	return l, nil
}

// Create adds a feature and journals it. An empty UUID is generated; missing
// properties take their field's default.
func (tx *Tx) Create(layer string, f Feature) (Feature, error) {
	l, err := tx.writableLayer(layer)
	if err != nil {
		return Feature{}, err
	}
	props := l.Schema.Defaults()
	for k, v := range f.Properties {
		props[k] = v
	}
	f.Properties = props
	return tx.createPrepared(l, f)
}

// Update changes the given properties and, if asked, the geometry of a
// feature, and journals exactly what changed. Values equal to the current
// ones are not changes: an update that changes nothing writes nothing.
func (tx *Tx) Update(layer, id string, c Change) (Feature, error) {
	l, err := tx.writableLayer(layer)
	if err != nil {
		return Feature{}, err
	}
	cur, err := tx.getForUpdate(l, id)
	if err != nil {
		return Feature{}, err
	}
	if err := tx.unfoldFID(l.Schema.Name, cur.FID); err != nil {
		return Feature{}, err
	}
	var errs []schema.FieldError
	changed := map[string]any{}
	for name, v := range c.Properties {
		fld, ok := l.Schema.Field(name)
		if !ok {
			errs = append(errs, schema.FieldError{Field: name, Reason: fmt.Errorf("%w: %s", schema.ErrUnknownField, name)})
			continue
		}
		cv, err := fld.Coerce(v)
		if err != nil {
			errs = append(errs, schema.FieldError{Field: name, Reason: err})
			continue
		}
		if reflect.DeepEqual(cv, cur.Properties[name]) {
			continue
		}
		if fld.ReadOnly {
			errs = append(errs, schema.FieldError{Field: name, Reason: fmt.Errorf("%w: %s", schema.ErrReadOnlyField, name)})
			continue
		}
		if fld.Required && cv == nil {
			errs = append(errs, schema.FieldError{Field: name, Reason: fmt.Errorf("%w: %s", schema.ErrRequired, name)})
			continue
		}
		changed[name] = cv
	}
	if len(errs) > 0 {
		return Feature{}, &ValidationError{Layer: l.Schema.Name, Fields: errs}
	}
	geomChanged := false
	var oldGeom orb.Geometry
	if c.SetGeometry {
		geom, err := l.Schema.CheckGeometry(c.Geometry)
		if err != nil {
			return Feature{}, fmt.Errorf("store: update %s in %s: %w: %w", id, layer, ErrInvalidGeometry, err)
		}
		if !schema.GeometryEqual(geom, cur.Geometry) {
			geomChanged = true
			oldGeom, cur.Geometry = cur.Geometry, geom
		}
	}
	if len(changed) == 0 && !geomChanged {
		return cur, nil
	}
	for k, v := range changed {
		cur.Properties[k] = v
	}
	if err := tx.updateRow(l, cur.FID, changed, geomChanged, cur.Geometry); err != nil {
		return Feature{}, err
	}
	entry := JournalEntry{Layer: l.Schema.Name, UUID: cur.UUID, Op: OpUpdate, BaseVersion: cur.Version,
		Properties: changed, GeometryChanged: geomChanged}
	if geomChanged {
		entry.Geometry = cur.Geometry
		tx.indexReplace(l, cur.FID, oldGeom, cur.Geometry)
	}
	if err := tx.journal(entry); err != nil {
		return Feature{}, err
	}
	return cur, nil
}

// Delete removes a feature and journals its deletion.
func (tx *Tx) Delete(layer, id string) error {
	l, err := tx.writableLayer(layer)
	if err != nil {
		return err
	}
	cur, err := tx.getForUpdate(l, id)
	if err != nil {
		return err
	}
	if err := tx.unfoldFID(l.Schema.Name, cur.FID); err != nil {
		return err
	}
	if _, err := tx.exec(fmt.Sprintf("DELETE FROM %s WHERE fid = ?", quoteIdent(l.Schema.Name)), cur.FID); err != nil {
		return fmt.Errorf("store: delete %s from %s: %w", id, layer, err)
	}
	tx.wrote(l, cur.FID)
	tx.indexDelete(l, cur.FID, cur.Geometry)
	return tx.journal(JournalEntry{Layer: l.Schema.Name, UUID: cur.UUID, Op: OpDelete, BaseVersion: cur.Version})
}

// RemoteFeature is a feature as the platform last knew it: an upsert, or a
// tombstone when Deleted.
type RemoteFeature struct {
	UUID       string
	Version    int64
	Deleted    bool
	Geometry   orb.Geometry
	Properties map[string]any
}

// ApplyRemote writes the platform's version of a feature, without journaling
// it. It refuses with ErrPendingEdits, changing nothing, when the feature has
// local edits not yet acknowledged, unless overwrite is set (the user chose
// the platform's version). Unknown properties are ignored.
func (tx *Tx) ApplyRemote(layer string, rf RemoteFeature, overwrite bool) error {
	l, err := tx.remoteLayer(layer)
	if err != nil {
		return err
	}
	if !overwrite {
		pending, err := tx.hasJournal(l.Schema.Name, rf.UUID)
		if err != nil {
			return err
		}
		if pending {
			return fmt.Errorf("store: apply remote %s/%s: %w", layer, rf.UUID, ErrPendingEdits)
		}
	}
	return tx.applyRemote(l, rf, nil)
}

// bulkThreshold is the batch size from which ApplyRemoteBatch rebuilds the
// GeoPackage R*Tree in bulk rather than through its triggers — when the
// batch is also at least as large as the tree: a rebuild rewrites the whole
// tree, and one per page of a long download would cost its square.
const bulkThreshold = 256

// packsRTree reports whether writing n features into the layer should
// pack its R*Tree again in one pass rather than go through its triggers:
// when n reaches bulkThreshold and the layer's size (a rebuild rewrites the
// whole tree; one per small batch into a large layer would cost its square)
// — the size with the rows this transaction added already, as pages of a
// seed in one transaction are.
func (tx *Tx) packsRTree(l *Layer, n int) bool {
	return n >= bulkThreshold && n >= tx.ws.index.Len(l.Schema.Name)+tx.queued[strings.ToLower(l.Schema.Name)]
}

// ApplyRemoteBatch applies many platform features to one layer (a first
// download, a page of the change feed). Features with pending local edits
// are left as they are and returned, for the caller to report.
func (tx *Tx) ApplyRemoteBatch(layer string, batch []RemoteFeature) (pending []string, err error) {
	l, err := tx.remoteLayer(layer)
	if err != nil {
		return nil, err
	}
	journaled, err := tx.journaledIDs(l.Schema.Name)
	if err != nil {
		return nil, err
	}
	var boxes *rtreeChanges
	if tx.packsRTree(l, len(batch)) {
		if err := suspendRTreeTriggers(tx.ctx, tx.tx, l); err != nil {
			return nil, err
		}
		boxes = newRTreeChanges()
	}
	existing, err := tx.storedVersions(l, remoteIDs(batch))
	if err != nil {
		return nil, err
	}
	// A batch of new features only (the pages of a first download after
	// the first one) leaves the R*Tree behind, for CatchUpRTrees to
	// rebuild once the download is over (rtree_behind.go).
	if boxes == nil && len(existing) == 0 && len(batch) >= bulkThreshold {
		if err := suspendRTreeTriggers(tx.ctx, tx.tx, l); err != nil {
			return nil, err
		}
		if err := tx.markRTreeBehind(l); err != nil {
			return nil, err
		}
		defer func() {
			if err == nil {
				err = resumeRTreeTriggers(tx.ctx, tx.tx, l)
			}
		}()
	}
	// New features go in by multi-row inserts (a first download is nothing
	// else); the others one by one, through applyRemote.
	var news []Feature
	queued := map[string]bool{}
	flush := func() error {
		if len(news) == 0 {
			return nil
		}
		if err := tx.insertRows(l, news); err != nil {
			return err
		}
		for _, f := range news {
			tx.indexInsert(l, f.FID, f.Geometry)
			if boxes != nil {
				boxes.put(f.FID, f.Geometry)
			}
		}
		news = news[:0]
		return nil
	}
	for i, rf := range batch {
		if i%1000 == 0 {
			if err := tx.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if journaled[rf.UUID] {
			pending = append(pending, rf.UUID)
			continue
		}
		if _, ok := existing[rf.UUID]; !ok && !queued[rf.UUID] {
			if !rf.Deleted {
				news = append(news, remoteToFeature(l, rf))
				queued[rf.UUID] = true
			}
			if len(news) >= rowsPerInsert*4 {
				if err := flush(); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		if err := tx.applyRemote(l, rf, boxes); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if boxes != nil {
		if err := tx.applyRTreeChanges(l, boxes); err != nil {
			return nil, err
		}
		if err := resumeRTreeTriggers(tx.ctx, tx.tx, l); err != nil {
			return nil, err
		}
	}
	return pending, nil
}

func (tx *Tx) remoteLayer(layer string) (*Layer, error) {
	l, err := tx.layer(layer)
	if err != nil {
		return nil, err
	}
	if l.Foreign {
		return nil, fmt.Errorf("store: apply remote to %s: %w", layer, ErrReadOnly)
	}
	return l, nil
}

// applyRemote upserts or deletes a platform feature. With boxes set, the
// layer's R*Tree triggers are suspended and the boxes are collected there.
func (tx *Tx) applyRemote(l *Layer, rf RemoteFeature, boxes *rtreeChanges) error {
	cur, err := tx.getForUpdate(l, rf.UUID)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrFeatureNotFound) {
		return err
	}
	if rf.Deleted {
		if !exists {
			return nil
		}
		if _, err := tx.exec(fmt.Sprintf("DELETE FROM %s WHERE fid = ?", quoteIdent(l.Schema.Name)), cur.FID); err != nil {
			return fmt.Errorf("store: apply remote delete %s: %w", rf.UUID, err)
		}
		if boxes != nil {
			boxes.remove(cur.FID)
		}
		tx.wrote(l, cur.FID)
		tx.indexDelete(l, cur.FID, cur.Geometry)
		return nil
	}
	f := remoteToFeature(l, rf)
	geom, props := f.Geometry, f.Properties
	fid := cur.FID
	if !exists {
		if fid, err = tx.insertRow(l, f); err != nil {
			return err
		}
		tx.indexInsert(l, fid, geom)
	} else {
		// An unchanged geometry is not written again: that would fire the
		// R*Tree's update triggers for nothing (a feature pulled back after
		// its push, a change of fields only).
		moved := !schema.GeometryEqual(cur.Geometry, geom)
		if !moved && cur.Version == rf.Version && sameProperties(l, cur.Properties, props) {
			return nil // already so: a feature pulled back after its push
		}
		if err := tx.updateRow(l, cur.FID, props, moved, geom); err != nil {
			return err
		}
		if _, err := tx.exec(fmt.Sprintf("UPDATE %s SET tm_version = ? WHERE fid = ?", quoteIdent(l.Schema.Name)), rf.Version, cur.FID); err != nil {
			return fmt.Errorf("store: apply remote %s: %w", rf.UUID, err)
		}
		if moved {
			tx.indexReplace(l, cur.FID, cur.Geometry, geom)
		}
	}
	if boxes != nil {
		boxes.put(fid, geom)
	}
	return nil
}

// SetVersion records the platform version a feature now has (after the
// platform acknowledged a local edit), without journaling anything.
func (tx *Tx) SetVersion(layer, id string, version int64) error {
	l, err := tx.layer(layer)
	if err != nil {
		return err
	}
	if _, err := tx.exec(fmt.Sprintf("UPDATE %s SET tm_version = ? WHERE uuid = ?", quoteIdent(l.Schema.Name)), version, id); err != nil {
		return fmt.Errorf("store: set version %s: %w", id, err)
	}
	return nil
}

func (tx *Tx) insertRow(l *Layer, f Feature) (int64, error) {
	fs := []Feature{f}
	if err := tx.insertRows(l, fs); err != nil {
		return 0, err
	}
	return fs[0].FID, nil
}

// rowsPerInsert is how many rows one multi-row INSERT writes: per-statement
// costs dominate single-row inserts in bulk loads.
const rowsPerInsert = 64

// insertRows inserts features in multi-row statements and sets their FID.
// Within one statement SQLite gives an AUTOINCREMENT key consecutive
// values, so the FIDs follow from the last one.
func (tx *Tx) insertRows(l *Layer, fs []Feature) error { return tx.insertRowsAs(l, fs, true) }

// insertRowsAs is insertRows; record says whether each row goes to
// tx.writtenRows (a bulk load records ranges itself).
func (tx *Tx) insertRowsAs(l *Layer, fs []Feature, record bool) error {
	cols := []string{"geom", "uuid", "tm_version"}
	for _, fld := range l.Schema.Fields {
		cols = append(cols, quoteIdent(fld.Name))
	}
	table := quoteIdent(l.Schema.Name)
	full := "" // the INSERT of rowsPerInsert rows, built once
	args := make(rowArgs, 0, min(len(fs), rowsPerInsert)*len(cols))
	for start := 0; start < len(fs); start += rowsPerInsert {
		chunk := fs[start:min(start+rowsPerInsert, len(fs))]
		args = args[:0]
		for _, f := range chunk {
			blob, err := encodeGeometry(f.Geometry)
			if err != nil {
				return err
			}
			args = args.add(blob).add(f.UUID).add(f.Version)
			for _, fld := range l.Schema.Fields {
				args = args.add(sqlValue(f.Properties[fld.Name]))
			}
		}
		query := full
		if len(chunk) != rowsPerInsert || full == "" {
			query = multiInsertSQL(table, cols, len(chunk))
			if len(chunk) == rowsPerInsert {
				full = query
			}
		}
		last, err := tx.execRows(query, args)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return fmt.Errorf("store: create in %s: %w", l.Schema.Name, ErrFeatureExists)
			}
			return fmt.Errorf("store: create in %s: %w", l.Schema.Name, err)
		}
		for i := range chunk {
			chunk[i].FID = last - int64(len(chunk)-1-i)
			if record {
				tx.wrote(l, chunk[i].FID)
			}
		}
	}
	tx.touched[l.Schema.Name] = true
	return nil
}

// multiInsertSQL is an INSERT of rows rows into table.
func multiInsertSQL(table string, cols []string, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", table, strings.Join(cols, ", "),
		strings.TrimSuffix(strings.Repeat(row+", ", rows), ", "))
}

func (tx *Tx) updateRow(l *Layer, fid int64, props map[string]any, setGeom bool, geom orb.Geometry) error {
	var sets []string
	var args []any
	if setGeom {
		blob, err := encodeGeometry(geom)
		if err != nil {
			return err
		}
		sets = append(sets, "geom = ?")
		args = append(args, blob)
	}
	for _, name := range sortedFieldNames(props) {
		sets = append(sets, quoteIdent(name)+" = ?")
		args = append(args, sqlValue(props[name]))
	}
	if len(sets) == 0 {
		return nil
	}
	args = append(args, fid)
	q := fmt.Sprintf("UPDATE %s SET %s WHERE fid = ?", quoteIdent(l.Schema.Name), strings.Join(sets, ", "))
	if _, err := tx.exec(q, args...); err != nil {
		return fmt.Errorf("store: update %s: %w", l.Schema.Name, err)
	}
	tx.wrote(l, fid)
	return nil
}

func (tx *Tx) getForUpdate(l *Layer, id string) (Feature, error) {
	s, err := tx.stmt(selectSQL(l) + " WHERE uuid = ?")
	if err != nil {
		return Feature{}, fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	f, err := scanFeature(l, s.QueryRowContext(tx.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Feature{}, fmt.Errorf("store: %s/%s: %w", l.Schema.Name, id, ErrFeatureNotFound)
	}
	return f, err
}

func encodeGeometry(g orb.Geometry) ([]byte, error) {
	b, err := gpkgbin.Encode(g, SRSWGS84)
	if err != nil {
		return nil, fmt.Errorf("store: %w: %w", ErrInvalidGeometry, err)
	}
	return b, nil
}

// sqlValue converts a coerced property to what SQLite stores.
func sqlValue(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// Get reads a feature within the transaction, seeing its uncommitted writes.
func (tx *Tx) Get(layer, id string) (Feature, error) {
	l, err := tx.layer(layer)
	if err != nil {
		return Feature{}, err
	}
	return tx.getForUpdate(l, id)
}

// remoteToFeature types a platform feature with the layer's schema; the
// platform's value wins where the schema disagrees, and its geometry is
// normalised when it can be.
func remoteToFeature(l *Layer, rf RemoteFeature) Feature {
	props := make(map[string]any, len(l.Schema.Fields))
	for _, fld := range l.Schema.Fields {
		v, err := fld.Coerce(rf.Properties[fld.Name])
		if err != nil {
			v = rf.Properties[fld.Name]
		}
		props[fld.Name] = v
	}
	geom := rf.Geometry
	if g, err := l.Schema.CheckGeometry(geom); err == nil {
		geom = g
	}
	return Feature{Layer: l.Schema.Name, UUID: rf.UUID, Version: rf.Version, Geometry: geom, Properties: props}
}

// sameProperties reports whether a and b hold the same value for every
// field of the layer.
func sameProperties(l *Layer, a, b map[string]any) bool {
	for _, f := range l.Schema.Fields {
		if !reflect.DeepEqual(a[f.Name], b[f.Name]) {
			return false
		}
	}
	return true
}
