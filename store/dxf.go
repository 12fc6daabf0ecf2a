package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// Surveyors' as-built plans (plans de récolement) come as DXF drawings in
// Lambert-93 or CC47. Importing one is two steps, so that the desktop app
// can show what will happen before anything is written: PreviewDXF reads
// the plan, finds or checks its coordinate system against the territory,
// applies the layer mapping and says what fits the target layer;
// ImportDXF writes the previewed features in one transaction, journaled
// as local creations like every import.

// DXFOptions say how a DXF plan is read and where it goes.
type DXFOptions struct {
	// Layer is the target layer; it must exist and be editable.
	Layer string
	// CRS is the EPSG code of the plan's coordinates: srs.Lambert93,
	// srs.CC47, or 0 to find it from the coordinates.
	CRS int
	// Mapping gives the DXF layers' values and says which to leave out.
	Mapping formats.DXFMapping
	// Territory is where the plan must lie, in EPSG:4326: the territory the
	// caller works on (the user's commune, the intercommunality). The
	// extent of the workspace's own layers is added to it (Workspace.
	// Territory); empty, that extent alone decides.
	Territory orb.Bound
}

// DXFProblemKind says what a DXFProblem is about.
type DXFProblemKind string

// The kinds of problems a preview reports.
const (
	// DXFGeometryMismatch: entities whose geometry does not fit the target
	// layer (points for a line layer…); they are not imported.
	DXFGeometryMismatch DXFProblemKind = "geometry_mismatch"
	// DXFUnsupportedEntity: entities of a type Terrimap does not import
	// (TEXT, CIRCLE, HATCH…).
	DXFUnsupportedEntity DXFProblemKind = "unsupported_entity"
	// DXFInvalidGeometry: polyface meshes, zero-length lines.
	DXFInvalidGeometry DXFProblemKind = "invalid_geometry"
	// DXFOutsideTerritory: entities away from the rest of the plan, outside
	// the territory; they are not imported.
	DXFOutsideTerritory DXFProblemKind = "outside_territory"
	// DXFUnknownField (blocking): the mapping names a field the layer lacks.
	DXFUnknownField DXFProblemKind = "unknown_field"
	// DXFInvalidValue (blocking): a mapped value does not fit its field.
	DXFInvalidValue DXFProblemKind = "invalid_value"
	// DXFMissingRequired (blocking): a required field gets no value.
	DXFMissingRequired DXFProblemKind = "missing_required"
	// DXFUnmappedLayer: a DXF layer the mapping does not name; its entities
	// take the common values and the fields' defaults.
	DXFUnmappedLayer DXFProblemKind = "unmapped_layer"
	// DXFUnusedMapping: the mapping names a DXF layer the plan lacks.
	DXFUnusedMapping DXFProblemKind = "unused_mapping"
	// DXFChordedArcs: arcs drawn as straight chords (a huge drawing).
	DXFChordedArcs DXFProblemKind = "chorded_arcs"
)

// DXFProblem is one thing a preview has to say about a plan.
type DXFProblem struct {
	Kind       DXFProblemKind
	DXFLayer   string // the DXF layer concerned; "" for the whole plan
	EntityType string // DXF entity type, for entity problems
	Field      string // target field, for mapping problems
	Count      int    // entities concerned
	// Blocking problems make ImportDXF refuse the plan until the mapping
	// is fixed; the others say what will be left out.
	Blocking bool
	// Message says it in English, for logs and the command line; the
	// app words the problem from its Kind and counts.
	Message string
}

// DXFLayerSummary counts the entities of one DXF layer.
type DXFLayerSummary struct {
	Name        string
	Entities    int // every entity of the layer
	Points      int // point features to import
	Lines       int // line (or polygon) features to import
	Skipped     int // entities the mapping leaves out
	Mismatched  int // entities whose geometry does not fit the target layer
	Outside     int // entities outside the territory
	Unsupported int // entities of types not imported, or with an unusable geometry
	// Values are the mapping's values for the layer, as written.
	Values map[string]string
}

// DXFFeature is one feature a preview would import.
type DXFFeature struct {
	DXFLayer   string
	EntityType string
	Handle     string
	// Geometry is in EPSG:4326, of a type the target layer takes.
	Geometry orb.Geometry
	// Properties are the mapped values, templates expanded and coded
	// values turned into codes; defaults are added on import.
	Properties map[string]any
}

// DXFPreview is what PreviewDXF found in a plan.
type DXFPreview struct {
	File         string // base name of the DXF file
	Layer        string // target layer
	GeometryType schema.GeometryType
	// CRS is the EPSG code the coordinates are read in; Detected says it
	// was found from the coordinates.
	CRS      int
	Detected bool
	// SourceBound is the extent of the imported features in the plan's
	// coordinates, Bound the same in EPSG:4326.
	SourceBound orb.Bound
	Bound       orb.Bound
	Features    []DXFFeature
	// Layers summarises each DXF layer, in the drawing's order.
	Layers []DXFLayerSummary
	// Points and Lines count the features to import by geometry.
	Points, Lines int
	// Entities counts every entity of the plan by DXF type.
	Entities map[string]int
	Problems []DXFProblem
}

// Blocking returns the problems that make ImportDXF refuse the plan.
func (p *DXFPreview) Blocking() []DXFProblem {
	var out []DXFProblem
	for _, pb := range p.Problems {
		if pb.Blocking {
			out = append(out, pb)
		}
	}
	return out
}

// Sentinel errors of DXF imports.
var (
	// ErrDXFOutsideTerritory is returned (wrapped in a *DXFCoordinateError)
	// when a plan's coordinates do not fall on the territory in the
	// coordinate system given or found.
	ErrDXFOutsideTerritory = errors.New("store: DXF coordinates outside the territory")
	// ErrDXFMapping is returned (wrapped) by ImportDXF while the preview
	// has blocking problems.
	ErrDXFMapping = errors.New("store: DXF mapping does not fit the layer")
	// ErrDXFEmpty is returned (wrapped, with ErrImport) for a plan with no
	// line or point to import, or a preview whose features all went.
	ErrDXFEmpty = errors.New("store: nothing in the DXF plan to import")
)

// DXFLikely is what the coordinates of a refused plan most likely are
// (srs.GuessSystem judges it).
type DXFLikely = srs.Likely

// What refused coordinates may be.
const (
	LikelyLambert93   = srs.LikelyLambert93
	LikelyCC47        = srs.LikelyCC47
	LikelyCC46        = srs.LikelyCC46
	LikelyCC48        = srs.LikelyCC48
	LikelyLambert2    = srs.LikelyLambert2
	LikelyUTM31       = srs.LikelyUTM31
	LikelyWebMercator = srs.LikelyWebMercator
	LikelyDegrees     = srs.LikelyDegrees
	LikelyLocal       = srs.LikelyLocal
	LikelyUnknown     = srs.LikelyUnknown
)

// DXFCoordinateError refuses a plan whose coordinates do not fall on the
// territory, and says what they most likely are.
type DXFCoordinateError struct {
	Declared int       // EPSG code the user gave; 0 for automatic detection
	Likely   DXFLikely // what the coordinates look like
	// Median is a typical point of the plan, in its own coordinates.
	Median orb.Point
	// Message says it in English, for logs and the command line; the app
	// words it from Likely and Declared.
	Message string
}

func (e *DXFCoordinateError) Error() string { return "store: dxf: " + e.Message }

// Unwrap returns ErrDXFOutsideTerritory.
func (e *DXFCoordinateError) Unwrap() error { return ErrDXFOutsideTerritory }

// territoryMargin widens the territory (in degrees, about 2 km) so that a
// plan at the edge of a commune is not refused.
const territoryMargin = 0.03

// Territory returns the extent of the workspace's own layers (foreign
// ones left out), in EPSG:4326, widened by about 2 km: where a plan may
// lie besides the territory its caller gives (DXFOptions.Territory). It is
// empty for a workspace without data.
func (ws *Workspace) Territory() orb.Bound {
	var b orb.Bound
	set := false
	for _, l := range ws.Layers() {
		if l.Foreign {
			continue
		}
		if lb, ok := ws.Index().Bound(l.Name()); ok {
			if !set {
				b, set = lb, true
			} else {
				b = b.Union(lb)
			}
		}
	}
	if !set {
		return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}} // holds nothing
	}
	return b.Pad(territoryMargin)
}

// planTerritory is where a plan must lie: the caller's territory and the
// workspace's data.
func (ws *Workspace) planTerritory(given orb.Bound) orb.Bound {
	data := ws.Territory()
	switch {
	case given.IsZero():
		return data
	case data.Min[0] > data.Max[0]:
		return given.Pad(territoryMargin)
	}
	return given.Pad(territoryMargin).Union(data)
}

// PreviewDXF reads a DXF plan and says what importing it into opts.Layer
// would do; nothing is written. It fails when the layer does not exist or
// is read-only (ErrLayerNotFound, ErrReadOnly), when the file is not an
// ASCII DXF (formats.ErrNotDXF, formats.ErrBinaryDXF), and with a
// *DXFCoordinateError when the coordinates do not fall on the territory.
func (ws *Workspace) PreviewDXF(ctx context.Context, path string, opts DXFOptions) (*DXFPreview, error) {
	l, err := ws.Layer(opts.Layer)
	if err != nil {
		return nil, fmt.Errorf("store: dxf: %w", err)
	}
	if l.ReadOnly() {
		return nil, fmt.Errorf("store: dxf: layer %s: %w", l.Name(), ErrReadOnly)
	}
	if opts.CRS != 0 && opts.CRS != srs.Lambert93 && opts.CRS != srs.CC47 {
		return nil, fmt.Errorf("store: dxf: EPSG:%d: %w (a plan is in Lambert-93, EPSG:2154, or CC47, EPSG:3947)", opts.CRS, srs.ErrUnsupportedSRS)
	}
	dwg, err := formats.ReadDXFFile(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return previewDXF(dwg, l.Schema, opts, ws.planTerritory(opts.Territory))
}

// ImportDXF writes the features of a preview into its layer, as local
// creations that the next sync sends, in one transaction: on any error
// nothing is imported. It refuses a preview with blocking problems
// (ErrDXFMapping) or without features (ErrImport).
func (ws *Workspace) ImportDXF(ctx context.Context, p *DXFPreview) (ImportReport, error) {
	rep := ImportReport{Layer: p.Layer, SourceSRS: p.CRS}
	if blocking := p.Blocking(); len(blocking) > 0 {
		more := ""
		if len(blocking) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(blocking)-1)
		}
		return rep, fmt.Errorf("%w: %s%s", ErrDXFMapping, blocking[0].Message, more)
	}
	if len(p.Features) == 0 {
		return rep, fmt.Errorf("%w: %w: no entity of plan %s can go into layer %s", ErrImport, ErrDXFEmpty, p.File, p.Layer)
	}
	ds := &formats.Dataset{Name: p.Layer, SRS: SRSWGS84, Features: make([]formats.Feature, len(p.Features))}
	fields := map[string]string{}
	for i, f := range p.Features {
		ds.Features[i] = formats.Feature{ID: f.Handle, Geometry: f.Geometry, Properties: f.Properties}
		for k := range f.Properties {
			fields[k] = k
		}
	}
	err := ws.Edit(ctx, func(tx *Tx) error {
		l, err := tx.writableLayer(p.Layer)
		if err != nil {
			return err
		}
		if l.Schema.GeometryType != p.GeometryType {
			return fmt.Errorf("%w: layer %s now takes %s geometries: preview the plan again", ErrImport, p.Layer, l.Schema.GeometryType)
		}
		rep.Features, err = tx.bulkCreate(l, ds.Reader(), len(ds.Features), fields, SRSWGS84)
		return err
	})
	if err != nil {
		return ImportReport{Layer: p.Layer, SourceSRS: p.CRS}, fmt.Errorf("store: dxf %s: %w", p.File, err)
	}
	return rep, nil
}

// importDXFFile is ImportFile for a DXF plan: no mapping, the layer must exist.
func (ws *Workspace) importDXFFile(ctx context.Context, path string, opts ImportOptions) (ImportReport, error) {
	if opts.Layer == "" {
		return ImportReport{}, fmt.Errorf("%w: a DXF plan goes into an existing layer: say which", ErrImport)
	}
	p, err := ws.PreviewDXF(ctx, path, DXFOptions{Layer: opts.Layer, CRS: opts.SRS, Territory: opts.Territory})
	if err != nil {
		return ImportReport{Layer: opts.Layer}, err
	}
	return ws.ImportDXF(ctx, p)
}
