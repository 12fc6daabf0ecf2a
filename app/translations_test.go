package app

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"terrimap/assets"
)

// TestTranslationsCoverSource checks that every lang.L call of the package
// has a literal key that fr.json and en.json both translate, and that the
// translation files hold no key that the package does not use.
func TestTranslationsCoverSource(t *testing.T) {
	used := map[string]token.Position{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isLangCall(call.Fun) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the key of a lang call must be a string literal", fset.Position(call.Pos()))
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			used[key] = fset.Position(lit.Pos())
			return true
		})
	}
	if len(used) == 0 {
		t.Fatal("found no lang.L call")
	}

	for _, language := range []string{"fr", "en"} {
		raw, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + language + ".json")
		if err != nil {
			t.Fatal(err)
		}
		// A value is a translation, or its plural forms (lang.N).
		var tr map[string]json.RawMessage
		if err := json.Unmarshal(raw, &tr); err != nil {
			t.Fatalf("%s.json: %v", language, err)
		}
		for key, v := range tr {
			var one string
			var forms map[string]string
			if json.Unmarshal(v, &one) != nil && (json.Unmarshal(v, &forms) != nil || forms["one"] == "" || forms["other"] == "") {
				t.Errorf("%s.json: %q is neither a text nor plural forms with one and other", language, key)
			}
		}
		for key, pos := range used {
			if _, ok := tr[key]; !ok {
				t.Errorf("%s: %q has no translation in %s.json", pos, key, language)
			}
		}
		for key := range tr {
			if _, ok := used[key]; !ok {
				t.Errorf("%s.json: %q is not used by package app", language, key)
			}
		}
	}
}

func isLangCall(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "lang" && (sel.Sel.Name == "L" || sel.Sel.Name == "Localize" || sel.Sel.Name == "N" || sel.Sel.Name == "LocalizePlural")
}
