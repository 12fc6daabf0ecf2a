package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	Message  string // one French sentence for the user
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
)

// DXFLikely is what the coordinates of a refused plan most likely are.
type DXFLikely string

// What refused coordinates may be.
const (
	LikelyLambert93   DXFLikely = "lambert93"
	LikelyCC47        DXFLikely = "cc47"
	LikelyCC46        DXFLikely = "cc46"
	LikelyCC48        DXFLikely = "cc48"
	LikelyLambert2    DXFLikely = "lambert2"
	LikelyUTM31       DXFLikely = "utm31"
	LikelyWebMercator DXFLikely = "webmercator"
	LikelyDegrees     DXFLikely = "degrees"
	LikelyLocal       DXFLikely = "local"
	LikelyUnknown     DXFLikely = "unknown"
)

// DXFCoordinateError refuses a plan whose coordinates do not fall on the
// territory, and says what they most likely are.
type DXFCoordinateError struct {
	Declared int       // EPSG code the user gave; 0 for automatic detection
	Likely   DXFLikely // what the coordinates look like
	// Median is a typical point of the plan, in its own coordinates.
	Median  orb.Point
	Message string // one French sentence for the user
}

func (e *DXFCoordinateError) Error() string { return "store: dxf: " + e.Message }

// Unwrap returns ErrDXFOutsideTerritory.
func (e *DXFCoordinateError) Unwrap() error { return ErrDXFOutsideTerritory }

// ccmtBound is the extent of the 24 communes of the CCMT in EPSG:4326
// (ccmt-perimetre.geojson of the shared data, ogrinfo: 4.742850, 46.399120
// – 4.986150, 46.595960). In Lambert-93 that is x 833 400–852 600, y
// 6 590 300–6 612 600; in CC47 x 1 833 500–1 852 800, y 6 134 700–6 157 000
// (cs2cs of the four corners).
func ccmtBound() orb.Bound {
	return orb.Bound{Min: orb.Point{4.742850, 46.399120}, Max: orb.Point{4.986150, 46.595960}}
}

// territoryMargin widens the territory (in degrees, about 2 km) so that a
// plan at the edge of a commune is not refused.
const territoryMargin = 0.03

// Territory returns the extent a plan must fall in, in EPSG:4326: the CCMT
// and the data of the workspace's own layers, widened by about 2 km.
func (ws *Workspace) Territory() orb.Bound {
	b := ccmtBound()
	for _, l := range ws.Layers() {
		if l.Foreign {
			continue
		}
		if lb, ok := ws.Index().Bound(l.Name()); ok {
			b = b.Union(lb)
		}
	}
	return b.Pad(territoryMargin)
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
	return previewDXF(dwg, l.Schema, opts, ws.Territory())
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
			more = fmt.Sprintf(" (et %d autre(s) problème(s))", len(blocking)-1)
		}
		return rep, fmt.Errorf("%w: %s%s", ErrDXFMapping, blocking[0].Message, more)
	}
	if len(p.Features) == 0 {
		return rep, fmt.Errorf("%w: aucune entité du plan %s ne peut aller dans la couche %s", ErrImport, p.File, p.Layer)
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
		rep.Features, err = tx.bulkCreate(l, ds, fields, SRSWGS84)
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
	p, err := ws.PreviewDXF(ctx, path, DXFOptions{Layer: opts.Layer, CRS: opts.SRS})
	if err != nil {
		return ImportReport{Layer: opts.Layer}, err
	}
	return ws.ImportDXF(ctx, p)
}

// previewDXF is PreviewDXF on a drawing already read.
func previewDXF(dwg *formats.DXFDrawing, target schema.Layer, opts DXFOptions, territory orb.Bound) (*DXFPreview, error) {
	p := &DXFPreview{File: dwg.Name, Layer: target.Name, GeometryType: target.GeometryType, Entities: map[string]int{}}
	layers := map[string]*DXFLayerSummary{}
	summary := func(name string) *DXFLayerSummary {
		key := strings.ToUpper(name)
		if s, ok := layers[key]; ok {
			return s
		}
		s := &DXFLayerSummary{Name: name}
		if opts.Mapping.Lists(name) {
			s.Values = opts.Mapping.Values(name)
		}
		layers[key] = s
		return s
	}
	for _, name := range dwg.Layers {
		summary(name)
	}
	// The entities that count for the coordinate system: those with a
	// geometry the mapping keeps (all of them if it keeps none).
	var candidates []int
	for i, e := range dwg.Entities {
		if e.Geometry != nil && !opts.Mapping.Skips(e.Layer) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		for i, e := range dwg.Entities {
			if e.Geometry != nil {
				candidates = append(candidates, i)
			}
		}
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w: le plan %s n'a ni ligne ni point à importer (%d entités)", ErrImport, dwg.Name, len(dwg.Entities))
	}
	crs, detected, wgs, err := chooseCRS(dwg, candidates, opts.CRS, territory)
	if err != nil {
		return nil, err
	}
	p.CRS, p.Detected = crs, detected

	counts := map[problemKey]int{}
	note := func(kind DXFProblemKind, layer, typ string) { counts[problemKey{kind, layer, typ, ""}]++ }
	fileBase := strings.TrimSuffix(dwg.Name, filepath.Ext(dwg.Name))
	var bad valueProblems
	first := true
	for i, e := range dwg.Entities {
		s := summary(e.Layer)
		s.Entities++
		p.Entities[e.Type]++
		switch {
		case opts.Mapping.Skips(e.Layer):
			s.Skipped++
			continue
		case e.Geometry == nil:
			s.Unsupported++
			if isDXFGeometryType(e.Type) {
				note(DXFInvalidGeometry, s.Name, e.Type)
			} else {
				note(DXFUnsupportedEntity, s.Name, e.Type)
			}
			continue
		}
		g, ok := wgs[i]
		if !ok {
			s.Outside++
			note(DXFOutsideTerritory, s.Name, "")
			continue
		}
		g, fits, valid := fitGeometry(g, e.Closed, target.GeometryType)
		if !valid {
			s.Unsupported++
			note(DXFInvalidGeometry, s.Name, e.Type)
			continue
		}
		if !fits {
			s.Mismatched++
			note(DXFGeometryMismatch, s.Name, e.Type)
			continue
		}
		vars := map[string]string{"{n}": strconv.Itoa(len(p.Features) + 1), "{calque}": e.Layer, "{id}": e.Handle, "{fichier}": fileBase}
		props := mappedProperties(target, opts.Mapping.Values(e.Layer), vars, s.Name, &bad)
		p.Features = append(p.Features, DXFFeature{DXFLayer: e.Layer, EntityType: e.Type, Handle: e.Handle, Geometry: g, Properties: props})
		if _, point := g.(orb.Point); point {
			s.Points++
			p.Points++
		} else {
			s.Lines++
			p.Lines++
		}
		if first {
			p.Bound, p.SourceBound, first = g.Bound(), e.Geometry.Bound(), false
		} else {
			p.Bound, p.SourceBound = p.Bound.Union(g.Bound()), p.SourceBound.Union(e.Geometry.Bound())
		}
	}
	for _, name := range dwg.Layers {
		s := summary(name)
		p.Layers = append(p.Layers, *s)
	}
	p.Problems = append(p.Problems, entityProblems(counts, target)...)
	p.Problems = append(p.Problems, bad.problems(target.Name)...)
	p.Problems = append(p.Problems, mappingProblems(opts.Mapping, p.Layers)...)
	if dwg.ChordedArcs > 0 {
		p.Problems = append(p.Problems, DXFProblem{Kind: DXFChordedArcs, Count: dwg.ChordedArcs,
			Message: fmt.Sprintf("%d arcs du plan sont tracés en segments droits : le plan a trop de courbes.", dwg.ChordedArcs)})
	}
	return p, nil
}

// isDXFGeometryType reports whether Terrimap imports entities of type typ.
func isDXFGeometryType(typ string) bool {
	switch typ {
	case formats.DXFLine, formats.DXFLWPolyline, formats.DXFPolyline, formats.DXFArc, formats.DXFPoint, formats.DXFInsert:
		return true
	}
	return false
}

// fitGeometry returns g in a form the layer type takes: a point for point
// layers, a line for line layers, a polygon from a closed polyline for
// polygon layers (fits false otherwise); valid is false for a line of zero
// length.
func fitGeometry(g orb.Geometry, closed bool, want schema.GeometryType) (out orb.Geometry, fits, valid bool) {
	switch x := g.(type) {
	case orb.Point:
		return x, want == schema.Point || want == schema.MultiPoint || want == schema.AnyGeometry, true
	case orb.LineString:
		if b := x.Bound(); len(x) < 2 || b.Min == b.Max {
			return nil, false, false
		}
		switch want {
		case schema.LineString, schema.MultiLineString, schema.AnyGeometry:
			return x, true, true
		case schema.Polygon, schema.MultiPolygon:
			if closed && len(x) >= 4 {
				return orb.Polygon{orb.Ring(x)}, true, true
			}
		}
		return x, false, true
	}
	return nil, false, false
}

// chooseCRS finds the coordinate system of a plan (or checks the one
// given): the one that puts most candidate entities on the territory, at
// least half of them. It returns the entities on the territory, by index,
// in EPSG:4326.
func chooseCRS(dwg *formats.DXFDrawing, candidates []int, declared int, territory orb.Bound) (int, bool, map[int]orb.Geometry, error) {
	codes := []int{srs.Lambert93, srs.CC47}
	if declared != 0 {
		codes = []int{declared}
	}
	best, bestCode := map[int]orb.Geometry(nil), 0
	for _, code := range codes {
		in := onTerritory(dwg, candidates, code, territory)
		if len(in) > len(best) {
			best, bestCode = in, code
		}
	}
	if 2*len(best) >= len(candidates) {
		return bestCode, declared == 0, best, nil
	}
	return 0, false, nil, coordinateError(dwg, candidates, declared, territory)
}

// onTerritory returns the candidates wholly on the territory when read in
// the EPSG code, reprojected to EPSG:4326.
func onTerritory(dwg *formats.DXFDrawing, candidates []int, code int, territory orb.Bound) map[int]orb.Geometry {
	out := map[int]orb.Geometry{}
	for _, i := range candidates {
		g, err := srs.Project(dwg.Entities[i].Geometry, code, SRSWGS84)
		if err != nil {
			continue
		}
		if b := g.Bound(); territory.Contains(b.Min) && territory.Contains(b.Max) {
			out[i] = g
		}
	}
	return out
}

// suspect is a coordinate system a plan is often in by mistake, with the
// extent of the CCMT in it (cs2cs of the corners of ccmtBound, rounded).
type suspect struct {
	likely DXFLikely
	name   string
	min    orb.Point
	max    orb.Point
}

// suspectMargin widens a suspect's extent, in metres.
const suspectMargin = 20000

func suspects() []suspect {
	return []suspect{
		{LikelyCC46, "CC46 (EPSG:3946)", orb.Point{1833535, 5245827}, orb.Point{1852719, 5268138}},
		{LikelyCC48, "CC48 (EPSG:3948)", orb.Point{1833567, 7023530}, orb.Point{1852773, 7045862}},
		{LikelyLambert2, "Lambert II étendu (NTF, EPSG:27572)", orb.Point{784341, 2158278}, orb.Point{803710, 2180746}},
		{LikelyUTM31, "UTM 31 Nord (EPSG:32631)", orb.Point{633496, 5139870}, orb.Point{652681, 5162182}},
		{LikelyWebMercator, "Web Mercator (EPSG:3857)", orb.Point{527972, 5844541}, orb.Point{555056, 5876372}},
	}
}

// srsName names the coordinate systems of plans.
func srsName(code int) string {
	switch code {
	case srs.Lambert93:
		return "Lambert-93 (EPSG:2154)"
	case srs.CC47:
		return "CC47 (EPSG:3947)"
	}
	return fmt.Sprintf("EPSG:%d", code)
}

// coordinateError says why the coordinates of a plan are refused, from a
// typical point of the plan: the median of the candidates' first points.
func coordinateError(dwg *formats.DXFDrawing, candidates []int, declared int, territory orb.Bound) error {
	xs, ys := make([]float64, len(candidates)), make([]float64, len(candidates))
	for k, i := range candidates {
		p := firstPoint(dwg.Entities[i].Geometry)
		xs[k], ys[k] = p[0], p[1]
	}
	slices.Sort(xs)
	slices.Sort(ys)
	m := orb.Point{xs[len(xs)/2], ys[len(ys)/2]}
	e := &DXFCoordinateError{Declared: declared, Median: m, Likely: LikelyUnknown}
	declaredName := "Lambert-93 ou CC47"
	if declared != 0 {
		declaredName = srsName(declared)
	}
	inTerritory := func(code int) bool {
		g, err := srs.Project(m, code, SRSWGS84)
		return err == nil && territory.Contains(g.(orb.Point))
	}
	for _, code := range []int{srs.Lambert93, srs.CC47} {
		if code != declared && inTerritory(code) {
			e.Likely = map[int]DXFLikely{srs.Lambert93: LikelyLambert93, srs.CC47: LikelyCC47}[code]
			e.Message = fmt.Sprintf("les coordonnées semblent être en %s et non en %s : choisissez %s ou la détection automatique",
				srsName(code), declaredName, srsName(code))
			return e
		}
	}
	where := fmt.Sprintf("x ≈ %.0f, y ≈ %.0f", m[0], m[1])
	switch {
	case inTerritory(SRSWGS84):
		e.Likely = LikelyDegrees
		e.Message = fmt.Sprintf("les coordonnées du plan (%s) semblent être des degrés de longitude et de latitude (WGS84), pas des mètres en %s : demandez au géomètre un plan en Lambert-93 ou en CC47", where, declaredName)
		return e
	case m[0] > -200000 && m[0] < 200000 && m[1] > -200000 && m[1] < 200000:
		e.Likely = LikelyLocal
		e.Message = fmt.Sprintf("coordonnées locales (non géoréférencées) : le plan (%s) n'est pas calé en Lambert-93 ni en CC47 ; demandez au géomètre un plan rattaché au système légal", where)
		return e
	}
	for _, s := range suspects() {
		b := orb.Bound{Min: s.min, Max: s.max}.Pad(suspectMargin)
		if b.Contains(m) {
			e.Likely = s.likely
			e.Message = fmt.Sprintf("les coordonnées du plan (%s) semblent être en %s et non en %s, que Terrimap ne convertit pas : demandez au géomètre un plan en Lambert-93 ou en CC47", where, s.name, declaredName)
			return e
		}
	}
	e.Message = fmt.Sprintf("les coordonnées du plan (%s) ne tombent pas sur le territoire de la CCMT ni sur les données de l'espace de travail, lues en %s", where, declaredName)
	return e
}

func firstPoint(g orb.Geometry) orb.Point {
	switch x := g.(type) {
	case orb.Point:
		return x
	case orb.LineString:
		return x[0]
	}
	return g.Bound().Center()
}

// mappedProperties returns a feature's values: the mapping's values with
// their templates expanded, coded values given by label turned into
// codes. Values that do not fit are recorded in bad and left out.
func mappedProperties(target schema.Layer, values map[string]string, vars map[string]string, dxfLayer string, bad *valueProblems) map[string]any {
	props := make(map[string]any, len(values))
	for name, raw := range values {
		f, ok := target.Field(name)
		if !ok {
			f, ok = fieldFolded(target, name)
		}
		if !ok {
			bad.add(problemKey{DXFUnknownField, "", "", name}, "")
			continue
		}
		v := expandTemplate(raw, vars)
		v = codeOf(f, v)
		if _, err := f.Coerce(v); err != nil {
			bad.add(problemKey{DXFInvalidValue, dxfLayer, "", f.Name}, v)
			continue
		}
		props[f.Name] = v
	}
	withDefaults := target.Defaults()
	for k, v := range props {
		withDefaults[k] = v
	}
	if _, errs := target.CoerceProperties(withDefaults, true); len(errs) > 0 {
		for _, fe := range errs {
			if errors.Is(fe.Reason, schema.ErrRequired) {
				bad.add(problemKey{DXFMissingRequired, dxfLayer, "", fe.Field}, "")
			}
		}
	}
	return props
}

// fieldFolded finds a field by name ignoring case.
func fieldFolded(target schema.Layer, name string) (schema.Field, bool) {
	for _, f := range target.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return schema.Field{}, false
}

// expandTemplate replaces {n}, {calque}, {id} and {fichier} in a value.
func expandTemplate(v string, vars map[string]string) string {
	if !strings.Contains(v, "{") {
		return v
	}
	for k, x := range vars {
		v = strings.ReplaceAll(v, k, x)
	}
	return v
}

// codeOf turns the label of a coded value into its code, ignoring case and
// accents ("fonte ductile" → "11"); other values are returned as they are.
func codeOf(f schema.Field, v string) string {
	if len(f.Domain) == 0 {
		return v
	}
	for _, cv := range f.Domain {
		if cv.Code == v {
			return v
		}
	}
	folded := strings.ToLower(Fold(strings.TrimSpace(v)))
	for _, cv := range f.Domain {
		if strings.ToLower(Fold(cv.Label)) == folded {
			return cv.Code
		}
	}
	return v
}

// problemKey identifies problems counted together.
type problemKey struct {
	kind  DXFProblemKind
	layer string
	typ   string
	field string
}

// valueProblems gathers the mapping problems met while mapping features,
// once per key, with the first value that showed it.
type valueProblems struct {
	keys   []problemKey
	values map[problemKey]string
	counts map[problemKey]int
}

func (b *valueProblems) add(k problemKey, value string) {
	if b.counts == nil {
		b.values, b.counts = map[problemKey]string{}, map[problemKey]int{}
	}
	if b.counts[k] == 0 {
		b.keys = append(b.keys, k)
		b.values[k] = value
	}
	b.counts[k]++
}

// problems turns the gathered mapping problems into blocking problems.
func (b *valueProblems) problems(target string) []DXFProblem {
	out := make([]DXFProblem, 0, len(b.keys))
	for _, k := range b.keys {
		pb := DXFProblem{Kind: k.kind, DXFLayer: k.layer, Field: k.field, Count: b.counts[k], Blocking: true}
		switch k.kind {
		case DXFUnknownField:
			pb.Message = fmt.Sprintf("la correspondance donne une valeur au champ « %s », que la couche %s n'a pas", k.field, target)
		case DXFInvalidValue:
			pb.Message = fmt.Sprintf("calque %s : la valeur « %s » ne convient pas au champ « %s » de la couche %s", k.layer, b.values[k], k.field, target)
		case DXFMissingRequired:
			pb.Message = fmt.Sprintf("calque %s : le champ obligatoire « %s » reste vide ; donnez-lui une valeur dans la correspondance (par exemple *;%s;…)", k.layer, k.field, k.field)
		}
		out = append(out, pb)
	}
	return out
}

// entityProblems turns the counts of entities left out into problems, in
// a stable order.
func entityProblems(counts map[problemKey]int, target schema.Layer) []DXFProblem {
	keys := make([]problemKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.layer != b.layer {
			return a.layer < b.layer
		}
		return a.typ < b.typ
	})
	out := make([]DXFProblem, 0, len(keys))
	for _, k := range keys {
		n := counts[k]
		pb := DXFProblem{Kind: k.kind, DXFLayer: k.layer, EntityType: k.typ, Count: n}
		switch k.kind {
		case DXFGeometryMismatch:
			pb.Message = fmt.Sprintf("%d %s du calque %s ne vont pas dans la couche %s, %s : non importé(e)s",
				n, entityNoun(k.typ, n), k.layer, target.Name, layerKind(target.GeometryType))
		case DXFUnsupportedEntity:
			pb.Message = fmt.Sprintf("%d entité(s) %s du calque %s ne sont pas importées (type non pris en charge)", n, k.typ, k.layer)
		case DXFInvalidGeometry:
			pb.Message = fmt.Sprintf("%d entité(s) %s du calque %s ont une géométrie vide ou de longueur nulle : non importées", n, k.typ, k.layer)
		case DXFOutsideTerritory:
			pb.Message = fmt.Sprintf("%d entité(s) du calque %s sont hors du territoire, loin du reste du plan : non importées", n, k.layer)
		}
		out = append(out, pb)
	}
	return out
}

// entityNoun names entities of a DXF type in French.
func entityNoun(typ string, n int) string {
	s := ""
	if n > 1 {
		s = "s"
	}
	switch typ {
	case formats.DXFPoint:
		return "point" + s
	case formats.DXFInsert:
		return "bloc" + s + " (INSERT)"
	case formats.DXFLine:
		return "ligne" + s + " (LINE)"
	case formats.DXFArc:
		return "arc" + s
	}
	return "polyligne" + s + " (" + typ + ")"
}

// layerKind says in French what a layer of the geometry type holds.
func layerKind(t schema.GeometryType) string {
	switch t {
	case schema.Point, schema.MultiPoint:
		return "faite de points"
	case schema.LineString, schema.MultiLineString:
		return "faite de lignes"
	case schema.Polygon, schema.MultiPolygon:
		return "faite de polygones (seules les polylignes fermées y vont)"
	}
	return "d'un autre type"
}

// mappingProblems says which DXF layers the mapping does not name, and
// which layers it names that the plan lacks.
func mappingProblems(m formats.DXFMapping, layers []DXFLayerSummary) []DXFProblem {
	var out []DXFProblem
	present := map[string]bool{}
	for _, s := range layers {
		present[strings.ToUpper(s.Name)] = true
		if imported := s.Points + s.Lines; imported > 0 && len(m.Layers) > 0 && !m.Lists(s.Name) {
			out = append(out, DXFProblem{Kind: DXFUnmappedLayer, DXFLayer: s.Name, Count: imported,
				Message: fmt.Sprintf("le calque %s n'est pas dans la correspondance : ses %d objet(s) prennent les valeurs communes et par défaut", s.Name, imported)})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Layers)) {
		if !present[strings.ToUpper(name)] {
			out = append(out, DXFProblem{Kind: DXFUnusedMapping, DXFLayer: name,
				Message: fmt.Sprintf("la correspondance nomme le calque %s, absent du plan", name)})
		}
	}
	return out
}
