package lifecycle

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

// TestEveryActionHasChinese finds every action name the package source uses
// (Action constants, action fields of notes and errors, actions passed to
// the scope checks) and proves each has a Chinese name, so no refusal an
// operator reads shows a raw English action (S-4).
func TestEveryActionHasChinese(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	actions := map[string]bool{}
	lit := func(e ast.Expr) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, err := strconv.Unquote(b.Value)
			require.NoError(t, err)
			actions[s] = true
		}
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, e.Name(), nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Action" {
					for _, v := range n.Values {
						lit(v)
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "action" || k.Name == "Action") {
					lit(n.Value)
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				switch {
				case name == "readable" && len(n.Args) > 2:
					lit(n.Args[2])
				case (name == "checkScope" || name == "checkOperator") && len(n.Args) > 1:
					lit(n.Args[1])
				}
			}
			return true
		})
	}
	assert.Greater(t, len(actions), 40, "the scan found the actions")
	for a := range actions {
		assert.True(t, messages.Has(nameAction+a), "action %q has no Chinese name", a)
	}
}
