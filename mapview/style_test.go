package mapview

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/assets"
)

var styleCases = []struct {
	name string
	json string
	err  bool
}{
	{"platform communes", `{"stroke":"#5c5c5c","width":1.5,"fill":"#00000000","label":"nom_officiel"}`, false},
	{"platform sewer", `{"stroke":"#8c510a","width":2,"dash":[6,3]}`, false},
	{"platform hydrant", `{"symbol":"circle","fill":"#e31a1c","stroke":"#ffffff","size":9,"label":"numero"}`, false},
	{"platform building", `{"stroke":"#6a3d9a","width":1,"fill":"#cab2d6aa","label":"nom"}`, false},
	{"short colours", `{"stroke":"#abc","fill":"#abcd"}`, false},
	{"rules", `{"stroke":"#1f78b4","rules":[{"field":"materiau","values":{"11":{"stroke":"#08306b"}}},{"field":"diametre","ranges":[{"max":100,"width":1},{"min":100,"width":2.5}]}]}`, false},
	{"stops", `{"width":{"stops":[[10,0.5],[16,3]]}}`, false},
	{"label object", `{"label":{"field":"nom","size":13,"bold":true,"minzoom":14,"priority":9}}`, false},
	{"unknown keys ignored", `{"stroke":"#000","glow":true}`, false},
	{"empty", `{}`, false},
	{"bad colour", `{"stroke":"blue"}`, true},
	{"bad hex", `{"fill":"#12345g"}`, true},
	{"colour not a string", `{"fill":12}`, true},
	{"bad symbol", `{"symbol":"hexagon"}`, true},
	{"negative width", `{"width":-1}`, true},
	{"huge size", `{"size":1e9}`, true},
	{"stops backwards", `{"width":{"stops":[[16,1],[10,2]]}}`, true},
	{"empty stops", `{"width":{"stops":[]}}`, true},
	{"dash of nothing", `{"dash":[0,0]}`, true},
	{"long dash", `{"dash":[1,2,3,4,5,6,7,8,9]}`, true},
	{"rule without field", `{"rules":[{"values":{"a":{}}}]}`, true},
	{"rule without values", `{"rules":[{"field":"a"}]}`, true},
	{"empty range", `{"rules":[{"field":"a","ranges":[{"min":5,"max":5}]}]}`, true},
	{"bad rule paint", `{"rules":[{"field":"a","values":{"x":{"symbol":"blob"}}}]}`, true},
	{"label without field", `{"label":{"size":3}}`, true},
	{"label priority", `{"label":{"field":"a","priority":11}}`, true},
	{"bad cap", `{"cap":"pointy"}`, true},
	{"not an object", `[1,2]`, true},
	{"truncated", `{"stroke":`, true},
}

func TestParseStyle(t *testing.T) {
	for _, c := range styleCases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseStyle([]byte(c.json))
			if c.err {
				if err == nil {
					t.Fatalf("no error for %s", c.json)
				}
				if !errors.Is(err, ErrInvalidStyle) {
					t.Errorf("error %v does not wrap ErrInvalidStyle", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// What is written back reads the same.
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseStyle(b)
			if err != nil {
				t.Fatalf("re-reading %s: %v", b, err)
			}
			b2, _ := json.Marshal(again)
			if string(b) != string(b2) {
				t.Errorf("round trip changed %s into %s", b, b2)
			}
		})
	}
}

func TestResolveByAttribute(t *testing.T) {
	s, err := ParseStyle([]byte(`{"stroke":"#1f78b4","width":2,"minzoom":10,
		"rules":[{"field":"materiau","values":{"11":{"stroke":"#08306b","title":"Fonte"}}},
		         {"field":"diametre","ranges":[{"max":100,"width":1},{"min":100,"width":{"stops":[[10,1],[20,5]]}}]},
		         {"field":"disponible","values":{"false":{"stroke":"#9e9e9e"}}},
		         {"field":"branchemnt","values":{"O":{"minzoom":16}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	col := func(s string) Color { c, _ := ParseColor(s); return c }
	for _, c := range []struct {
		name   string
		props  map[string]any
		zoom   float64
		stroke Color
		width  float32
		hidden bool
	}{
		{"no attributes", map[string]any{}, 15, col("#1f78b4"), 2, false},
		{"cast iron", map[string]any{"materiau": "11"}, 15, col("#08306b"), 2, false},
		{"small", map[string]any{"diametre": int64(63)}, 15, col("#1f78b4"), 1, false},
		{"large at 15", map[string]any{"diametre": int64(100)}, 15, col("#1f78b4"), 3, false},
		{"large, as a float", map[string]any{"diametre": 150.0}, 20, col("#1f78b4"), 5, false},
		{"diameter as text", map[string]any{"diametre": "150"}, 10, col("#1f78b4"), 1, false},
		{"unavailable", map[string]any{"disponible": false}, 15, col("#9e9e9e"), 2, false},
		{"available", map[string]any{"disponible": true}, 15, col("#1f78b4"), 2, false},
		{"unknown code", map[string]any{"materiau": "77"}, 15, col("#1f78b4"), 2, false},
		{"below the style's zoom", map[string]any{}, 9, col("#1f78b4"), 2, true},
		{"service pipe at 15", map[string]any{"branchemnt": "O"}, 15, col("#1f78b4"), 2, true},
		{"service pipe at 17", map[string]any{"branchemnt": "O"}, 17, col("#1f78b4"), 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newStyler(s, lineClass, c.zoom, 1).resolve(attrsOf(c.props))
			if p.stroke != c.stroke || p.width != c.width || p.hidden != c.hidden {
				t.Errorf("got stroke %v width %v hidden %v, want %v %v %v", p.stroke, p.width, p.hidden, c.stroke, c.width, c.hidden)
			}
		})
	}
	// The device scale multiplies lengths.
	if p := newStyler(s, lineClass, 15, 2).resolve(attrs{}); p.width != 4 {
		t.Errorf("width at scale 2: %v", p.width)
	}
}

func TestDashedLinesGetButtCaps(t *testing.T) {
	s, _ := ParseStyle([]byte(`{"dash":[4,2]}`))
	if p := newStyler(s, lineClass, 15, 1).resolve(attrs{}); p.cap != capButt || p.ndash != 2 {
		t.Errorf("cap %v, %d dashes", p.cap, p.ndash)
	}
	s, _ = ParseStyle([]byte(`{"dash":[4,2],"cap":"round"}`))
	if p := newStyler(s, lineClass, 15, 1).resolve(attrs{}); p.cap != capRound {
		t.Errorf("chosen cap lost: %v", p.cap)
	}
}

func TestNumStops(t *testing.T) {
	n := Num{Stops: [][2]float64{{10, 1}, {14, 3}, {18, 3.5}}}
	for z, want := range map[float64]float64{5: 1, 10: 1, 12: 2, 14: 3, 16: 3.25, 30: 3.5} {
		if got := n.At(z); !near(got, want, 1e-12) {
			t.Errorf("at %v: %v, want %v", z, got, want)
		}
	}
}

func TestParseColor(t *testing.T) {
	for in, want := range map[string]Color{
		"#fff": {255, 255, 255, 255}, "#1f78b4": {0x1f, 0x78, 0xb4, 255}, "#cab2d6aa": {0xca, 0xb2, 0xd6, 0xaa},
		"#0008": {0, 0, 0, 0x88}, "none": {}, " Transparent ": {},
	} {
		if got, err := ParseColor(in); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
}

// Every demo layer has a default style, and every style file is valid and
// names fields of its layer.
func TestDefaultStyles(t *testing.T) {
	styles := DefaultStyles()
	names, err := filepath.Glob(filepath.Join("..", "assets", assets.StylesDir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("style files: %v %v", names, err)
	}
	for _, layer := range []string{"communes", "canalaep", "apparaep", "ouvraep", "canalass", "apparass", "ouvrass",
		"pei", "eclairage", "batiment", "zone_inondable", "interventions"} {
		if styles[layer] == nil {
			t.Errorf("no default style for %s", layer)
		}
	}
	// Sewers and water pipes do not look alike.
	aep, ass := styles["canalaep"], styles["canalass"]
	if len(ass.Dash) == 0 || len(aep.Dash) != 0 || *aep.Stroke == *ass.Stroke {
		t.Error("sewers should be dashed and coloured unlike water pipes")
	}
	for _, n := range names {
		data, _ := os.ReadFile(n)
		if !json.Valid(data) {
			t.Errorf("%s is not JSON", n)
		}
	}
}

// The fields the default styles read exist in the demo schemas.
func TestDefaultStylesNameRealFields(t *testing.T) {
	fields := map[string][]string{
		"communes": {"nom_officiel"}, "canalaep": {"materiau", "diametre", "branchemnt"}, "canalass": {"typreseau", "diametre", "branchemnt"},
		"pei": {"ref_terr", "type_pei", "disponible"}, "eclairage": {"type_lampe", "etat"}, "ouvrass": {"libelle", "typreseau", "fnouvass"},
		"apparaep": {"fnappaep"}, "ouvraep": {"libelle", "fnouvaep"}, "batiment": {"nom"}, "zone_inondable": {"alea"}, "interventions": {"statut"},
		"voies": {"nom", "type_voie"}, "dtdict": {"numero", "statut"},
	}
	for layer, s := range DefaultStyles() {
		for _, f := range s.Fields() {
			ok := false
			for _, g := range fields[layer] {
				ok = ok || f == g
			}
			if !ok {
				t.Errorf("%s: the style reads %q, not a field of the layer", layer, f)
			}
		}
	}
}

func TestDefaultLayersOrder(t *testing.T) {
	ws := newTestWorkspace(t)
	got := DefaultLayers(ws, testStyles(t))
	var names []string
	for _, l := range got {
		names = append(names, l.Name)
	}
	if strings.Join(names, ",") != "zones,reseau,poteaux" {
		t.Errorf("order %v", names)
	}
}

func FuzzParseStyle(f *testing.F) {
	for _, c := range styleCases {
		f.Add([]byte(c.json))
	}
	for _, s := range DefaultStyles() {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStyle(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidStyle) {
				t.Fatalf("error %v does not wrap ErrInvalidStyle", err)
			}
			return
		}
		// A valid style resolves, for any geometry, without trouble.
		for c := range nClasses {
			st := newStyler(s, c, 14, 1.5)
			st.resolve(attrsOf(map[string]any{"a": "x", "b": int64(3), "c": 2.5, "d": true}))
			_ = st.bleed()
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseStyle(b)
		if err != nil {
			t.Fatalf("%s does not read back: %v", b, err)
		}
		if b2, _ := json.Marshal(again); string(b2) != string(b) {
			t.Fatalf("round trip: %s then %s", b, b2)
		}
	})
}

// attrsOf returns the attributes of a feature with these properties.
func attrsOf(props map[string]any) attrs {
	var a attrs
	for k, v := range props {
		a.names = append(a.names, k)
		a.vals = append(a.vals, v)
	}
	return a
}
