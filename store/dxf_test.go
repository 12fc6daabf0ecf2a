package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// The DXF plans of store/formats/testdata/dxf: the same plan de
// récolement in Lambert-93 (AutoCAD 2000) and in CC47 (R12), in Lambert II
// étendu and in local coordinates. See store/formats/dxfgen_test.go.
const dxfTestdata = "formats/testdata/dxf"

// recolementLayers are RAEPA-like layers a plan goes into: water pipes
// with a required identifier and update date, valves, buildings.
// ccmtExtent is the extent of the 24 communes of the CCMT in EPSG:4326
// (ccmt-perimetre.geojson of the shared data, ogrinfo): the territory the
// tests' plans lie in, given as the app and the CLI give theirs.
var ccmtExtent = orb.Bound{Min: orb.Point{4.742850, 46.399120}, Max: orb.Point{4.986150, 46.595960}}

func recolementLayers() []schema.Layer {
	materiaux := []schema.CodedValue{{Code: "00", Label: "Indéterminé"}, {Code: "11", Label: "Fonte ductile"},
		{Code: "12", Label: "Fonte grise"}, {Code: "18", Label: "PEHD lisse"}, {Code: "27", Label: "PVC U lisse"}}
	return []schema.Layer{
		{Name: "aep", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "idcana", Type: schema.Text, Required: true},
			{Name: "materiau", Type: schema.Text, Required: true, Default: "00", Domain: materiaux},
			{Name: "diametre", Type: schema.Integer},
			{Name: "datemaj", Type: schema.Date, Required: true},
			{Name: "qualglocxy", Type: schema.Text, Default: "03", Domain: []schema.CodedValue{{Code: "01", Label: "Classe A"}, {Code: "03", Label: "Classe C"}}},
		}},
		{Name: "vannes", GeometryType: schema.Point, Fields: []schema.Field{{Name: "diametre", Type: schema.Integer}}},
		{Name: "batiment", GeometryType: schema.MultiPolygon, Fields: []schema.Field{{Name: "usage", Type: schema.Text}}},
		{Name: "communes", GeometryType: schema.MultiPolygon, ReadOnly: true},
	}
}

func recolementWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws := newWorkspace(t)
	for _, s := range recolementLayers() {
		if _, err := ws.CreateLayer(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// aepMapping is the mapping of the test plan's layers for the aep layer.
func aepMapping() formats.DXFMapping {
	return formats.DXFMapping{
		Common: map[string]string{"datemaj": "2024-06-01", "idcana": "REC-{fichier}-{n}", "qualglocxy": "classe a"},
		Layers: map[string]map[string]string{
			"AEP_FONTE_150": {"materiau": "Fonte ductile", "diametre": "150"},
			"aep_pvc_110":   {"materiau": "27", "diametre": "110"},
			"AEP_PEHD_63":   {"materiau": "pehd LISSE", "diametre": "63"},
		},
		Skip:       []string{"AEP_VANNES", "AEP_POINTS"},
		OnlyListed: true,
	}
}

// Both coordinate systems, given or found, land on PROJ's answer within a
// centimetre. Expected values: cs2cs -f %.10f EPSG:2154 EPSG:4326 (and
// EPSG:3947 EPSG:4326) of the vertices as the files write them (PROJ 9).
func TestDXFProjectionMatchesPROJ(t *testing.T) {
	type known struct {
		handle   int // index of the feature in the preview
		vertex   int // -1: the last one
		lat, lon float64
	}
	l93 := []known{
		{0, 0, 46.5628659104, 4.9094217415},  // A 846250 6608750
		{0, 1, 46.5633220070, 4.9102245113},  // B 846310.25 6608802.125
		{0, -1, 46.5627944337, 4.9114106423}, // C 846402.5 6608745.75
		{1, -1, 46.5641715104, 4.9121445651}, // D 846455 6608900
	}
	cc47 := []known{
		{0, 0, 46.5628659135, 4.9094217359},  // 1846380.416 6153192.971
		{0, 1, 46.5633220087, 4.9102245083},  // 1846440.710 6153245.154
		{0, -1, 46.5627944318, 4.9114106360}, // 1846533.053 6153188.746
		{1, -1, 46.5641715094, 4.9121445694}, // 1846585.571 6153343.144
	}
	cases := []struct {
		file     string
		crs      int
		want     int
		detected bool
		points   []known
	}{
		{"plan_l93.dxf", 0, srs.Lambert93, true, l93},
		{"plan_l93.dxf", srs.Lambert93, srs.Lambert93, false, l93},
		{"plan_cc47_r12.dxf", 0, srs.CC47, true, cc47},
		{"plan_cc47_r12.dxf", srs.CC47, srs.CC47, false, cc47},
	}
	ws := recolementWorkspace(t)
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.file, c.crs), func(t *testing.T) {
			p, err := ws.PreviewDXF(context.Background(), filepath.Join(dxfTestdata, c.file), DXFOptions{Territory: ccmtExtent, Layer: "aep", CRS: c.crs, Mapping: aepMapping()})
			if err != nil {
				t.Fatal(err)
			}
			if p.CRS != c.want || p.Detected != c.detected {
				t.Errorf("CRS %d detected %v, want %d %v", p.CRS, p.Detected, c.want, c.detected)
			}
			for _, k := range c.points {
				ls := p.Features[k.handle].Geometry.(orb.LineString)
				v := k.vertex
				if v < 0 {
					v = len(ls) - 1
				}
				got := ls[v]
				// Metres on the ground between our point and PROJ's.
				dx := (got[0] - k.lon) * math.Pi / 180 * 6378137 * math.Cos(k.lat*math.Pi/180)
				dy := (got[1] - k.lat) * math.Pi / 180 * 6378137
				if d := math.Hypot(dx, dy); d > 0.01 {
					t.Errorf("feature %d vertex %d: %.10f %.10f is %.3f m from PROJ's %.10f %.10f", k.handle, k.vertex, got[1], got[0], d, k.lat, k.lon)
				}
			}
		})
	}
}

// A plan in the wrong coordinate system, or in none, is refused with what
// it most likely is.
func TestDXFWrongCoordinates(t *testing.T) {
	dir := t.TempDir()
	degrees := filepath.Join(dir, "degres.dxf")
	os.WriteFile(degrees, []byte(lineDXF([4]float64{4.9094, 46.5628, 4.9102, 46.5633}, [4]float64{4.9102, 46.5633, 4.9114, 46.5627})), 0o644)
	paris := filepath.Join(dir, "paris.dxf")
	os.WriteFile(paris, []byte(lineDXF([4]float64{652000, 6862000, 652100, 6862100})), 0o644)
	cases := []struct {
		file   string
		crs    int
		likely DXFLikely
		msg    string
	}{
		{filepath.Join(dxfTestdata, "plan_cc47_r12.dxf"), srs.Lambert93, LikelyCC47, "the coordinates seem to be in CC47 (EPSG:3947), not in Lambert-93 (EPSG:2154)"},
		{filepath.Join(dxfTestdata, "plan_l93.dxf"), srs.CC47, LikelyLambert93, "seem to be in Lambert-93 (EPSG:2154), not in CC47 (EPSG:3947)"},
		{filepath.Join(dxfTestdata, "plan_local.dxf"), 0, LikelyLocal, "local coordinates (not georeferenced)"},
		{filepath.Join(dxfTestdata, "plan_local.dxf"), srs.Lambert93, LikelyLocal, "local coordinates (not georeferenced)"},
		{filepath.Join(dxfTestdata, "plan_lambert2.dxf"), 0, LikelyLambert2, "Lambert II étendu"},
		{degrees, 0, LikelyDegrees, "degrees of longitude and latitude"},
		{paris, 0, LikelyUnknown, "fall neither on the territory nor on the workspace's data"},
	}
	ws := recolementWorkspace(t)
	for _, c := range cases {
		t.Run(filepath.Base(c.file)+fmt.Sprint(c.crs), func(t *testing.T) {
			_, err := ws.PreviewDXF(context.Background(), c.file, DXFOptions{Territory: ccmtExtent, Layer: "aep", CRS: c.crs})
			var ce *DXFCoordinateError
			if !errors.Is(err, ErrDXFOutsideTerritory) || !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a refusal of the coordinates", err)
			}
			if ce.Likely != c.likely || ce.Declared != c.crs || !strings.Contains(ce.Message, c.msg) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("likely %s, message %q; want %s, %q", ce.Likely, ce.Message, c.likely, c.msg)
			}
		})
	}
	// A plan away from the CCMT but on the workspace's data is accepted:
	// the territory is the CCMT and the workspace's data.
	if _, err := ws.PreviewDXF(context.Background(), paris, DXFOptions{Territory: ccmtExtent, Layer: "canalaep"}); err == nil {
		t.Fatal("a plan in Paris was accepted")
	}
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		_, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{2.35, 48.85}, {2.36, 48.86}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ws.PreviewDXF(context.Background(), paris, DXFOptions{Territory: ccmtExtent, Layer: "canalaep"})
	if err != nil || p.CRS != srs.Lambert93 || p.Lines != 1 {
		t.Errorf("a plan on the workspace's data: %v", err)
	}
}

// lineDXF writes a drawing of LINE entities on layer AEP.
func lineDXF(lines ...[4]float64) string {
	var b strings.Builder
	b.WriteString("0\nSECTION\n2\nENTITIES\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "0\nLINE\n8\nAEP\n10\n%g\n20\n%g\n11\n%g\n21\n%g\n", l[0], l[1], l[2], l[3])
	}
	b.WriteString("0\nENDSEC\n0\nEOF\n")
	return b.String()
}

// The preview counts per DXF layer and geometry type, what fits the target
// layer, and what does not.
func TestDXFPreviewCounts(t *testing.T) {
	type layerCount struct{ points, lines, skipped, mismatched, unsupported int }
	cases := []struct {
		name          string
		layer         string
		mapping       formats.DXFMapping
		points, lines int
		layers        map[string]layerCount
		problems      []DXFProblemKind
	}{
		{name: "line layer, mapping", layer: "aep", mapping: aepMapping(), lines: 4,
			layers: map[string]layerCount{"AEP_FONTE_150": {lines: 1}, "AEP_PVC_110": {lines: 2}, "AEP_PEHD_63": {lines: 1},
				"AEP_VANNES": {skipped: 2}, "AEP_POINTS": {skipped: 1}, "BATI": {skipped: 1}, "TEXTES": {skipped: 1}},
		},
		{name: "line layer, no mapping", layer: "canalaep", lines: 6,
			layers: map[string]layerCount{"AEP_VANNES": {mismatched: 2}, "AEP_POINTS": {mismatched: 1}, "BATI": {lines: 1},
				"TEXTES": {unsupported: 1}, "DIVERS": {unsupported: 1}, "ÉCLAIRAGE_PUBLIC": {lines: 1}},
			problems: []DXFProblemKind{DXFGeometryMismatch, DXFGeometryMismatch, DXFUnsupportedEntity, DXFUnsupportedEntity},
		},
		{name: "point layer", layer: "vannes", points: 3,
			mapping: formats.DXFMapping{Layers: map[string]map[string]string{"AEP_VANNES": {"diametre": "150"}, "NOUVEAU": {}}},
			layers:  map[string]layerCount{"AEP_VANNES": {points: 2}, "AEP_POINTS": {points: 1}, "AEP_FONTE_150": {mismatched: 1}, "BATI": {mismatched: 1}},
			problems: []DXFProblemKind{DXFGeometryMismatch, DXFGeometryMismatch, DXFGeometryMismatch, DXFGeometryMismatch, DXFGeometryMismatch,
				DXFUnsupportedEntity, DXFUnsupportedEntity, DXFUnmappedLayer, DXFUnusedMapping},
		},
		{name: "polygon layer: closed polylines only", layer: "batiment", lines: 1,
			mapping:  formats.DXFMapping{Layers: map[string]map[string]string{"BATI": {}}, OnlyListed: true},
			layers:   map[string]layerCount{"BATI": {lines: 1}, "AEP_FONTE_150": {skipped: 1}},
			problems: []DXFProblemKind{},
		},
	}
	ws := recolementWorkspace(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ws.PreviewDXF(context.Background(), filepath.Join(dxfTestdata, "plan_l93.dxf"), DXFOptions{Territory: ccmtExtent, Layer: c.layer, Mapping: c.mapping})
			if err != nil {
				t.Fatal(err)
			}
			if p.Points != c.points || p.Lines != c.lines || len(p.Features) != c.points+c.lines {
				t.Errorf("%d points, %d lines, %d features", p.Points, p.Lines, len(p.Features))
			}
			if p.Entities["LWPOLYLINE"] != 3 || p.Entities["LINE"] != 2 || p.Entities["INSERT"] != 2 || p.Entities["TEXT"] != 1 {
				t.Errorf("entities by type %v", p.Entities)
			}
			if len(p.Layers) != 10 {
				t.Errorf("%d layers", len(p.Layers))
			}
			for _, s := range p.Layers {
				want, ok := c.layers[s.Name]
				if !ok {
					continue
				}
				got := layerCount{s.Points, s.Lines, s.Skipped, s.Mismatched, s.Unsupported}
				if got != want {
					t.Errorf("%s: %+v, want %+v", s.Name, got, want)
				}
			}
			if c.problems != nil {
				var kinds []DXFProblemKind
				for _, pb := range p.Problems {
					kinds = append(kinds, pb.Kind)
					if pb.Message == "" || pb.Blocking {
						t.Errorf("problem %+v", pb)
					}
				}
				if fmt.Sprint(kinds) != fmt.Sprint(c.problems) {
					t.Errorf("problems %v, want %v", kinds, c.problems)
				}
			}
			if b := p.Bound; !ws.planTerritory(ccmtExtent).Contains(b.Min) || !ws.planTerritory(ccmtExtent).Contains(b.Max) || b.Min[0] < 4.9 || b.Max[1] > 46.6 {
				t.Errorf("bound %v", b)
			}
		})
	}
	p, _ := ws.PreviewDXF(context.Background(), filepath.Join(dxfTestdata, "plan_l93.dxf"), DXFOptions{Territory: ccmtExtent, Layer: "canalaep"})
	for _, pb := range p.Problems {
		if pb.Kind == DXFGeometryMismatch && pb.DXFLayer == "AEP_VANNES" &&
			pb.Message != "2 blocks (INSERT) of DXF layer AEP_VANNES do not fit layer canalaep, made of lines: not imported" {
			t.Errorf("message %q", pb.Message)
		}
	}
}

// The mapping's values reach the imported features: labels become codes,
// templates are expanded; the import is journaled as local creations.
func TestDXFImportAppliesMapping(t *testing.T) {
	ctx := context.Background()
	ws := recolementWorkspace(t)
	p, err := ws.PreviewDXF(ctx, filepath.Join(dxfTestdata, "plan_cc47_r12.dxf"), DXFOptions{Territory: ccmtExtent, Layer: "aep", Mapping: aepMapping()})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 0 {
		t.Fatalf("problems %+v", p.Problems)
	}
	rep, err := ws.ImportDXF(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Features != 4 || rep.Layer != "aep" || rep.SourceSRS != srs.CC47 {
		t.Errorf("report %+v", rep)
	}
	fs, err := ws.Query(ctx, Query{Layer: "aep"})
	if err != nil || len(fs) != 4 {
		t.Fatalf("%d features, %v", len(fs), err)
	}
	want := []map[string]any{
		{"idcana": "REC-plan_cc47_r12-1", "materiau": "11", "diametre": int64(150), "datemaj": "2024-06-01", "qualglocxy": "01"},
		{"idcana": "REC-plan_cc47_r12-2", "materiau": "27", "diametre": int64(110)},
		{"idcana": "REC-plan_cc47_r12-3", "materiau": "27", "diametre": int64(110)},
		{"idcana": "REC-plan_cc47_r12-4", "materiau": "18", "diametre": int64(63)},
	}
	for i, f := range fs {
		for k, v := range want[i] {
			if f.Properties[k] != v {
				t.Errorf("feature %d: %s = %#v, want %#v", i, k, f.Properties[k], v)
			}
		}
	}
	pending, err := ws.Pending(ctx, 0)
	if err != nil || len(pending) != 4 {
		t.Fatalf("%d journal entries, %v", len(pending), err)
	}
	for _, e := range pending {
		if e.Op != OpCreate || e.Layer != "aep" || !e.GeometryChanged || e.Properties["datemaj"] != "2024-06-01" {
			t.Errorf("journal entry %+v", e)
		}
	}
	if ws.Index().Len("aep") != 4 {
		t.Errorf("index holds %d features", ws.Index().Len("aep"))
	}
}

// A mapping that does not fit the layer blocks the import, which writes
// nothing; so do a missing or read-only layer.
func TestDXFImportRefusals(t *testing.T) {
	ctx := context.Background()
	plan := filepath.Join(dxfTestdata, "plan_l93.dxf")
	withValues := func(values map[string]string) formats.DXFMapping {
		m := aepMapping()
		for k, v := range values {
			m.Common[k] = v
		}
		return m
	}
	cases := []struct {
		name    string
		mapping formats.DXFMapping
		kind    DXFProblemKind
		msg     string
	}{
		{"unknown field", withValues(map[string]string{"materiaux": "11"}), DXFUnknownField, "field \"materiaux\", which layer aep lacks"},
		{"label of no code", formats.DXFMapping{Common: map[string]string{"datemaj": "2024-06-01", "idcana": "X{n}", "materiau": "Fonte"}, OnlyListed: false},
			DXFInvalidValue, "value \"Fonte\" does not fit field \"materiau\""},
		{"not a number", formats.DXFMapping{Common: map[string]string{"datemaj": "2024-06-01", "idcana": "X{n}"},
			Layers: map[string]map[string]string{"AEP_FONTE_150": {"diametre": "DN150"}}, OnlyListed: true}, DXFInvalidValue, "DXF layer AEP_FONTE_150: value \"DN150\""},
		{"required field left empty", formats.DXFMapping{Common: map[string]string{"datemaj": "2024-06-01"}, Layers: aepMapping().Layers, OnlyListed: true},
			DXFMissingRequired, "required field \"idcana\" gets no value"},
	}
	ws := recolementWorkspace(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ws.PreviewDXF(ctx, plan, DXFOptions{Territory: ccmtExtent, Layer: "aep", Mapping: c.mapping})
			if err != nil {
				t.Fatal(err)
			}
			blocking := p.Blocking()
			if len(blocking) == 0 || blocking[0].Kind != c.kind || !strings.Contains(blocking[0].Message, c.msg) {
				t.Fatalf("blocking problems %+v, want %s mentioning %q", blocking, c.kind, c.msg)
			}
			_, err = ws.ImportDXF(ctx, p)
			if !errors.Is(err, ErrDXFMapping) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v", err)
			}
			if n := ws.Index().Len("aep"); n != 0 {
				t.Errorf("%d features imported", n)
			}
		})
	}
	for layer, want := range map[string]error{"nulle_part": ErrLayerNotFound, "communes": ErrReadOnly} {
		if _, err := ws.PreviewDXF(ctx, plan, DXFOptions{Territory: ccmtExtent, Layer: layer}); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", layer, err, want)
		}
	}
	if _, err := ws.PreviewDXF(ctx, plan, DXFOptions{Territory: ccmtExtent, Layer: "aep", CRS: srs.WebMercator}); !errors.Is(err, srs.ErrUnsupportedSRS) {
		t.Errorf("EPSG:3857: %v", err)
	}
	for _, name := range []string{"binary.dxf", "garbage.dxf"} {
		_, err := ws.PreviewDXF(ctx, filepath.Join(dxfTestdata, name), DXFOptions{Territory: ccmtExtent, Layer: "aep"})
		if !errors.Is(err, formats.ErrNotDXF) && !errors.Is(err, formats.ErrBinaryDXF) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A preview with nothing that fits is refused on import.
	p, err := ws.PreviewDXF(ctx, plan, DXFOptions{Territory: ccmtExtent, Layer: "vannes", Mapping: formats.DXFMapping{Skip: []string{"AEP_VANNES", "AEP_POINTS"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ImportDXF(ctx, p); !errors.Is(err, ErrImport) || !errors.Is(err, ErrDXFEmpty) {
		t.Errorf("empty import: %v", err)
	}
}

// A stray entity far from the rest of the plan (at the origin, as DXF
// drawings often have) is counted and left out, not imported.
func TestDXFStrayEntity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stray.dxf")
	os.WriteFile(path, []byte(lineDXF([4]float64{846250, 6608750, 846310, 6608802}, [4]float64{846310, 6608802, 846402, 6608745}, [4]float64{0, 0, 10, 10})), 0o644)
	ws := recolementWorkspace(t)
	p, err := ws.PreviewDXF(context.Background(), path, DXFOptions{Territory: ccmtExtent, Layer: "canalaep"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Lines != 2 || len(p.Problems) != 1 || p.Problems[0].Kind != DXFOutsideTerritory || p.Problems[0].Count != 1 || p.Layers[0].Outside != 1 {
		t.Errorf("%d lines, problems %+v", p.Lines, p.Problems)
	}
}

// ImportFile takes a DXF plan into an existing layer, without a mapping.
func TestImportFileDXF(t *testing.T) {
	ws := recolementWorkspace(t)
	rep, err := ws.ImportFile(context.Background(), filepath.Join(dxfTestdata, "plan_cc47_r12.dxf"), ImportOptions{Territory: ccmtExtent, Layer: "canalaep"})
	if err != nil || rep.Features != 6 || rep.SourceSRS != srs.CC47 {
		t.Errorf("%+v, %v", rep, err)
	}
	_, err = ws.ImportFile(context.Background(), filepath.Join(dxfTestdata, "plan_cc47_r12.dxf"), ImportOptions{Territory: ccmtExtent, Layer: "canalaep", SRS: srs.Lambert93})
	if !errors.Is(err, ErrDXFOutsideTerritory) {
		t.Errorf("CC47 read as Lambert-93: %v", err)
	}
	if _, err := ws.ImportFile(context.Background(), filepath.Join(dxfTestdata, "plan_l93.dxf"), ImportOptions{}); !errors.Is(err, ErrImport) {
		t.Errorf("no layer: %v", err)
	}
}

// TestDXFTerritoryIsTheCallers: no territory is built in; a plan lies on
// the territory the caller gives or on the workspace's data.
func TestDXFTerritoryIsTheCallers(t *testing.T) {
	ctx := context.Background()
	ws := recolementWorkspace(t)
	plan := filepath.Join(dxfTestdata, "plan_l93.dxf")
	if _, err := ws.PreviewDXF(ctx, plan, DXFOptions{Layer: "aep"}); !errors.Is(err, ErrDXFOutsideTerritory) {
		t.Fatalf("no territory, no data: %v", err)
	}
	dijon := orb.Bound{Min: orb.Point{4.95, 47.28}, Max: orb.Point{5.10, 47.37}}
	if _, err := ws.PreviewDXF(ctx, plan, DXFOptions{Layer: "aep", Territory: dijon}); !errors.Is(err, ErrDXFOutsideTerritory) {
		t.Fatalf("a plan of Tournus on Dijon's territory: %v", err)
	}
	p, err := ws.PreviewDXF(ctx, plan, DXFOptions{Layer: "aep", Territory: ccmtExtent, Mapping: aepMapping()})
	if err != nil || p.CRS != srs.Lambert93 {
		t.Fatalf("on the CCMT: %v", err)
	}
	if _, err := ws.ImportDXF(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Now the workspace's data place the next plan.
	if _, err := ws.PreviewDXF(ctx, plan, DXFOptions{Layer: "aep", Mapping: aepMapping()}); err != nil {
		t.Errorf("on the workspace's data: %v", err)
	}
}
