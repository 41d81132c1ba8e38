package l10ntest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// recorder is a TB that keeps the failures instead of failing.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, "fatal: "+fmt.Sprintf(format, args...))
}

const source = `package p

var messages = x

const reasonGone = "card gone"

func f() {
	_ = messages.Error("card lost")
	_ = messages.Sprintf(tag, "card %s at %s", a, b)
	_ = detail(x, "no such school")
	_ = FieldError{Reason: "not BCD"}
}
`

// The checks find what a package hands its catalog and fail on each text
// without Chinese, each Chinese that prints other arguments, and a scan that
// finds too little.
func TestCheckFindsEveryHole(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(source), 0o600))
	c := l10n.NewCatalog(
		l10n.Entry{Key: "card lost", ZH: "卡已挂失"},
		l10n.Entry{Key: "card %s at %s", ZH: "卡%[1]s"}, // drops an argument
		l10n.Entry{Key: "not BCD", ZH: "not BCD"},      // no Chinese
	)
	var r recorder
	found := l10ntest.Check(&r, c, l10ntest.Source{Dir: dir, Names: []string{"reason"},
		Calls: []l10ntest.Call{{Func: "detail", Arg: 1}}, Fields: []string{"Reason"}, Min: 10})
	assert.Len(t, found, 5)
	all := strings.Join(r.errs, "\n")
	for _, want := range []string{`"card gone" is not in the catalog`, `"no such school" is not in the catalog`,
		`"not BCD" has no Chinese`, `print different arguments`, "found 5 texts, want at least 10"} {
		assert.Contains(t, all, want)
	}

	r = recorder{}
	l10ntest.Check(&r, l10n.NewCatalog(
		l10n.Entry{Key: "card lost", ZH: "卡已挂失"}, l10n.Entry{Key: "card %s at %s", ZH: "卡%[1]s在%[2]s"},
		l10n.Entry{Key: "card gone", ZH: "卡不见了"}, l10n.Entry{Key: "no such school", ZH: "没有该学校"},
		l10n.Entry{Key: "not BCD", ZH: "不是BCD码"},
	), l10ntest.Source{Dir: dir, Names: []string{"reason"}, Calls: []l10ntest.Call{{Func: "detail", Arg: 1}}, Fields: []string{"Reason"}, Min: 5})
	assert.Empty(t, r.errs, "a complete catalog passes")
}

// Renders and Chinese fail on English left in a Chinese text.
func TestRendersAndChinese(t *testing.T) {
	c := l10n.NewCatalog(l10n.Entry{Key: "card lost", ZH: "卡已挂失"}, l10n.Entry{Key: "untranslated", ZH: "untranslated"})
	var r recorder
	l10ntest.Errors(&r, c.Error("card lost"), c.Error("untranslated"), fmt.Errorf("plain"))
	assert.Len(t, r.errs, 3, "no Chinese, the same text in both languages, and a plain error that does not localise: %v", r.errs)
	r = recorder{}
	l10ntest.Chinese(&r, l10ntest.Want{Err: c.Error("card lost"), ZH: "卡已挂失"}, l10ntest.Want{Err: c.Error("card lost"), ZH: "别的"})
	assert.Len(t, r.errs, 1)
	assert.Equal(t, []string{"loss", "unloss"}, l10ntest.English("未知的类别（应为loss、unloss或PSAM、%s）"))
	assert.True(t, l10ntest.HasHan("卡"))
	assert.False(t, l10ntest.HasHan("card"))
}
