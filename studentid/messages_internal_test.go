package studentid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
)

// TestEveryTextHasChinese reads the package's own source and checks that
// every string literal that is text (has a letter) is a catalog key with a
// Chinese rendering, so no message can reach an operator untranslated.
func TestEveryTextHasChinese(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	notText := map[string]bool{"10X98765432": true} // the MOD 11-2 check characters
	keys := 0
	for _, entry := range entries {
		name := entry.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "ZH" {
					return false // the Chinese side of an entry
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				require.NoError(t, err)
				if notText[s] || !strings.ContainsFunc(s, unicode.IsLetter) {
					return true
				}
				keys++
				pos := fset.Position(n.Pos())
				if assert.True(t, messages.Has(s), "%s: %q is not in the catalog", pos, s) {
					zh := messages.Sprintf(l10n.Chinese, s)
					assert.True(t, strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }),
						"%s: %q has no Chinese (%q)", pos, s, zh)
				}
			}
			return true
		})
	}
	assert.Greater(t, keys, 80, "the scan found the package's texts")
}
