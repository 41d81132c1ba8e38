package cmis

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/width"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every literal handed to the catalog (sentinels,
// Sprintf keys, detail keys, text values, the field labels, the frames of
// CellError) is a key with a Chinese rendering, so no message reaches an
// operator untranslated.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Calls:   []l10ntest.Call{{Func: "detail", Arg: 1}, {Func: "text", Arg: 0}},
		Assigns: []string{"key"},
		Names:   []string{"labels"},
		Min:     50,
	})
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
