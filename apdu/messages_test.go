package apdu

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every text key the package declares (the key…, exp…, step…, fmt… and
// input… constants, and every string literal passed to messages.Sprintf or
// returned by StatusWord.describe) has a Chinese entry in the catalog; a
// missing one would silently fall back to English.
func TestEveryKeyHasChinese(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		require.NoError(t, err)
		files = append(files, f)
	}
	keys := map[string]token.Position{}
	add := func(lit ast.Expr) {
		bl, ok := lit.(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(bl.Value)
		require.NoError(t, err)
		keys[s] = fset.Position(bl.Pos())
	}
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					for _, prefix := range []string{"key", "exp", "step", "fmt", "input"} {
						if strings.HasPrefix(name.Name, prefix) && i < len(n.Values) {
							add(n.Values[i])
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(n.Args) >= 2 {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "messages" {
						add(n.Args[1])
					}
				}
			case *ast.FuncDecl:
				if n.Name.Name == "describe" {
					ast.Inspect(n.Body, func(m ast.Node) bool {
						if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) == 3 {
							add(r.Results[0])
						}
						return true
					})
				}
			}
			return true
		})
	}
	require.Greater(t, len(keys), 100, "the scan found the package's texts")
	for k, pos := range keys {
		assert.Truef(t, messages.Has(k), "%s: %q has no Chinese text", pos, k)
	}
}
