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

// TestEveryTextHasChinese finds every text constant the typed errors use
// (reason…, cal…, audit… problems) in the package source and proves the
// catalog has a Chinese rendering for it.
func TestEveryTextHasChinese(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	found := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, e.Name(), nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Values) != len(vs.Names) {
				return true
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				if !strings.HasPrefix(name.Name, "reason") && !strings.HasPrefix(name.Name, "cal") && !strings.HasPrefix(name.Name, "audit") {
					continue
				}
				text, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				found++
				assert.True(t, messages.Has(text), "%s = %q has no Chinese text", name.Name, text)
			}
			return true
		})
	}
	assert.Greater(t, found, 30, "the scan found the texts")
}
