package store

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// ImportOptions say where and how a file is imported.
type ImportOptions struct {
	// Layer is the target layer; it is created from the file's fields when
	// it does not exist. Empty: a name derived from the file.
	Layer string
	// Title is the title of a layer the import creates.
	Title string
	// SRS overrides the file's spatial reference (EPSG code), 0 to keep it.
	SRS int
	// SourceLayer picks the layer of a GeoPackage with several.
	SourceLayer string
	// Territory is where a DXF plan must lie (DXFOptions.Territory).
	Territory orb.Bound
	// AttributesOnly says rows without geometry are meant (a table of
	// settings such as the networks declared at the guichet unique): a file
	// where no feature has a geometry is then imported rather than refused
	// as one whose coordinate columns were missed.
	AttributesOnly bool
	// Alone says nothing else uses the workspace while the import runs (a
	// command that opened it for the import): the import then writes its
	// pages once, with SQLite's rollback journal, when no other connection
	// has the file open, rather than to the WAL and again into the file
	// (see editAlone). The price: a program that opens the file while such
	// an import writes (the app, QGIS) waits for it, up to the busy
	// timeout, and may be refused with «database is locked», where in WAL
	// it could read meanwhile.
	Alone bool
}

// ImportReport says what an import did.
type ImportReport struct {
	Layer        string
	CreatedLayer bool
	Features     int
	// SourceSRS is the EPSG code the coordinates were read in.
	SourceSRS int
	// SourceSRSDeduced: the file does not declare SourceSRS, it was
	// deduced from the coordinates (formats.Source.SRSDeduced).
	SourceSRSDeduced bool
	// IgnoredFields lists the file's fields the existing layer does not have.
	IgnoredFields []string
}

// ErrNoGeometry is returned (wrapped, with ErrImport) for a file where no
// feature has a geometry, unless ImportOptions.AttributesOnly says so.
var ErrNoGeometry = errors.New("store: no geometry in the file")

// ErrImport is returned (wrapped) when a file cannot be imported.
var ErrImport = errors.New("store: import refused")

// createPrepared is Create for a layer already checked writable.
func (tx *Tx) createPrepared(l *Layer, f Feature) (Feature, error) {
	f, err := prepareCreate(l, f)
	if err != nil {
		return Feature{}, err
	}
	fs := []Feature{f}
	if err := tx.createRows(l, fs); err != nil {
		return Feature{}, err
	}
	return fs[0], nil
}

// prepareCreate validates a new feature: properties coerced to their
// types (every field present, nil when unset), geometry checked, UUID given.
func prepareCreate(l *Layer, f Feature) (Feature, error) {
	coerced, errs := l.Schema.CoerceProperties(f.Properties, true)
	if len(errs) > 0 {
		return Feature{}, &ValidationError{Layer: l.Schema.Name, Fields: errs}
	}
	for _, fld := range l.Schema.Fields {
		if _, ok := coerced[fld.Name]; !ok {
			coerced[fld.Name] = nil
		}
	}
	geom, err := l.Schema.CheckGeometry(f.Geometry)
	if err != nil {
		return Feature{}, fmt.Errorf("store: create in %s: %w: %w", l.Schema.Name, ErrInvalidGeometry, err)
	}
	if f.UUID == "" {
		f.UUID = NewID()
	}
	f.Layer, f.Geometry, f.Properties, f.Version = l.Schema.Name, geom, coerced, 0
	return f, nil
}

// createRows inserts prepared features with their journal entries and sets
// their FID.
func (tx *Tx) createRows(l *Layer, fs []Feature) error {
	if err := tx.insertRows(l, fs); err != nil {
		return err
	}
	for _, f := range fs {
		tx.indexInsert(l, f.FID, f.Geometry)
	}
	return tx.journalCreations(l, fs)
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// fieldName turns a file's field name into a plain identifier that is not reserved.
func fieldName(name string) string {
	n := strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(Fold(name)), "_"), "_")
	if n == "" {
		n = "field"
	}
	if n[0] >= '0' && n[0] <= '9' {
		n = "f_" + n
	}
	if len(n) > 63 {
		n = n[:63]
	}
	if schema.IsReserved(n) {
		n = "src_" + n
	}
	return n
}
