package l10n_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

var testMessages = l10n.NewCatalog(
	l10n.Entry{Key: "card %s not found", ZH: "未找到卡 %s"},
	l10n.Entry{Key: "line %d: field %s", ZH: "第%[1]d行：字段%[2]s"},
	l10n.Entry{Key: "card not found", ZH: "未找到卡"},
)

func TestSprintfChoosesLanguage(t *testing.T) {
	for _, tc := range []struct {
		tag  language.Tag
		want string
	}{
		{l10n.Chinese, "未找到卡 0102"},
		{language.MustParse("zh-CN"), "未找到卡 0102"},
		{language.MustParse("zh-Hans-CN"), "未找到卡 0102"},
		{l10n.English, "card 0102 not found"},
		{language.French, "card 0102 not found"},
	} {
		assert.Equal(t, tc.want, testMessages.Sprintf(tc.tag, "card %s not found", "0102"), tc.tag.String())
	}
	assert.Equal(t, "第3行：字段姓名", testMessages.Sprintf(l10n.Chinese, "line %d: field %s", 3, "姓名"))
	assert.True(t, testMessages.Has("card %s not found"))
	assert.False(t, testMessages.Has("missing"))
}

func TestSentinelAndError(t *testing.T) {
	errNotFound := testMessages.Error("card not found")
	wrapped := fmt.Errorf("lookup: %w", errNotFound)
	assert.ErrorIs(t, wrapped, errNotFound)
	assert.NotErrorIs(t, wrapped, testMessages.Error("card not found"), "sentinels compare by identity")
	assert.Equal(t, "未找到卡", l10n.Error(wrapped, l10n.Chinese))
	assert.Equal(t, "plain", l10n.Error(errors.New("plain"), l10n.Chinese))
	assert.Equal(t, "", l10n.Error(nil, l10n.Chinese))
}

func TestNewCatalogRejectsBadData(t *testing.T) {
	assert.Panics(t, func() { l10n.NewCatalog(l10n.Entry{Key: "a", ZH: "甲"}, l10n.Entry{Key: "a", ZH: "乙"}) })
	assert.Panics(t, func() { l10n.NewCatalog(l10n.Entry{Key: "a"}) })
}

func TestParse(t *testing.T) {
	for in, want := range map[string]language.Tag{"": l10n.Chinese, "zh": l10n.Chinese, "zh-TW": l10n.Chinese, "en": l10n.English, " en-US ": l10n.English} {
		got, err := l10n.Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := l10n.Parse("!!")
	assert.Error(t, err)
}

func ExampleError() {
	errLost := l10n.NewCatalog(l10n.Entry{Key: "card reported lost", ZH: "卡已挂失"}).Error("card reported lost")
	err := fmt.Errorf("gate 3: %w", errLost)
	fmt.Println(err)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// gate 3: card reported lost
	// 卡已挂失
}

// Counted texts choose the English form by CLDR's plural rules; Chinese
// has one form.
func TestPlural(t *testing.T) {
	c := l10n.NewCatalog(l10n.Entry{Key: "%d records in %s", One: "%d record in %s", ZH: "%[2]s中有%[1]d条记录"})
	for n, want := range map[int]string{0: "0 records in a.txt", 1: "1 record in a.txt", 2: "2 records in a.txt", 1500: "1,500 records in a.txt"} {
		assert.Equal(t, want, c.Sprintf(l10n.English, "%d records in %s", n, "a.txt"))
	}
	assert.Equal(t, "a.txt中有1条记录", c.Sprintf(l10n.Chinese, "%d records in %s", 1, "a.txt"))
	one, ok := c.One("%d records in %s")
	assert.True(t, ok)
	assert.Equal(t, "%d record in %s", one)
}

// Wrap keeps the context in the language of the text; the cause unwraps.
func TestWrap(t *testing.T) {
	c := l10n.NewCatalog(
		l10n.Entry{Key: "row %d of %s", ZH: "%[2]s第%[1]d行"},
		l10n.Entry{Key: "bad date", ZH: "日期错误"},
	)
	cause := c.Error("bad date")
	err := l10n.Wrap(c.Text("row %d of %s", 7, "roster.xlsx"), cause)
	assert.Equal(t, "row 7 of roster.xlsx: bad date", err.Error())
	assert.Equal(t, "roster.xlsx第7行：日期错误", l10n.Error(err, l10n.Chinese))
	assert.ErrorIs(t, err, cause)
	ctx, ok := l10n.Context(fmt.Errorf("import: %w", err))
	require.True(t, ok)
	assert.Equal(t, "roster.xlsx第7行", ctx.Localize(l10n.Chinese))
	assert.NoError(t, l10n.Wrap(ctx, nil))
	_, ok = l10n.Context(cause)
	assert.False(t, ok)
	// A Localizer or error argument is rendered in the text's language.
	assert.Equal(t, "roster.xlsx第7行：日期错误", c.Sprintf(l10n.Chinese, "%[1]s：%[2]s", ctx, cause))
}

// The standard library's file and context errors read in Chinese too, with
// the operation and the path.
func TestStandardErrorsInChinese(t *testing.T) {
	pe := &os.PathError{Op: "open", Path: "roster.xlsx", Err: os.ErrNotExist}
	assert.Equal(t, "打开 roster.xlsx：文件不存在", l10n.Error(fmt.Errorf("import: %w", pe), l10n.Chinese))
	assert.Equal(t, "open roster.xlsx: no such file or directory"[:4], l10n.Error(pe, l10n.English)[:4], "English keeps the error's text")
	assert.Equal(t, "超时", l10n.Error(context.DeadlineExceeded, l10n.Chinese))
	assert.Equal(t, "已取消", l10n.Error(fmt.Errorf("x: %w", context.Canceled), l10n.Chinese))
	assert.Equal(t, "文件意外结束（不完整）", l10n.Error(io.ErrUnexpectedEOF, l10n.Chinese))
	assert.Equal(t, "其他", l10n.Error(errors.New("其他"), l10n.Chinese))
}
