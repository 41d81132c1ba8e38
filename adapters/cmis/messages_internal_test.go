package cmis

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
	"golang.org/x/text/width"

	"github.com/bjedu/studentcard/l10n"
)

// TestEveryTextHasChinese reads the package's source and checks that every
// literal handed to the catalog (sentinels, Sprintf keys, detail keys, text
// values, the frames of CellError) is a key with a Chinese rendering, so no
// message reaches an operator untranslated.
func TestEveryTextHasChinese(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	keys := 0
	check := func(e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		keys++
		pos := fset.Position(lit.Pos())
		if assert.True(t, messages.Has(s), "%s: %q is not in the catalog", pos, s) {
			// A text has Chinese; a frame of verbs at least Chinese punctuation.
			zh := messages.Sprintf(l10n.Chinese, s)
			assert.True(t, strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) ||
				strings.Contains(s, "%") && zh != messages.Sprintf(l10n.English, s),
				"%s: %q has no Chinese (%q)", pos, s, zh)
		}
	}
	for _, entry := range entries {
		name := entry.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					if fun.Name == "detail" && len(n.Args) > 1 {
						check(n.Args[1])
					}
					if fun.Name == "text" {
						check(n.Args[0])
					}
				case *ast.SelectorExpr:
					if x, ok := fun.X.(*ast.Ident); ok && x.Name == "messages" {
						switch fun.Sel.Name {
						case "Error":
							check(n.Args[0])
						case "Sprintf":
							check(n.Args[1])
						}
					}
				}
			case *ast.AssignStmt:
				if id, ok := n.Lhs[0].(*ast.Ident); ok && id.Name == "key" {
					check(n.Rhs[0])
				}
			case *ast.ValueSpec:
				if len(n.Names) == 1 && n.Names[0].Name == "labels" {
					for _, kv := range n.Values[0].(*ast.CompositeLit).Elts {
						check(kv.(*ast.KeyValueExpr).Value)
					}
				}
			}
			return true
		})
	}
	assert.Greater(t, keys, 50, "the scan found the package's texts")
}

// TestFieldLabels: every field has a label in both languages, and every
// field of the mapping is a known one.
func TestFieldLabels(t *testing.T) {
	require.Len(t, labels, len(defaultColumns))
	for _, c := range defaultColumns {
		assert.NotEqual(t, string(c.Field), c.Field.Localize(l10n.Chinese))
		assert.GreaterOrEqual(t, fieldIndex(c.Field), 0)
		for _, n := range c.Names {
			got, ok := mustMapping(t).lookup(n)
			assert.True(t, ok, n)
			assert.Equal(t, c.Field, got.Field, "name %q maps to its own field", n)
		}
	}
	assert.Equal(t, "shoe", Field("shoe").Localize(l10n.Chinese))
	assert.Equal(t, "出生日期", FieldBirthDate.Localize(l10n.Chinese))
	assert.Equal(t, "birth date", FieldBirthDate.Localize(l10n.English))
}

func mustMapping(t *testing.T) *mapping {
	m, err := newMapping(nil)
	require.NoError(t, err)
	return m
}

func TestColumnName(t *testing.T) {
	for j, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		assert.Equal(t, want, columnName(j))
	}
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"出生日期":              "出生日期",
		" *出生日期（YYYYMMDD） ": "出生日期",
		"Date of Birth":     "dateofbirth",
		"ＳＥＸ":               "sex",
		"身份证号\u3000":        "身份证号",
		"(note)":            "(note)",
		"学籍号*":              "学籍号",
	} {
		assert.Equal(t, want, headerKey(in), in)
	}
}

// TestHasWide: the shortcut agrees with width.Fold on every BMP rune: a
// rune it passes over is one Fold leaves alone.
func TestHasWide(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if s := string(r); !hasWide(s) {
			assert.Equal(t, s, width.Fold.String(s), "%U", r)
		}
	}
	assert.True(t, hasWide("张\u3000"))
	assert.True(t, hasWide("２０１８"))
	assert.False(t, hasWide("北京市东城区和平里小学"))
}
